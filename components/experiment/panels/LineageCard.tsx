/** The open lineage of the elite: its ancestors back to the first, drawn as a chain. */
import { LineageTree } from "@/components/lineage/LineageTree";
import { madeWithoutParents, operatorLabel, parentlessOrigin } from "@/components/elite/origin";
import { Card } from "@/components/ui/Card";
import type { LineageNode, SolutionDetail } from "@/components/lib/types";

interface Props {
  elite: SolutionDetail;
  lineage: { steps: LineageNode[]; complete: boolean } | null;
  inspectedId: string | null;
  min: number;
  max: number;
  onInspect(solutionId: string): void;
  onClose(): void;
}

export function LineageCard({ elite, lineage, inspectedId, min, max, onInspect, onClose }: Props) {
  // CMA-ME/MAE and the gradient emitters (CMA-MEGA, OG-MAP-Elites, OMG-MEGA) record no parents: say what made the elite instead of drawing a one-dot chain.
  const noAncestors = elite.parentIds.length === 0 && madeWithoutParents(elite.operator) && (lineage?.steps.length ?? 0) <= 1;
  return (
    <Card title="Lineage" actions={<button type="button" className="text-xs text-slate-500 hover:underline dark:text-slate-400" onClick={onClose}>Close</button>}>
      {noAncestors ? (
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="lineage-origin">
          No ancestors to walk: <span className="font-medium text-slate-800 dark:text-slate-200">{operatorLabel(elite.operator)}</span> made this elite as {parentlessOrigin(elite.operator)}. These emitters carry their search from step to step in their own state, not through parent solutions, so their elites have no recorded lineage.
        </p>
      ) : lineage ? (
        lineage.steps.length ? (
          <LineageTree steps={lineage.steps} complete={lineage.complete} inspected={inspectedId ?? elite.id} min={min} max={max} onInspect={onInspect} showOperators={elite.genomeKind !== "vector"} />
        ) : (
          <p className="text-sm text-slate-500 dark:text-slate-400">No lineage stored for this solution.</p>
        )
      ) : (
        <p className="text-sm text-slate-500 dark:text-slate-400">Walking back through the ancestors…</p>
      )}
    </Card>
  );
}
