/** The selected cell's elite (or an ancestor being inspected), with the offer of a better elite that landed since. */
import { ElitePanel } from "@/components/elite/ElitePanel";
import { Card } from "@/components/ui/Card";
import type { SolutionDetail } from "@/components/lib/types";

interface Props {
  cell: number | null;
  solution: SolutionDetail | null;
  names: string[];
  loading: boolean;
  error: string | null;
  /** An ancestor is shown instead of the cell's elite. */
  ancestor: boolean;
  /** A better elite has landed in the cell since it was loaded. */
  newer: boolean;
  onShowNewer(): void;
  onBack(): void;
  lineageOpen: boolean;
  onShowLineage(): void;
  onInspect(solutionId: string): void;
}

export function EliteCard({ cell, solution, names, loading, error, ancestor, newer, onShowNewer, onBack, lineageOpen, onShowLineage, onInspect }: Props) {
  return (
    <Card id="elite" title={ancestor ? "Ancestor" : "Elite"} className="lg:max-h-[760px] lg:overflow-y-auto">
      {newer && (
        <button type="button" onClick={onShowNewer} className="mb-3 w-full rounded-md bg-indigo-50 px-2.5 py-1.5 text-left text-xs font-medium text-indigo-700 hover:bg-indigo-100 dark:bg-indigo-950/60 dark:text-indigo-300 dark:hover:bg-indigo-900/60">
          A better elite has landed in this cell · show it
        </button>
      )}
      <ElitePanel cell={cell} solution={solution} names={names} loading={loading} error={error} ancestor={ancestor} onBack={onBack} lineageOpen={lineageOpen} onShowLineage={onShowLineage} onInspect={onInspect} />
    </Card>
  );
}
