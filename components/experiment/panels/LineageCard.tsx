/** The open lineage of the elite: its ancestors back to the first, drawn as a chain. */
import { LineageTree } from "@/components/lineage/LineageTree";
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
  return (
    <Card title="Lineage" actions={<button type="button" className="text-xs text-slate-500 hover:underline" onClick={onClose}>Close</button>}>
      {lineage ? (
        lineage.steps.length ? (
          <LineageTree steps={lineage.steps} complete={lineage.complete} inspected={inspectedId ?? elite.id} min={min} max={max} onInspect={onInspect} showOperators={elite.genomeKind !== "vector"} />
        ) : (
          <p className="text-sm text-slate-500">No lineage stored for this solution.</p>
        )
      ) : (
        <p className="text-sm text-slate-500">Walking back through the ancestors…</p>
      )}
    </Card>
  );
}
