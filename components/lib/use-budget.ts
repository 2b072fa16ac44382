"use client";
/** The budget report of a run (GET /api/experiments/:id/budget), refreshed now and then while it runs. */
import { useEffect, useState } from "react";
import type { z } from "zod";
import type { BudgetReport as BudgetReportSchema } from "@/lib/api/responses";
import { api, ApiError } from "./api";

export const OUTCOME_KEYS = ["new_cell", "improved", "no_gain", "invalid", "failed", "duplicate"] as const;
export type OutcomeKey = (typeof OUTCOME_KEYS)[number];

/** The report as the API's response schema (lib/api/responses.ts) describes it. */
export type BudgetReport = z.infer<typeof BudgetReportSchema>;
export type BudgetGroup = BudgetReport["byModel"][number];

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
