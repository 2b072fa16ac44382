"use client";
/** The evolving prompts of an LLM run (GET /api/experiments/:id/prompts), refreshed while it runs. */
import { useEffect, useState } from "react";
import { api, ApiError } from "./api";

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
  const [report, setReport] = useState<PromptsReport | null>(null);
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
    api<PromptsReport>(`/api/experiments/${id}/prompts`)
      .then((r) => !stop && (setReport(r), setError(null)))
      .catch((e) => !stop && setError(e instanceof ApiError ? e.message : String(e)));
    return () => {
      stop = true;
    };
  }, [id, enabled, tick, refreshKey]);
  return { report, error };
}
