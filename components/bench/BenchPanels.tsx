"use client";
/** The benchmark page's panels: the phylogeny and the archive replay on synthetic data (see app/bench/panels). */
import { useCallback, useEffect, useMemo, useState } from "react";
import { PhylogenyPanel } from "@/components/phylogeny/PhylogenyPanel";
import { syntheticPhylogeny } from "@/components/phylogeny/data";
import { ArchiveReplay, syntheticHistory } from "@/components/history/replay";
import { ReplayControls } from "@/components/history/ReplayControls";
import { ArchiveStore, defaultView } from "@/components/archive/store";
import { EliteGrid } from "@/components/archive/EliteGrid";
import { Card } from "@/components/ui/Card";

export function BenchPanels({ n, events, side }: { n: number; events: number; side: number }) {
  const data = useMemo(() => syntheticPhylogeny(n), [n]);
  const replay = useMemo(() => new ArchiveReplay(syntheticHistory(side * side, events)), [side, events]);
  const store = useMemo(() => {
    const s = new ArchiveStore({
      cells: side * side,
      geometry: { type: "grid", dims: [side, side], ranges: [[0, 1], [0, 1]] },
      descriptorNames: ["a", "b"],
      cell: new Int32Array(0),
      fitness: new Float64Array(0),
      descriptors: new Float64Array(0),
    });
    replay.seek(replay.length);
    s.apply(Array.from(replay.fitness, (f, c) => [c, f] as const));
    return s;
  }, [replay, side]);
  const [pos, setPos] = useState(replay.length);
  const seek = useCallback(
    (k: number) => {
      const t0 = performance.now();
      replay.seek(k);
      const w = (window.__qdReplay ??= { seeks: [], length: 0, seek: () => {} });
      w.seeks.push(performance.now() - t0);
      setPos(replay.position);
    },
    [replay],
  );
  useEffect(() => {
    const w = (window.__qdReplay ??= { seeks: [], length: 0, seek: () => {} });
    w.length = replay.length;
    w.seek = seek;
  }, [replay, seek]);
  const view = useMemo(() => Object.create(store, { fitness: { value: replay.fitness }, filled: { value: replay.filled } }) as ArchiveStore, [store, replay, pos]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <div className="space-y-6">
      <Card title={`Phylogeny (synthetic, ${n.toLocaleString("en-US")} nodes)`}>
        <PhylogenyPanel data={data} timeCursor={replay.timeAt(pos)} onOpen={() => {}} />
      </Card>
      <Card title={`Archive over time (synthetic, ${events.toLocaleString("en-US")} writes)`}>
        <ReplayControls
          length={replay.length}
          position={pos}
          onPosition={seek}
          timeAt={(k) => replay.timeAt(k)}
          evaluationsAt={() => null}
          filled={replay.filled}
          cells={store.cells}
          frameCanvas={() => document.querySelector('[data-testid="elite-grid-canvas"]')}
          onExit={() => {}}
        />
        <div className="mt-3">
          <EliteGrid store={view} version={pos} view={defaultView(2)} selected={null} lineageCells={[]} onSelect={() => {}} />
        </div>
      </Card>
    </div>
  );
}
