import type { ExperimentSpec, LlmEmitterConfig } from "@/lib/experiments/config";
import { DEDUPE_DEFAULT_THRESHOLD, type DedupeConfig } from "@/lib/llm/schemas";

/** The dedupe setting of an experiment with every default filled in; null when it is off (or not an LLM run). */
export interface DedupeSettings {
  mode: "exact" | "minhash" | "embeddings";
  threshold: number;
  /** Comment rules used by normalise(). */
  language: string;
  maxResamples: number;
  embeddings?: NonNullable<DedupeConfig["embeddings"]>;
  /** The LLM novelty judge for similarities in [lower, threshold); absent = off. */
  judge?: { lower: number; model?: string };
}

/** Bottom of the novelty judge's borderline band when none is given (the band is [lower, threshold)). */
export const JUDGE_DEFAULT_LOWER = { minhash: 0.8, embeddings: 0.95 } as const;

export function dedupeSettings(config: ExperimentSpec): DedupeSettings | null {
  if (config.emitter.type !== "llm") return null;
  const d = (config.emitter as LlmEmitterConfig).dedupe;
  const mode = d?.mode ?? "minhash";
  if (mode === "off") return null;
  return {
    mode,
    threshold: d?.threshold ?? (mode === "embeddings" ? DEDUPE_DEFAULT_THRESHOLD.embeddings : DEDUPE_DEFAULT_THRESHOLD.minhash),
    language: d?.language ?? defaultLanguage(config),
    maxResamples: d?.maxResamples ?? 3,
    ...(d?.embeddings ? { embeddings: d.embeddings } : {}),
    ...(d?.judge && mode !== "exact" ? { judge: { lower: d.judge.lower ?? JUDGE_DEFAULT_LOWER[mode], ...(d.judge.model ? { model: d.judge.model } : {}) } } : {}),
  };
}

/** Programs: their language; llm-text: plain text; text genomes of user evaluators: unknown, so whole-line comments of any style. */
function defaultLanguage(config: ExperimentSpec): string {
  const d = config.domain;
  if (d.type === "program") return d.language;
  if (d.type === "llm-code") return "javascript";
  if (d.type === "llm-text") return "text";
  return "auto";
}
