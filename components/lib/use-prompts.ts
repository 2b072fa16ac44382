"use client";
/** The evolving prompts of an LLM run (GET /api/experiments/:id/prompts), refreshed while it runs. */
import { usePolledReport } from "./use-polled-report";

export interface PromptVariantRow {
  variant: number;
  parentVariant: number | null;
  text: string;
  summary: string;
  pulls: number;
  gain: number;
  improvements: number;
  gainPerPull: number | null;
  value: number | null;
  model: string | null;
  costUsd: number;
  createdAt: string;
}

export interface PromptsReport {
  evolve: boolean;
  variants: PromptVariantRow[];
}

export interface PromptVariantDetail extends PromptVariantRow {
  metaPrompt: string | null;
  reply: string | null;
  children: Record<string, number>;
  recentChildren: { id: string; status: string; fitness: number | null; cell: number | null; elite: boolean }[];
}

export function usePrompts(id: string, enabled: boolean, active: boolean, refreshKey: unknown, everyMs = 5_000) {
  return usePolledReport<PromptsReport>(`/api/experiments/${id}/prompts`, enabled, active, refreshKey, everyMs);
}
