"use client";
/** The per-model report of an LLM run (GET /api/experiments/:id/models), refreshed while it runs. */
import { usePolledReport } from "./use-polled-report";

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
  return usePolledReport<ModelsReport>(`/api/experiments/${id}/models`, enabled, active, refreshKey, everyMs);
}
