"use client";
/** The budget report of a run (GET /api/experiments/:id/budget), refreshed now and then while it runs. */
import { useEffect, useState } from "react";
import { api, ApiError } from "./api";

export const OUTCOME_KEYS = ["new_cell", "improved", "no_gain", "invalid", "failed", "duplicate"] as const;
export type OutcomeKey = (typeof OUTCOME_KEYS)[number];

export interface BudgetGroup {
  key: string;
  evaluations: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  outcomes: Record<OutcomeKey, number>;
  costPerImprovement: number | null;
  /** Rejected before evaluation (not in `evaluations`), and their share of all proposals. */
  duplicates: number;
  duplicateRate: number;
}

export interface BudgetReport {
  evaluations: number;
  storedEvaluations: number;
  unstoredNoGain: number;
  costUsd: number;
  promptTokens: number;
  completionTokens: number;
  outcomes: Record<OutcomeKey, number>;
  improvements: number;
  costPerImprovement: number | null;
  duplicates: number;
  duplicateRate: number;
  byModel: BudgetGroup[];
  byOperator: BudgetGroup[];
  /** Runs with islands: key "0", "1", … and "seeds" (the initial population, shared by every island). */
  byIsland?: BudgetGroup[];
  byOutcome?: BudgetGroup[];
  /** Cascade evaluators: evaluated candidates by the last stage they reached. */
  stages?: { stage: number; count: number }[];
  overEvaluations: { bucket: number; evaluations: number; costUsd: number; outcomes: Record<OutcomeKey, number> }[];
  evalTime: { count: number; p50: number | null; p90: number | null; p99: number | null; max: number | null; histogram: { fromMs: number; toMs: number; count: number }[] };
}

/** `everyMs`: the report scans every stored candidate of the run, so it is refreshed sparingly. */
export function useBudget(id: string, active: boolean, refreshKey: unknown, everyMs = 15_000) {
  const [report, setReport] = useState<BudgetReport | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setTick((x) => x + 1), everyMs);
    return () => clearInterval(t);
  }, [active, everyMs]);
  useEffect(() => {
    let stop = false;
    setLoading(true);
    api<BudgetReport>(`/api/experiments/${id}/budget`)
      .then((b) => !stop && (setReport(b), setError(null)))
      .catch((e) => !stop && setError(e instanceof ApiError ? e.message : String(e)))
      .finally(() => !stop && setLoading(false));
    return () => {
      stop = true;
    };
  }, [id, tick, refreshKey]);
  return { report, loading, error };
}
