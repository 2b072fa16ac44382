/**
 * Islands: the grid shows the union (the experiment's archive) or one
 * island's archive, reloaded every few seconds while the run goes on; the
 * experiment's per-island counters are refreshed with it.
 */
import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from "react";
import { api, endpoints, fetchArchive, normalizeExperiment } from "@/components/lib/api";
import { ArchiveStore } from "@/components/archive/store";
import type { ExperimentSummary } from "@/components/lib/types";

export function useIslands(id: string, hasIslands: boolean, running: boolean, store: ArchiveStore, setExperiment: Dispatch<SetStateAction<ExperimentSummary>>) {
  const [island, setIsland] = useState<number | null>(null);
  const [islandStore, setIslandStore] = useState<ArchiveStore | null>(null);
  useEffect(() => {
    if (!hasIslands) return;
    let stop = false;
    const load = async () => {
      try {
        const fresh = normalizeExperiment(await api(endpoints.experiment(id)));
        if (!stop) setExperiment((e) => ({ ...e, islands: fresh.islands }));
        if (island == null) return;
        const { payload } = await fetchArchive(id, { island }, { ranges: store.geometry.ranges, dims: store.geometry.type === "grid" ? store.geometry.dims : [], names: store.names });
        if (!stop) setIslandStore(new ArchiveStore(payload));
      } catch {
        /* next tick */
      }
    };
    void load();
    if (!running) return () => void (stop = true);
    const t = setInterval(() => void load(), 3000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [hasIslands, island, running, id, store, setExperiment]);
  const choose = useCallback((k: number | null) => {
    setIslandStore(null);
    setIsland(k);
  }, []);
  /** The island's archive as last loaded, for callbacks that must not re-create on each load. */
  const storeRef = useRef(islandStore);
  useEffect(() => {
    storeRef.current = islandStore;
  }, [islandStore]);
  return {
    island,
    choose,
    storeRef,
    ready: islandStore != null,
    /** The archive on screen: the union, or the chosen island's once loaded. */
    shownStore: island != null && islandStore ? islandStore : store,
  };
}
