"use client";
/** The per-model report of an LLM run (GET /api/experiments/:id/models), refreshed while it runs. */
import type { z } from "zod";
import type { ModelsReport as ModelsReportSchema } from "@/lib/api/responses";
import { usePolledReport } from "./use-polled-report";

/** The report as the API's response schema (lib/api/responses.ts) describes it. */
export type ModelsReport = z.infer<typeof ModelsReportSchema>;
export type ModelRow = ModelsReport["models"][number];
export type ModelPoint = ModelsReport["series"][number];

/** `enabled`: LLM runs only (other runs have no models). */
export function useModels(id: string, enabled: boolean, active: boolean, refreshKey: unknown, everyMs = 5_000) {
  return usePolledReport<ModelsReport>(`/api/experiments/${id}/models`, enabled, active, refreshKey, everyMs);
}
