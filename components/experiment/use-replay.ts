/**
 * The archive over time: while on, a replay of the archive's accepted writes
 * (loaded by useArchiveHistory) that the grid, the curves' cursor and the
 * phylogeny follow. Exposes the bench hook window.__qdReplay.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import type { ArchiveStore } from "@/components/archive/store";
import { useArchiveHistory } from "@/components/history/use-history";
import { evaluationsAt } from "@/components/history/replay";

declare global {
  interface Window {
    /** Bench hook: ms per replay seek (the archive state only; the grid's draw is in __qdGrid.draws). */
    __qdReplay?: { seeks: number[]; length: number; seek(k: number): void };
  }
}

export function useReplay(id: string, store: ArchiveStore, status: string) {
  const [on, setOn] = useState(false);
  const history = useArchiveHistory(id, on, status);
  const replay = on ? (history.history?.replay ?? null) : null;
  const [position, setPosition] = useState<number | null>(null);
  const seek = useCallback(
    (k: number) => {
      if (!replay) return;
      const t0 = performance.now();
      replay.seek(k);
      const w = (window.__qdReplay ??= { seeks: [], length: 0, seek: () => {} });
      w.seeks.push(performance.now() - t0);
      if (w.seeks.length > 4000) w.seeks.splice(0, 2000);
      setPosition(replay.position);
    },
    [replay],
  );
  useEffect(() => {
    if (!replay) return setPosition(null);
    replay.seek(replay.length);
    setPosition(replay.position);
    const w = (window.__qdReplay ??= { seeks: [], length: 0, seek: () => {} });
    w.length = replay.length;
    w.seek = seek;
  }, [replay, seek]);
  /** The run's archive as it was at the replay's position (null when not replaying). */
  const view = useMemo(
    () => (replay && position != null ? (Object.create(store, { fitness: { value: replay.fitness }, filled: { value: replay.filled }, sum: { value: replay.sum } }) as ArchiveStore) : null),
    [replay, position, store],
  );
  const time = replay && position != null && replay.length ? replay.timeAt(position) : null;
  const evaluations = time != null && history.history ? evaluationsAt(history.history.snapshots, time) : null;
  const start = useCallback(() => setOn(true), []);
  const exit = useCallback(() => setOn(false), []);
  const evaluationsAtK = useCallback((k: number) => (replay && history.history ? evaluationsAt(history.history.snapshots, replay.timeAt(k)) : null), [replay, history.history]);
  const timeAt = useCallback((k: number) => (replay ? replay.timeAt(k) : NaN), [replay]);
  return { on, start, exit, error: history.error, replay, position, seek, view, time, evaluations, evaluationsAt: evaluationsAtK, timeAt };
}
export type ReplayState = ReturnType<typeof useReplay>;
