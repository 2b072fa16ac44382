"use client";
import { useEffect, useRef, useState } from "react";
import { api, endpoints } from "@/components/lib/api";
import { fromPages, type PhyloData, type PhyloPage } from "./data";

/** At most this many nodes are downloaded (pages of 100,000); the panel says when it shows a part. */
export const PHYLOGENY_CAP = 300_000;

export interface PhylogenyState {
  data: PhyloData | null;
  total: number;
  loading: boolean;
  error: string | null;
  /** ms since the epoch of the last completed load (null before the first). */
  loadedAt: number | null;
}

async function loadAll(id: string, stop: () => boolean): Promise<{ data: PhyloData; total: number } | null> {
  const pages: PhyloPage[] = [];
  let offset: number | null = 0;
  let total = 0;
  let got = 0;
  while (offset != null && got < PHYLOGENY_CAP) {
    if (stop()) return null;
    const page = (await api(endpoints.phylogeny(id, offset, Math.min(100_000, PHYLOGENY_CAP - got)))) as PhyloPage;
    pages.push(page);
    total = page.total;
    got += page.ids.length;
    offset = page.nextOffset;
  }
  return { data: fromPages(pages), total };
}

/**
 * Loads the phylogeny page by page while `enabled`; `refreshKey` changes reload it (e.g. a run finished).
 * `live` (a running run): reloads when `archiveVersion` moved since the last load, at most every
 * `everyMs` and never more often than ten times the last load took (a 100,000-node tree is a big read);
 * the old tree stays on screen until the new one is in.
 */
export function usePhylogeny(id: string, enabled: boolean, refreshKey: string, live = false, archiveVersion = 0, everyMs = 4000): PhylogenyState {
  const [state, setState] = useState<PhylogenyState>({ data: null, total: 0, loading: false, error: null, loadedAt: null });
  const version = useRef(archiveVersion);
  version.current = archiveVersion;
  const loadedVersion = useRef(-1);
  const lastLoadMs = useRef(0);

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    const stop = () => stopped;
    const load = async () => {
      const v = version.current;
      const t0 = performance.now();
      setState((s) => ({ ...s, loading: true, error: null }));
      try {
        const got = await loadAll(id, stop);
        if (!got || stopped) return;
        lastLoadMs.current = performance.now() - t0;
        loadedVersion.current = v;
        setState({ data: got.data, total: got.total, loading: false, error: null, loadedAt: Date.now() });
      } catch (e) {
        if (!stopped) setState((s) => ({ ...s, loading: false, error: (e as Error).message }));
      }
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const next = () => {
      if (stopped || !live) return;
      timer = setTimeout(async () => {
        if (version.current !== loadedVersion.current) await load();
        next();
      }, Math.max(everyMs, 10 * lastLoadMs.current));
    };
    void load().then(next);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, enabled, refreshKey, live, everyMs]);
  return state;
}
