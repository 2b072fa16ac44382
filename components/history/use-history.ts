"use client";
import { useEffect, useState } from "react";
import { api, endpoints } from "@/components/lib/api";
import { ArchiveReplay } from "./replay";

interface HistoryPage {
  nextAfter: number | null;
  cells: number;
  cell: number[];
  fitness: number[];
  createdAt: number[];
  snapshots: { evaluations: number[]; createdAt: number[] } | null;
}

export interface LoadedHistory {
  replay: ArchiveReplay;
  snapshots: { evaluations: number[]; createdAt: number[] };
}

/** Loads the archive's whole history (page by page) while `enabled` and builds its replay. */
export function useArchiveHistory(id: string, enabled: boolean, refreshKey: string) {
  const [state, setState] = useState<{ history: LoadedHistory | null; loading: boolean; error: string | null }>({ history: null, loading: false, error: null });
  useEffect(() => {
    if (!enabled) return;
    let stop = false;
    setState((s) => ({ ...s, loading: true, error: null }));
    (async () => {
      const pages: HistoryPage[] = [];
      let after: number | null = -1;
      while (after != null && !stop) {
        const p = (await api(endpoints.history(id, after))) as HistoryPage;
        pages.push(p);
        after = p.nextAfter;
      }
      if (stop) return;
      const n = pages.reduce((s, p) => s + p.cell.length, 0);
      const cell = new Int32Array(n);
      const fitness = new Float64Array(n);
      const createdAt = new Float64Array(n);
      let i = 0;
      for (const p of pages) {
        cell.set(p.cell, i);
        fitness.set(p.fitness, i);
        createdAt.set(p.createdAt, i);
        i += p.cell.length;
      }
      // createdAt is each transaction's start: revisions commit in order, their start times nearly so.
      for (let k = 1; k < n; k++) if (createdAt[k]! < createdAt[k - 1]!) createdAt[k] = createdAt[k - 1]!;
      const replay = new ArchiveReplay({ cells: pages[0]?.cells ?? 0, cell, fitness, createdAt });
      setState({ history: { replay, snapshots: pages[0]?.snapshots ?? { evaluations: [], createdAt: [] } }, loading: false, error: null });
    })().catch((e: Error) => !stop && setState((s) => ({ ...s, loading: false, error: e.message })));
    return () => {
      stop = true;
    };
  }, [id, enabled, refreshKey]);
  return state;
}
