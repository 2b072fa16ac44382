"use client";
/**
 * What the run's evaluator did: recent failed candidates (paged, newest first)
 * and the metric keys produced so far, refreshed every few seconds while the
 * run is active (the SSE stream carries archive changes, not failures).
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { api, endpoints, normalizeEvaluations, normalizeExperiment, normalizeMetricKeys } from "@/components/lib/api";
import type { EvaluationItem, MetricKeyInfo, StageCount } from "@/components/lib/types";

const PAGE = 20;
export const EVALUATIONS_POLL_MS = 2500;

export interface EvaluationsState {
  failures: EvaluationItem[];
  nextCursor: string | null;
  loading: boolean;
  loadingMore: boolean;
  error: string | null;
  keys: MetricKeyInfo[] | null;
  keysFrom: number;
  /** Program runs with a cascade: evaluated candidates per stage reached. */
  stages: StageCount[];
  loadMore(): void;
}

interface Options {
  id: string;
  /** Poll while true (running or queued). */
  active: boolean;
  /** Fetch failures at all (user evaluators, or any run with failures). */
  withFailures: boolean;
  /** Fetch metric keys (runs whose evaluator reports metrics). */
  withKeys: boolean;
  /** A change of this value (e.g. the failure count) triggers a refresh when not polling. */
  refreshKey: unknown;
  /** Fresh failure count from the experiment (SSE batches do not carry it). */
  onFailedCount?(n: number): void;
}

export function useEvaluations({ id, active, withFailures, withKeys, refreshKey, onFailedCount }: Options): EvaluationsState {
  const [failures, setFailures] = useState<EvaluationItem[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(withFailures);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [keys, setKeys] = useState<MetricKeyInfo[] | null>(null);
  const [keysFrom, setKeysFrom] = useState(0);
  const [stages, setStages] = useState<StageCount[]>([]);
  const pagedBeyondFirst = useRef(false);
  const onCount = useRef(onFailedCount);
  useEffect(() => {
    onCount.current = onFailedCount;
  });

  const refresh = useCallback(async () => {
    const jobs: Promise<unknown>[] = [];
    if (withFailures) {
      jobs.push(
        api(endpoints.solutions(id, { status: "failed,invalid", limit: PAGE })).then((b) => {
          const page = normalizeEvaluations(b);
          setFailures((old) => {
            if (!pagedBeyondFirst.current) return page.items;
            // Older pages are loaded: keep them, put the new arrivals on top.
            const known = new Set(old.map((f) => f.id));
            const fresh = page.items.filter((f) => !known.has(f.id));
            return fresh.length ? [...fresh, ...old] : old;
          });
          if (!pagedBeyondFirst.current) setNextCursor(page.nextCursor);
          setError(null);
        }),
      );
      jobs.push(api(endpoints.experiment(id)).then((e) => onCount.current?.(normalizeExperiment(e).failedEvaluations)));
    }
    if (withKeys) {
      jobs.push(
        api(endpoints.metricKeys(id)).then((b) => {
          setKeys(normalizeMetricKeys(b));
          setKeysFrom(Number((b as { solutions?: number }).solutions ?? 0));
          const st = (b as { stages?: unknown }).stages;
          setStages(Array.isArray(st) ? st.map((x: { stage?: unknown; count?: unknown }) => ({ stage: Number(x.stage), count: Number(x.count) })) : []);
        }),
      );
    }
    const results = await Promise.allSettled(jobs);
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined;
    if (failed) setError((failed.reason as Error)?.message ?? "could not load");
    setLoading(false);
  }, [id, withFailures, withKeys]);

  // First load, and again whenever refreshKey changes (a status change, a new failure count).
  useEffect(() => {
    void refresh();
  }, [refresh, refreshKey]);

  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => void refresh(), EVALUATIONS_POLL_MS);
    return () => clearInterval(t);
  }, [active, refresh]);

  const loadMore = useCallback(() => {
    if (!nextCursor || loadingMore) return;
    setLoadingMore(true);
    api(endpoints.solutions(id, { status: "failed,invalid", limit: PAGE, cursor: nextCursor }))
      .then((b) => {
        const page = normalizeEvaluations(b);
        pagedBeyondFirst.current = true;
        setFailures((old) => {
          const known = new Set(old.map((f) => f.id));
          return [...old, ...page.items.filter((f) => !known.has(f.id))];
        });
        setNextCursor(page.nextCursor);
      })
      .catch((e: Error) => setError(e.message))
      .finally(() => setLoadingMore(false));
  }, [id, nextCursor, loadingMore]);

  return { failures, nextCursor, loading, loadingMore, error, keys, keysFrom, stages, loadMore };
}
