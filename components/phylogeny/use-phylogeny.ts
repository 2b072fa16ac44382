"use client";
import { useEffect, useState } from "react";
import { api, endpoints } from "@/components/lib/api";
import { fromPages, type PhyloData, type PhyloPage } from "./data";

/** At most this many nodes are downloaded (pages of 100,000); the panel says when it shows a part. */
export const PHYLOGENY_CAP = 300_000;

/** Loads the phylogeny page by page while `enabled`; `refreshKey` changes reload it (e.g. a run finished). */
export function usePhylogeny(id: string, enabled: boolean, refreshKey: string) {
  const [state, setState] = useState<{ data: PhyloData | null; total: number; loading: boolean; error: string | null }>({ data: null, total: 0, loading: false, error: null });
  useEffect(() => {
    if (!enabled) return;
    let stop = false;
    setState((s) => ({ ...s, loading: true, error: null }));
    (async () => {
      const pages: PhyloPage[] = [];
      let offset: number | null = 0;
      let total = 0;
      let got = 0;
      while (offset != null && got < PHYLOGENY_CAP && !stop) {
        const page = (await api(endpoints.phylogeny(id, offset, Math.min(100_000, PHYLOGENY_CAP - got)))) as PhyloPage;
        pages.push(page);
        total = page.total;
        got += page.ids.length;
        offset = page.nextOffset;
      }
      if (!stop) setState({ data: fromPages(pages), total, loading: false, error: null });
    })().catch((e: Error) => !stop && setState((s) => ({ ...s, loading: false, error: e.message })));
    return () => {
      stop = true;
    };
  }, [id, enabled, refreshKey]);
  return state;
}
