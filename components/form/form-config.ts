/**
 * From the form's state to the experiment configuration the REST API takes
 * (ExperimentSpec judges it), and back from issue paths to fields. Pure.
 */
import { archiveFormConfig, isSearchArchiveType } from "./archive-params";
import { runsInStages } from "@/lib/experiments/config";
import { emitterKindOf } from "@/lib/registry/emitters";
import { schedulerKindOf } from "@/lib/registry/schedulers";
import { kindConfig } from "./KindFields";
import { poolRowConfig } from "./bandit-pool";
import { ensembleFields } from "./ModelEnsemble";
import { programDomain } from "./ProgramFields";
import { parentSelectionConfig } from "./ParentSelectionFields";
import { promptEvolutionConfig } from "./PromptEvolutionFields";
import { derive, type FormState } from "./form-state";

export const toNum = (s: string): number | undefined => (s.trim() === "" ? undefined : Number(s));
/** An optional numeric field: omitted when blank. */
const optNum = (key: string, s: string) => (s.trim() === "" ? {} : { [key]: Number(s) });

/** The JSON seeds as parsed, or why they are not JSON. */
export function parseJsonSeeds(text: string): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { error: `seeds are not valid JSON: ${(e as Error).message}` };
  }
}

/** The domain part of the configuration. */
function domainConfig(s: FormState, jsonSeeds: unknown) {
  const n = toNum(s.size);
  const vector = { dim: n, bounds: [toNum(s.boundsLo), toNum(s.boundsHi)] };
  const genomeFields =
    s.genome === "vector" ? vector : s.genome === "json" ? { seeds: jsonSeeds } : { seeds: s.userTextSeeds, ...(s.userDescription.trim() ? { description: s.userDescription } : {}) };
  switch (s.domain) {
    case "arm":
      return { type: s.domain, joints: n };
    case "external":
      return { type: s.domain, ...vector };
    case "command":
      return { type: s.domain, command: s.command, timeoutMs: toNum(s.commandTimeout), batch: s.commandBatch, ...genomeFields };
    case "webhook":
      return { type: s.domain, url: s.url.trim(), timeoutMs: toNum(s.webhookTimeout), ...(s.secretEnv.trim() ? { secretEnv: s.secretEnv.trim() } : {}), ...genomeFields };
    case "javascript":
      return { type: s.domain, code: s.code, timeoutMs: toNum(s.jsTimeout), memoryMb: toNum(s.jsMemory), ...genomeFields };
    case "llm-code":
      return { type: s.domain, task: s.task, ...(s.codeSeeds.length ? { seeds: s.codeSeeds } : {}), timeoutMs: toNum(s.taskTimeout), memoryMb: toNum(s.taskMemory) };
    case "program":
      return programDomain(s.program);
    case "llm-text":
      return {
        type: s.domain,
        description: s.description,
        ...(s.qualityRubric.trim() ? { qualityRubric: s.qualityRubric } : {}),
        seeds: s.textSeeds,
        ...(s.judgeModel.trim() ? { judgeModel: s.judgeModel.trim() } : {}),
      };
    default:
      return { type: s.domain, dim: n };
  }
}

/** The LLM emitter's configuration. */
function llmEmitterConfig(s: FormState) {
  return {
    type: "llm",
    baseURL: s.baseURL.trim(),
    ...ensembleFields({ model: s.model.trim(), weight: s.mainWeight, pricePrompt: s.pricePrompt, priceCompletion: s.priceCompletion }, s.extraModels, s.modelSelection, s.strategy),
    ...(s.apiKeyEnv.trim() ? { apiKeyEnv: s.apiKeyEnv.trim() } : {}),
    mode: s.mode,
    ...optNum("temperature", s.temperature),
    ...optNum("maxTokens", s.maxTokens),
    ...optNum("requestsPerMinute", s.rpm),
    ...optNum("concurrency", s.concurrency),
    // The default (exact + MinHash at 0.95) is left implicit; anything else is spelled out.
    ...(s.dedupeMode !== "minhash" || s.dedupeThreshold.trim()
      ? {
          dedupe: {
            mode: s.dedupeMode,
            ...(s.dedupeMode === "minhash" || s.dedupeMode === "embeddings" ? optNum("threshold", s.dedupeThreshold) : {}),
            ...(s.dedupeMode === "embeddings"
              ? { embeddings: { baseURL: s.dedupeBaseURL.trim() || s.baseURL.trim(), model: s.dedupeModel.trim(), ...(s.apiKeyEnv.trim() ? { apiKeyEnv: s.apiKeyEnv.trim() } : {}) } }
              : {}),
          },
        }
      : {}),
    ...parentSelectionConfig(s.parents),
    ...promptEvolutionConfig(s.promptEvolution),
  };
}

/** The whole configuration (unvalidated: ExperimentSpec says what is wrong, field by field). */
export function buildConfig(s: FormState, jsonSeeds: unknown) {
  const d = derive(s);
  const withRubric = d.emitterKind === "llm";
  return {
    name: s.name,
    domain: domainConfig(s, jsonSeeds),
    descriptors: s.rows.map((r) => ({
      name: r.name,
      ...(d.withMetric && r.metric.trim() ? { metric: r.metric.trim() } : {}),
      ...(withRubric && r.rubric?.trim() ? { rubric: r.rubric.trim() } : {}),
      ...(d.autoRange && r.auto ? { range: "auto" } : { min: toNum(r.min), max: toNum(r.max) }),
      bins: s.archive !== "cvt" ? toNum(r.bins) : (toNum(r.bins) ?? 1),
    })),
    archive: archiveFormConfig(s.archive, s.archiveParams),
    emitter:
      d.emitterKind === "llm"
        ? llmEmitterConfig(s)
        : d.emitterKind === "javascript-mutation"
          ? { type: "javascript-mutation", code: s.mutateCode, timeoutMs: toNum(s.mutateTimeout), memoryMb: toNum(s.mutateMemory) }
          : kindConfig(emitterKindOf({ type: s.emitter }), s.emitterParams[s.emitter] ?? {}),
    ...(d.schedulerShown && s.scheduler !== "default" ? { scheduler: kindConfig(schedulerKindOf({ type: s.scheduler })!, s.schedulerParams[s.scheduler] ?? {}) } : {}),
    ...(d.poolShown && s.extraEmitters.length ? { extraEmitters: s.extraEmitters.map(poolRowConfig) } : {}),
    batchSize: toNum(s.batchSize),
    budget: { evaluations: toNum(s.budget), ...(d.emitterKind === "llm" && s.costCap.trim() ? { costUsd: toNum(s.costCap) } : {}) },
    seed: toNum(s.seed),
    // Slow evaluators (commands, webhooks, programs, LLM judges) score a batch's candidates in parallel.
    ...(runsInStages({ domain: { type: s.domain } }) && s.evalConcurrency.trim() ? { evaluation: { concurrency: toNum(s.evalConcurrency) } } : {}),
    ...(d.islandsAllowed && s.islands.trim()
      ? {
          islands: {
            count: toNum(s.islands),
            migrationInterval: toNum(s.migrationInterval),
            migrants: toNum(s.migrants),
            topology: s.topology,
            ...(s.stagnation.trim() ? { spawnOnStagnation: { evaluations: toNum(s.stagnation) } } : {}),
          },
        }
      : {}),
  };
}

/** Issue path → message, with paths like "descriptors.0.max"; API paths ("body.descriptors[0].max") are normalised. */
export function issueMap(issues: { path: string; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const p = i.path.replace(/^body\.?/, "").replace(/\[(\d+)\]/g, ".$1").replace(/^\./, "");
    out[p] ??= i.message;
  }
  return out;
}

/** One line under the archive choice: how many cells the run's archive has. */
export function archivePreview(s: Pick<FormState, "archive" | "archiveParams" | "rows">): string {
  if (s.archive === "cvt") {
    const n = toNum(s.archiveParams.cvt?.cells ?? "");
    return n && Number.isFinite(n) ? `CVT: ${n.toLocaleString("en-US")} cells (centroids from k-means, seeded)` : "CVT: give a cell count";
  }
  const bins = s.rows.map((r) => toNum(r.bins));
  if (!bins.length || bins.some((b) => !b || !Number.isFinite(b))) return "Grid: give every descriptor a number of bins";
  const total = bins.reduce((a, b) => a! * b!, 1)!;
  return `${isSearchArchiveType(s.archive) ? "Result grid: " : ""}${bins.map((b) => b!.toLocaleString("en-US")).join(" × ")} = ${total.toLocaleString("en-US")} cells`;
}
