/** The elite archive: the live grid (or one island's, or the replay's), its legend and view controls. */
import type { ArchiveStore, ViewSpec } from "@/components/archive/store";
import { EliteGrid } from "@/components/archive/EliteGrid";
import { ColorLegend } from "@/components/archive/ColorLegend";
import { ViewControls } from "@/components/archive/ViewControls";
import { IslandPicker } from "@/components/archive/IslandPicker";
import { Card } from "@/components/ui/Card";
import type { ExperimentSummary } from "@/components/lib/types";

interface Props {
  /** The run's archive (names, geometry). */
  store: ArchiveStore;
  /** What the grid draws: the run's or the island's archive, filtered by the brush, or the replay's. */
  gridStore: ArchiveStore;
  /** The archive on screen (the union or the chosen island's) and the replay's view of it, if replaying. */
  shownStore: ArchiveStore;
  replayView: ArchiveStore | null;
  version: number;
  islands: ExperimentSummary["islands"];
  island: number | null;
  onIsland(k: number | null): void;
  view: ViewSpec;
  onView(v: ViewSpec): void;
  selected: number | null;
  lineageCells: number[];
  focusCell: number | null;
  onSelect(cell: number | null): void;
}

export function ArchiveCard({ store, gridStore, shownStore, replayView, version, islands, island, onIsland, view, onView, selected, lineageCells, focusCell, onSelect }: Props) {
  const g = store.geometry;
  return (
    <Card
      title="Elite archive"
      actions={
        <span className="text-xs text-slate-500 tabular-nums dark:text-slate-400" data-testid="filled-cells">
          {replayView ? (
            <span className="mr-2 rounded bg-orange-100 px-1.5 py-0.5 font-medium text-orange-800 dark:bg-orange-950 dark:text-orange-200">replay</span>
          ) : null}
          {(replayView ?? shownStore).filled.toLocaleString("en-US")} / {shownStore.cells.toLocaleString("en-US")} cells filled{!replayView && island != null ? ` on island ${island}` : ""}
        </span>
      }
    >
      {islands && (
        <div className="mb-3">
          <IslandPicker islands={islands} value={island} onChange={onIsland} />
        </div>
      )}
      <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
        <ColorLegend {...shownStore.colorRange} />
        {store.dim >= 2 && <ViewControls names={store.names} bins={g.type === "grid" ? g.dims : null} view={view} onChange={onView} />}
      </div>
      <EliteGrid store={gridStore} version={version} view={view} selected={selected} lineageCells={lineageCells} focusCell={focusCell} onSelect={onSelect} />
      {store.dim >= 3 && (
        <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">
          {g.type === "cvt"
            ? "Centroids projected onto the two chosen descriptors."
            : view.mode === "fold"
              ? "Each square shows the best elite over the other descriptors."
              : "Showing one slice through the other descriptors."}
        </p>
      )}
    </Card>
  );
}
