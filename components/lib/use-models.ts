"use client";
/** The per-model report of an LLM run (GET /api/experiments/:id/models), refreshed while it runs. */
import { useEffect, useState } from "react";
import { api, ApiError } from "./api";

export interface ModelRow {
  model: string;
  provider: string | null;
  weight: number | null;
  configured: boolean;
  pulls: number;
  share: number | null;
  costUsd: number;
  gain: number;
  improvements: number;
  gainPerPull: number | null;
  gainPerDollar: number | null;
  value: number | null;
}

export interface ModelPoint {
  evaluations: number;
  models: Record<string, { pulls: number; costUsd: number; gain: number; improvements: number }>;
}

export interface ModelsReport {
  modelSelection: "fixed" | "ucb" | "thompson" | null;
  strategy: "evolve" | "best-of-n" | null;
  models: ModelRow[];
  series: ModelPoint[];
}

/** `enabled`: LLM runs only (other runs have no models). */
export function useModels(id: string, enabled: boolean, active: boolean, refreshKey: unknown, everyMs = 5_000) {
  const [report, setReport] = useState<ModelsReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active || !enabled) return;
    const t = setInterval(() => setTick((x) => x + 1), everyMs);
    return () => clearInterval(t);
  }, [active, enabled, everyMs]);
  useEffect(() => {
    if (!enabled) return;
    let stop = false;
    api<ModelsReport>(`/api/experiments/${id}/models`)
      .then((r) => !stop && (setReport(r), setError(null)))
      .catch((e) => !stop && setError(e instanceof ApiError ? e.message : String(e)));
    return () => {
      stop = true;
    };
  }, [id, enabled, tick, refreshKey]);
  return { report, error };
}
