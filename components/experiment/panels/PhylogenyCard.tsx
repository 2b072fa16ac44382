/** Phylogeny: every stored solution that leads to a current elite, opened on demand; live while the run goes on. */
import { PhylogenyPanel } from "@/components/phylogeny/PhylogenyPanel";
import type { PhylogenyState } from "@/components/phylogeny/use-phylogeny";
import { buttonClass, Card } from "@/components/ui/Card";

interface Props {
  open: boolean;
  onOpen(open: boolean): void;
  phylo: PhylogenyState;
  /** The tree reloads as elites land (shown as "live"). */
  live: boolean;
  focusSolutionId: string | null;
  timeCursor: number | null;
  onOpenSolution(solutionId: string): void;
}

export function PhylogenyCard({ open, onOpen, phylo, live, focusSolutionId, timeCursor, onOpenSolution }: Props) {
  return (
    <Card
      title="Phylogeny"
      id="phylogeny"
      actions={
        open ? (
          <span className="flex items-center gap-3 text-xs">
            {live && phylo.data && (
              <span className="flex items-center gap-1.5 tabular-nums text-slate-500 dark:text-slate-400" data-testid="phylogeny-live" title="The tree reloads as elites land">
                <span className={`inline-block h-1.5 w-1.5 rounded-full bg-emerald-500 ${phylo.loading ? "animate-pulse" : ""}`} aria-hidden="true" />
                live · {phylo.data.n.toLocaleString("en-US")} nodes
              </span>
            )}
            <button type="button" className="text-slate-500 hover:underline" onClick={() => onOpen(false)}>
              Close
            </button>
          </span>
        ) : undefined
      }
    >
      {!open ? (
        <div className="flex flex-wrap items-center gap-3">
          <button type="button" className={buttonClass} onClick={() => onOpen(true)}>
            Show the phylogeny
          </button>
          <span className="text-xs text-slate-500 dark:text-slate-400">Every stored solution that leads to a current elite, from the seeds down.</span>
        </div>
      ) : phylo.error && !phylo.data ? (
        <p className="text-sm text-red-600 dark:text-red-400">Could not load the phylogeny: {phylo.error}</p>
      ) : phylo.data ? (
        phylo.data.n ? (
          <PhylogenyPanel data={phylo.data} total={phylo.total} focusSolutionId={focusSolutionId} timeCursor={timeCursor} onOpen={onOpenSolution} />
        ) : (
          <p className="text-sm text-slate-500">No elites yet.</p>
        )
      ) : (
        <p className="text-sm text-slate-500">Walking back from the elites…</p>
      )}
    </Card>
  );
}
