"use client";
/**
 * One page of the elite table (GET /api/experiments/:id/elites): sorted, filtered and paged by the
 * server, refetched when the query changes and, while the run is live, when the archive moves.
 */
import { useEffect, useRef, useState } from "react";
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

export interface EliteTableRow {
  cell: number;
  fitness: number;
  descriptors: number[];
  solutionId: string;
  operator: string;
  model: string | null;
  costUsd: number | null;
  createdAt: string;
  /** evaluation.reevaluate runs: the re-evaluations agreed (null: not re-evaluated). */
  verified: boolean | null;
  fitnessSpread: number | null;
}

export interface Facet {
  value: string;
  count: number;
}

export interface ElitePage {
  total: number;
  rows: EliteTableRow[];
  facets: { operator: Facet[]; model: Facet[] };
}

export function eliteTableUrl(id: string, q: EliteQuery): string {
  const p = new URLSearchParams({ sort: q.sort, order: q.order, limit: String(q.limit), offset: String(q.offset) });
  if (q.fitnessMin != null) p.set("fitnessMin", String(q.fitnessMin));
  if (q.fitnessMax != null) p.set("fitnessMax", String(q.fitnessMax));
  if (q.operator) p.set("operator", q.operator);
  if (q.model) p.set("model", q.model);
  if (q.ranges.length) p.set("ranges", q.ranges.map((r) => `${r.index}:${r.min}:${r.max}`).join(","));
  return `/api/experiments/${id}/elites?${p}`;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function normalizeElitePage(b: Json): ElitePage {
  const facet = (xs: unknown): Facet[] => (Array.isArray(xs) ? xs.map((f: Json) => ({ value: String(f.value), count: Number(f.count) || 0 })) : []);
  return {
    total: Number(b.total) || 0,
    rows: (Array.isArray(b.elites) ? b.elites : []).map((r: Json) => ({
      cell: Number(r.cell),
      fitness: Number(r.fitness),
      descriptors: Array.isArray(r.descriptors) ? r.descriptors.map(Number) : [],
      solutionId: String(r.solutionId),
      operator: String(r.operator ?? "—"),
      model: r.model == null ? null : String(r.model),
      costUsd: r.costUsd == null ? null : Number(r.costUsd),
      createdAt: String(r.createdAt),
      verified: typeof r.verified === "boolean" ? r.verified : null,
      fitnessSpread: r.fitnessSpread == null ? null : Number(r.fitnessSpread),
    })),
    facets: { operator: facet(b.facets?.operator), model: facet(b.facets?.model) },
  };
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
    api(url)
      .then((b) => {
        if (stop) return;
        setPage(normalizeElitePage(b));
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
