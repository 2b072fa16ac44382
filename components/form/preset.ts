/**
 * A stored experiment configuration (a run to clone, a saved template) turned into the new-experiment
 * form's field values, so the form opens pre-filled. The inverse of the form's config builder: every
 * field the form shows is set from the configuration; settings the form has no field for are listed
 * in `unshown` so the page can say that they will take their defaults. Runs on the server (the page
 * builds the preset): plain data only, the form gives the rows their keys.
 */
import type { DescriptorRow } from "./DescriptorRows";
import { parentSelectionState, type ParentSelectionState } from "./parent-selection-state";
import { programPreset } from "./program-preset";
import type { ProgramState } from "./ProgramFields";
import { promptEvolutionState, type PromptEvolutionState } from "./prompt-evolution-state";
import { FORM_EMITTERS } from "@/lib/registry/emitters";
import { ARCHIVES } from "@/lib/registry/archives";
import { SCHEDULERS } from "@/lib/registry/schedulers";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface FormPreset {
  name?: string;
  domain?: string;
  size?: string;
  boundsLo?: string;
  boundsHi?: string;
  rows?: Omit<DescriptorRow, "key">[];
  command?: string;
  commandTimeout?: string;
  commandBatch?: boolean;
  url?: string;
  secretEnv?: string;
  webhookTimeout?: string;
  code?: string;
  jsTimeout?: string;
  jsMemory?: string;
  genome?: "vector" | "json" | "text";
  jsonSeeds?: string;
  mutateCode?: string;
  mutateTimeout?: string;
  mutateMemory?: string;
  userDescription?: string;
  userTextSeeds?: string[];
  task?: string;
  codeSeeds?: string[];
  taskTimeout?: string;
  taskMemory?: string;
  description?: string;
  qualityRubric?: string;
  textSeeds?: string[];
  judgeModel?: string;
  baseURL?: string;
  model?: string;
  apiKeyEnv?: string;
  mode?: "diff" | "full";
  temperature?: string;
  maxTokens?: string;
  rpm?: string;
  concurrency?: string;
  pricePrompt?: string;
  priceCompletion?: string;
  /** An ensemble's models after the first (the main model). */
  extraModels?: { model: string; baseURL: string; weight: string; pricePrompt: string; priceCompletion: string }[];
  mainWeight?: string;
  modelSelection?: "fixed" | "ucb" | "thompson";
  strategy?: "evolve" | "best-of-n";
  costCap?: string;
  dedupeMode?: "off" | "exact" | "minhash" | "embeddings";
  dedupeThreshold?: string;
  dedupeBaseURL?: string;
  dedupeModel?: string;
  parentSelection?: ParentSelectionState;
  promptEvolution?: PromptEvolutionState;
  /** A registered archive kind (lib/registry/archives) and its parameters as stored. */
  archive?: string;
  archiveParams?: Record<string, unknown>;
  cvtCells?: string;
  /** A form-built emitter kind (lib/registry FORM_EMITTERS) and its parameters as stored. */
  emitter?: string;
  emitterParams?: Record<string, unknown>;
  /** A registered scheduler (lib/registry/schedulers) and its parameters as stored. */
  scheduler?: string;
  schedulerParams?: Record<string, unknown>;
  /** The bandit's extra emitter groups as stored. */
  extraEmitters?: Record<string, unknown>[];
  batchSize?: string;
  budget?: string;
  seed?: string;
  /** evaluation.concurrency: candidates of a batch scored at once. */
  evalConcurrency?: string;
  islands?: string;
  migrationInterval?: string;
  migrants?: string;
  topology?: "ring" | "all";
  stagnation?: string;
  /** Program runs: the program fields (language, initial program, evaluator, feedback). */
  program?: Partial<ProgramState>;
  /** Settings of the configuration the form has no field for (dotted paths). */
  unshown: string[];
}

const s = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
const USER_DOMAINS = new Set(["command", "webhook", "javascript"]);

/** Keys of each part of the configuration the form reads (anything else is reported as unshown). */
const SHOWN: Record<string, string[]> = {
  top: ["name", "domain", "descriptors", "archive", "emitter", "scheduler", "extraEmitters", "batchSize", "budget", "seed", "evaluation", "islands"],
  scheduler: ["type", ...new Set(SCHEDULERS.flatMap((k) => k.fields.map((f) => f.key)))],
  islands: ["count", "migrationInterval", "migrants", "topology", "spawnOnStagnation"],
  stagnation: ["evaluations"],
  domain: ["type", "dim", "joints", "bounds", "command", "timeoutMs", "batch", "url", "secretEnv", "code", "memoryMb", "seeds", "description", "task", "qualityRubric", "judgeModel"],
  emitter: ["type", ...new Set(FORM_EMITTERS.flatMap((k) => k.fields.map((f) => f.key))), "baseURL", "model", "models", "modelSelection", "strategy", "apiKeyEnv", "mode", "temperature", "maxTokens", "requestsPerMinute", "concurrency", "prices", "dedupe", "parentSelection", "crossoverRate", "prompts", "code", "timeoutMs", "memoryMb"],
  archive: ["type", ...new Set(ARCHIVES.flatMap((k) => k.fields.map((f) => f.key)))],
  budget: ["evaluations", "costUsd"],
};

function unshownKeys(c: Json): string[] {
  const out: string[] = [];
  const check = (obj: unknown, part: string, prefix: string) => {
    if (!obj || typeof obj !== "object") return;
    for (const [k, v] of Object.entries(obj)) if (v !== undefined && !SHOWN[part]!.includes(k)) out.push(prefix + k);
  };
  check(c, "top", "");
  // Program domains: their own fields say what they show (programPreset).
  if (c.domain?.type !== "program") check(c.domain, "domain", "domain.");
  check(c.emitter, "emitter", "emitter.");
  check(c.scheduler, "scheduler", "scheduler.");
  check(c.archive, "archive", "archive.");
  check(c.budget, "budget", "budget.");
  check(c.islands, "islands", "islands.");
  check(c.islands?.spawnOnStagnation, "stagnation", "islands.spawnOnStagnation.");
  return out;
}

export function presetFromConfig(config: Json, name?: string): FormPreset {
  const d = (config.domain ?? {}) as Json;
  const em = (config.emitter ?? {}) as Json;
  const p: FormPreset = { unshown: unshownKeys(config) };
  p.name = name ?? s(config.name);
  p.domain = s(d.type);
  p.size = s(d.joints ?? d.dim);
  if (Array.isArray(d.bounds)) [p.boundsLo, p.boundsHi] = [s(d.bounds[0]), s(d.bounds[1])];
  if (Array.isArray(config.descriptors)) {
    p.rows = config.descriptors.map((r: Json) => ({ name: String(r.name ?? ""), min: s(r.min) ?? "", max: s(r.max) ?? "", bins: s(r.bins) ?? "", metric: s(r.metric) ?? "", rubric: s(r.rubric) ?? "", ...(r.range === "auto" ? { auto: true } : {}) }));
  }
  const timeout = s(d.timeoutMs);
  if (d.type === "command") Object.assign(p, { command: s(d.command), commandTimeout: timeout, commandBatch: Boolean(d.batch) });
  if (d.type === "webhook") Object.assign(p, { url: s(d.url), secretEnv: s(d.secretEnv) ?? "", webhookTimeout: timeout });
  if (d.type === "javascript") Object.assign(p, { code: s(d.code), jsTimeout: timeout, jsMemory: s(d.memoryMb) });
  if (USER_DOMAINS.has(d.type)) {
    p.genome = em.type === "llm" ? "text" : em.type === "javascript-mutation" ? "json" : "vector";
    if (p.genome === "json" && d.seeds !== undefined) p.jsonSeeds = JSON.stringify(d.seeds);
    if (p.genome === "text") Object.assign(p, { userTextSeeds: Array.isArray(d.seeds) ? d.seeds.map(String) : undefined, userDescription: s(d.description) ?? "" });
  }
  if (d.type === "llm-code") Object.assign(p, { task: s(d.task), codeSeeds: Array.isArray(d.seeds) ? d.seeds.map(String) : [], taskTimeout: timeout, taskMemory: s(d.memoryMb) });
  if (d.type === "program") {
    const { program, unshown } = programPreset(d);
    p.program = program;
    p.unshown.push(...unshown);
  }
  if (d.type === "llm-text") Object.assign(p, { description: s(d.description), qualityRubric: s(d.qualityRubric) ?? "", textSeeds: Array.isArray(d.seeds) ? d.seeds.map(String) : undefined, judgeModel: s(d.judgeModel) ?? "" });

  if (em.type === "llm") {
    const model = s(em.model) ?? s(em.models?.[0]?.model);
    const price = em.prices && model ? (em.prices[model] as Json | undefined) : undefined;
    Object.assign(p, {
      baseURL: s(em.baseURL),
      model: model ?? "",
      apiKeyEnv: s(em.apiKeyEnv) ?? "",
      mode: em.mode === "full" ? "full" : "diff",
      temperature: s(em.temperature) ?? "",
      maxTokens: s(em.maxTokens) ?? "",
      rpm: s(em.requestsPerMinute) ?? "",
      concurrency: s(em.concurrency) ?? "",
      pricePrompt: s(price?.prompt) ?? "",
      priceCompletion: s(price?.completion) ?? "",
      costCap: s(config.budget?.costUsd) ?? "",
      dedupeMode: (["off", "exact", "minhash", "embeddings"].includes(em.dedupe?.mode) ? em.dedupe.mode : "minhash") as FormPreset["dedupeMode"],
      dedupeThreshold: s(em.dedupe?.threshold) ?? "",
      dedupeBaseURL: s(em.dedupe?.embeddings?.baseURL) ?? "",
      dedupeModel: s(em.dedupe?.embeddings?.model) ?? "",
      parentSelection: parentSelectionState(em),
      promptEvolution: promptEvolutionState(em),
    });
    if (Array.isArray(em.models)) {
      const priceOf = (m: string) => (em.prices?.[m] as Json | undefined) ?? {};
      p.mainWeight = s(em.models[0]?.weight);
      p.extraModels = em.models.slice(1).map((m: Json) => ({ model: String(m.model ?? ""), baseURL: s(m.baseURL) ?? "", weight: s(m.weight) ?? "1", pricePrompt: s(priceOf(String(m.model)).prompt) ?? "", priceCompletion: s(priceOf(String(m.model)).completion) ?? "" }));
      // models[].apiKeyEnv has no field: the form uses one key variable.
      em.models.forEach((m: Json, i: number) => m.apiKeyEnv !== undefined && p.unshown.push(`emitter.models.${i}.apiKeyEnv`));
    }
    if (em.modelSelection === "ucb" || em.modelSelection === "thompson" || em.modelSelection === "fixed") p.modelSelection = em.modelSelection;
    if (em.strategy === "best-of-n" || em.strategy === "evolve") p.strategy = em.strategy;
  } else if (em.type === "javascript-mutation") {
    Object.assign(p, { mutateCode: s(em.code), mutateTimeout: s(em.timeoutMs), mutateMemory: s(em.memoryMb) });
  } else if (FORM_EMITTERS.some((k) => k.type === em.type)) {
    Object.assign(p, { emitter: em.type, emitterParams: em });
  }
  const sch = config.scheduler as Json | undefined;
  if (sch && SCHEDULERS.some((k) => k.type === sch.type)) Object.assign(p, { scheduler: sch.type, schedulerParams: sch });
  if (Array.isArray(config.extraEmitters)) p.extraEmitters = config.extraEmitters as Record<string, unknown>[];
  // Kinds the form offers (archives the workers cannot run yet fall back to the grid).
  p.archive = ARCHIVES.some((k) => k.type === config.archive?.type && k.distributed !== "in-process") ? config.archive.type : "grid";
  p.archiveParams = config.archive;
  p.cvtCells = s(config.archive?.cells);
  p.batchSize = s(config.batchSize);
  p.budget = s(config.budget?.evaluations);
  p.seed = s(config.seed);
  p.evalConcurrency = s(config.evaluation?.concurrency);
  const isl = config.islands as Json | undefined;
  if (isl) {
    Object.assign(p, { islands: s(isl.count), migrationInterval: s(isl.migrationInterval), migrants: s(isl.migrants), topology: isl.topology === "all" ? "all" : "ring", stagnation: s(isl.spawnOnStagnation?.evaluations) });
  }
  // Drop unset values so the form's defaults apply to them.
  for (const k of Object.keys(p) as (keyof FormPreset)[]) if (p[k] === undefined) delete p[k];
  return p;
}
