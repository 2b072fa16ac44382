/** The descriptor space: parallel coordinates (whose brush filters the grid and the table) and, for 3 descriptors, a 3-D scatter. */
import type { ArchiveStore } from "@/components/archive/store";
import { ParallelCoordinates } from "@/components/descriptors/ParallelCoordinates";
import { Scatter3D } from "@/components/descriptors/Scatter3D";
import type { DescriptorRange } from "@/components/lib/use-elite-table";
import { Card } from "@/components/ui/Card";

interface Props {
  store: ArchiveStore;
  /** What the scatter draws (brushed, or the replay's archive). */
  gridStore: ArchiveStore;
  version: number;
  /** The scatter's version: moves with the replay too. */
  drawVersion: number;
  ranges: DescriptorRange[];
  onRanges(r: DescriptorRange[]): void;
  /** Elites within the brushed ranges. */
  brushed: number;
  selected: number | null;
  onSelect(cell: number | null): void;
}

export function DescriptorCards({ store, gridStore, version, drawVersion, ranges, onRanges, brushed, selected, onSelect }: Props) {
  return (
    <>
      {store.dim >= 2 && (
        <Card
          title="Descriptors"
          actions={
            <span className="text-xs text-slate-500 tabular-nums dark:text-slate-400" data-testid="brushed-count">
              {ranges.length ? `${brushed.toLocaleString("en-US")} elites in range` : `${store.filled.toLocaleString("en-US")} elites`}
            </span>
          }
        >
          <ParallelCoordinates store={store} version={version} ranges={ranges} onRangesChange={onRanges} selected={selected} />
        </Card>
      )}

      {store.dim === 3 && (
        <Card title="3-D scatter" id="scatter-3d" actions={<span className="text-xs text-slate-500 dark:text-slate-400">{store.geometry.type === "cvt" ? "Every elite at its descriptors, no projection" : "Every elite at its descriptors, nothing folded"}</span>}>
          <Scatter3D store={gridStore} version={drawVersion} selected={selected} onSelect={onSelect} />
        </Card>
      )}
    </>
  );
}
