"use client";
/**
 * One page of the elite table (GET /api/experiments/:id/elites): sorted, filtered and paged by the
 * server, refetched when the query changes and, while the run is live, when the archive moves.
 */
import { useEffect, useRef, useState } from "react";
import type { z } from "zod";
import type { ElitePage as ElitePageSchema } from "@/lib/api/responses";
import { api, ApiError } from "./api";

export type EliteSort = "fitness" | "cell" | "createdAt" | "operator" | "model" | `d${number}`;

/** A brushed interval on descriptor `index` (inclusive). */
export interface DescriptorRange {
  index: number;
  min: number;
  max: number;
}

export interface EliteQuery {
  sort: EliteSort;
  order: "asc" | "desc";
  offset: number;
  limit: number;
  fitnessMin: number | null;
  fitnessMax: number | null;
  operator: string | null;
  model: string | null;
  ranges: DescriptorRange[];
}

export const defaultEliteQuery: EliteQuery = { sort: "fitness", order: "desc", offset: 0, limit: 50, fitnessMin: null, fitnessMax: null, operator: null, model: null, ranges: [] };

/** The server's page, typed by its response schema (lib/api/responses.ts), not by a copy of it. */
export type ElitePage = z.infer<typeof ElitePageSchema>;
export type EliteTableRow = ElitePage["elites"][number];

export function eliteTableUrl(id: string, q: EliteQuery): string {
  const p = new URLSearchParams({ sort: q.sort, order: q.order, limit: String(q.limit), offset: String(q.offset) });
  if (q.fitnessMin != null) p.set("fitnessMin", String(q.fitnessMin));
  if (q.fitnessMax != null) p.set("fitnessMax", String(q.fitnessMax));
  if (q.operator) p.set("operator", q.operator);
  if (q.model) p.set("model", q.model);
  if (q.ranges.length) p.set("ranges", q.ranges.map((r) => `${r.index}:${r.min}:${r.max}`).join(","));
  return `/api/experiments/${id}/elites?${p}`;
}

/**
 * `refreshKey` changes when the archive changed (the live store's version): the page is refetched at
 * most every `minIntervalMs`, so a run receiving events at full speed does not flood the server.
 */
export function useEliteTable(id: string, query: EliteQuery, refreshKey: unknown, minIntervalMs = 2000) {
  const [page, setPage] = useState<ElitePage | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const url = eliteTableUrl(id, query);
  const lastFetch = useRef(0);
  const [tick, setTick] = useState(0);

  // Archive moved: refetch, throttled.
  useEffect(() => {
    const wait = lastFetch.current + minIntervalMs - Date.now();
    if (wait <= 0) return setTick((t) => t + 1);
    const t = setTimeout(() => setTick((x) => x + 1), wait);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [refreshKey]);

  useEffect(() => {
    let stop = false;
    setLoading(true);
    lastFetch.current = Date.now();
    api<ElitePage>(url)
      .then((b) => {
        if (stop) return;
        setPage(b);
        setError(null);
      })
      .catch((e) => !stop && setError(e instanceof ApiError ? e.message : String(e)))
      .finally(() => !stop && setLoading(false));
    return () => {
      stop = true;
    };
  }, [url, tick]);

  return { page, loading, error };
}
