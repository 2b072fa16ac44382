"use client";
/** The evolving prompts of an LLM run (GET /api/experiments/:id/prompts), refreshed while it runs. */
import type { z } from "zod";
import type { PromptVariant, PromptsReport as PromptsReportSchema } from "@/lib/api/responses";
import { usePolledReport } from "./use-polled-report";

/** The reports as the API's response schemas (lib/api/responses.ts) describe them. */
export type PromptsReport = z.infer<typeof PromptsReportSchema>;
export type PromptVariantRow = PromptsReport["variants"][number];
export type PromptVariantDetail = z.infer<typeof PromptVariant>;

export function usePrompts(id: string, enabled: boolean, active: boolean, refreshKey: unknown, everyMs = 5_000) {
  return usePolledReport<PromptsReport>(`/api/experiments/${id}/prompts`, enabled, active, refreshKey, everyMs);
}
