/**
 * The new-experiment form's state: one plain object of typed text (what the
 * fields show), its initial value from a preset, and the transitions that
 * change several fields at once (a new domain brings its rows, batch and
 * name). Pure functions: the sections call `set` with what they return.
 */
import { archiveFormConfig, FORM_ARCHIVES, initialArchiveParams, type ArchiveParams } from "./archive-params";
import { defaultProgramDescriptors, hasBuiltInMeasures } from "@/lib/experiments/config";
import { getDomain } from "@/lib/qd/domains/registry";
import { TASK_CATALOG, TASK_NAMES } from "@/lib/tasks/catalog";
import { emitterKindOf, FORM_EMITTERS } from "@/lib/registry/emitters";
import { SCHEDULERS } from "@/lib/registry/schedulers";
import { newPoolRow, type PoolRow } from "./bandit-pool";
import { domainKindOf, FORM_DOMAINS, type DomainType as RegistryDomainType } from "@/lib/registry/domains";
import { newRowKey, type DescriptorRow } from "./DescriptorRows";
import { newModelRow, type ExtraModelRow, type Selection, type Strategy } from "./ModelEnsemble";
import { PROGRAM_EXAMPLE, type ProgramState } from "./ProgramFields";
import { kindValues } from "./KindFields";
import type { FormPreset } from "./preset";
import { DEFAULT_PARENT_SELECTION, type ParentSelectionState } from "./ParentSelectionFields";
import { DEFAULT_PROMPT_EVOLUTION, type PromptEvolutionState } from "./PromptEvolutionFields";
import { EXAMPLE_JS, EXAMPLE_JSON_SEEDS, EXAMPLE_MUTATE, TEXT_EXAMPLE, USER_DEFAULTS } from "./examples";

export type DomainType = RegistryDomainType;
export type UserDomain = "command" | "webhook" | "javascript";
export type LlmDomain = "llm-code" | "llm-text" | "program";
/** What a candidate of a user-evaluated domain is: numbers in a box, any JSON value made by the user's mutation, or a text written by the LLM. */
export type Genome = "vector" | "json" | "text";
export type DedupeMode = "off" | "exact" | "minhash" | "embeddings";

/** The Domain select's options: the registry's form kinds (lib/registry/domains). */
export const DOMAINS: { value: DomainType; label: string }[] = FORM_DOMAINS.map((k) => ({ value: k.type as DomainType, label: k.label }));

export const isUserDomain = (t: DomainType): t is UserDomain => domainKindOf({ type: t }).evaluation === "user";
export const isLlmDomain = (t: DomainType): t is LlmDomain => domainKindOf({ type: t }).evaluation === "llm";

/** OpenAI-compatible servers: choosing one fills the base URL, a model and the key's variable. */
export const PROVIDERS = [
  { id: "openai", label: "OpenAI", baseURL: "https://api.openai.com/v1", model: "gpt-4.1-mini", apiKeyEnv: "OPENAI_API_KEY" },
  { id: "vllm", label: "vLLM (local)", baseURL: "http://127.0.0.1:8000/v1", model: "Qwen/Qwen2.5-Coder-7B-Instruct", apiKeyEnv: "" },
  { id: "ollama", label: "Ollama (local)", baseURL: "http://127.0.0.1:11434/v1", model: "qwen2.5-coder:7b", apiKeyEnv: "" },
  { id: "llamacpp", label: "llama.cpp server (local)", baseURL: "http://127.0.0.1:8080/v1", model: "local", apiKeyEnv: "" },
] as const;

/** Batch size and evaluation budget each kind of domain starts with (changed with the domain unless the user set them). */
export const RUN_DEFAULTS = { builtIn: { batch: "100", budget: "100000" }, user: { batch: "20", budget: "2000" }, llm: { batch: "2", budget: "200" } };
const runKind = (t: DomainType) => (isLlmDomain(t) ? "llm" : isUserDomain(t) ? "user" : "builtIn");

/** Every field of the form, as typed. */
export interface FormState {
  name: string;
  domain: DomainType;
  size: string;
  boundsLo: string;
  boundsHi: string;
  rows: DescriptorRow[];
  rowsEdited: boolean;
  // User evaluators.
  command: string;
  commandTimeout: string;
  commandBatch: boolean;
  url: string;
  secretEnv: string;
  webhookTimeout: string;
  code: string;
  jsTimeout: string;
  jsMemory: string;
  genome: Genome;
  jsonSeeds: string;
  mutateCode: string;
  mutateTimeout: string;
  mutateMemory: string;
  userDescription: string;
  userTextSeeds: string[];
  // LLM domains.
  task: string;
  codeSeeds: string[];
  taskTimeout: string;
  taskMemory: string;
  description: string;
  qualityRubric: string;
  textSeeds: string[];
  judgeModel: string;
  program: ProgramState;
  // The LLM emitter.
  baseURL: string;
  model: string;
  apiKeyEnv: string;
  mode: "diff" | "full";
  modeTouched: boolean;
  temperature: string;
  maxTokens: string;
  rpm: string;
  concurrency: string;
  pricePrompt: string;
  priceCompletion: string;
  costCap: string;
  dedupeMode: DedupeMode;
  dedupeThreshold: string;
  dedupeBaseURL: string;
  dedupeModel: string;
  parents: ParentSelectionState;
  promptEvolution: PromptEvolutionState;
  extraModels: ExtraModelRow[];
  mainWeight: string;
  modelSelection: Selection;
  strategy: Strategy;
  // Archive, emitter, run.
  /** A registered archive kind (lib/registry/archives) and every kind's parameters as typed. */
  archive: string;
  archiveParams: ArchiveParams;
  emitter: string;
  /** Every form-built emitter kind's parameters as typed (switching kinds keeps what was typed for each). */
  emitterParams: Record<string, Record<string, string>>;
  /** Schedulers that choose among emitter chains (the bandit) are offered with the CMA kinds only. */
  scheduler: string;
  schedulerParams: Record<string, Record<string, string>>;
  /** The bandit's mixed pool: emitter groups after the emitter above (extraEmitters). */
  extraEmitters: PoolRow[];
  batchSize: string;
  budget: string;
  seed: string;
  evalConcurrency: string;
  /** Islands: blank count = one archive. */
  islands: string;
  migrationInterval: string;
  migrants: string;
  topology: "ring" | "all";
  stagnation: string;
}

/** What sections call to change fields: a patch, or a function of the current state. */
export type SetForm = (patch: Partial<FormState> | ((s: FormState) => Partial<FormState>)) => void;

/** The descriptor rows a domain (and task) starts with. */
export function defaultRows(type: DomainType, size: number, task = TASK_NAMES[0]): DescriptorRow[] {
  if (type === "external" || isUserDomain(type)) return USER_DEFAULTS[type].rows.map((r) => ({ ...r, key: newRowKey() }));
  if (type === "llm-text") return TEXT_EXAMPLE.rows.map((r) => ({ ...r, key: newRowKey() }));
  if (type === "program") return defaultProgramDescriptors(PROGRAM_EXAMPLE).map((d) => ({ key: newRowKey(), name: d.name, metric: d.metric ?? "", min: String(d.min), max: String(d.max), bins: String(d.bins), rubric: "" }));
  if (type === "llm-code") {
    return TASK_CATALOG[task]!.defaultDescriptors.map((d) => ({ key: newRowKey(), name: d.name, metric: d.metric, min: String(d.min), max: String(d.max), bins: String(d.bins), rubric: "" }));
  }
  const spec = type === "arm" ? { type, joints: size } : { type, dim: size };
  let ds;
  try {
    ds = getDomain(spec).descriptors;
  } catch {
    ds = getDomain({ type } as never).descriptors;
  }
  return ds.map((d) => ({ key: newRowKey(), name: d.name, min: String(d.min), max: String(d.max), bins: String(d.bins), metric: "" }));
}

/** The default name of a run on a domain (and task); names matching one of these follow the domain. */
export function defaultName(t: DomainType, size: string, task: string): string {
  if (t === "llm-code") return `${TASK_CATALOG[task]!.title.split(" (")[0]}, LLM`;
  if (t === "llm-text") return "Poems about the sea, LLM";
  if (t === "program") return "Your program, LLM";
  const label = DOMAINS.find((d) => d.value === t)!.label.split(" (")[0];
  return `${label}${t === "arm" ? "" : ` ${size}-D`}, MAP-Elites`;
}
const AUTO_NAME = /^(Sphere|Rastrigin|Planar arm|Arm|External|Command|Webhook|JavaScript|Circle packing|Online bin packing|Poems about the sea|Your program)\b/;
const followsDomain = (name: string) => name === "" || AUTO_NAME.test(name);

/** The form's first state: the preset's values (a run being cloned, a template) where given, else a sphere run. */
export function initialState(preset?: FormPreset): FormState {
  const p: Partial<FormPreset> = preset ?? {};
  const domain = (p.domain as DomainType | undefined) ?? "sphere";
  return {
    name: p.name ?? "Sphere 100-D, MAP-Elites",
    domain,
    size: p.size ?? "100",
    boundsLo: p.boundsLo ?? "-1",
    boundsHi: p.boundsHi ?? "1",
    // A cloned built-in run stores no rows (its measures are the domain's): take the domain's own for its size.
    rows: p.rows?.map((r) => ({ ...r, key: newRowKey() })) ?? defaultRows(domain, Number(p.size ?? 100), p.task),
    rowsEdited: p.rows != null,
    command: p.command ?? "python3 examples/python/eval_sphere.py",
    commandTimeout: p.commandTimeout ?? "30000",
    commandBatch: p.commandBatch ?? false,
    url: p.url ?? "http://127.0.0.1:8787/evaluate",
    secretEnv: p.secretEnv ?? "",
    webhookTimeout: p.webhookTimeout ?? "30000",
    code: p.code ?? EXAMPLE_JS,
    jsTimeout: p.jsTimeout ?? "5000",
    jsMemory: p.jsMemory ?? "64",
    genome: p.genome ?? "vector",
    jsonSeeds: p.jsonSeeds ?? EXAMPLE_JSON_SEEDS,
    mutateCode: p.mutateCode ?? EXAMPLE_MUTATE,
    mutateTimeout: p.mutateTimeout ?? "2000",
    mutateMemory: p.mutateMemory ?? "64",
    userDescription: p.userDescription ?? "",
    userTextSeeds: p.userTextSeeds ?? [""],
    task: p.task ?? TASK_NAMES[0],
    codeSeeds: p.codeSeeds ?? [],
    taskTimeout: p.taskTimeout ?? "5000",
    taskMemory: p.taskMemory ?? "128",
    description: p.description ?? TEXT_EXAMPLE.description,
    qualityRubric: p.qualityRubric ?? "",
    textSeeds: p.textSeeds ?? TEXT_EXAMPLE.seeds,
    judgeModel: p.judgeModel ?? "",
    program: p.program ? { ...PROGRAM_EXAMPLE, ...p.program } : PROGRAM_EXAMPLE,
    baseURL: p.baseURL ?? PROVIDERS[0].baseURL,
    model: p.model ?? PROVIDERS[0].model,
    apiKeyEnv: p.apiKeyEnv ?? PROVIDERS[0].apiKeyEnv,
    mode: p.mode ?? "diff",
    modeTouched: p.mode != null,
    temperature: p.temperature ?? "",
    maxTokens: p.maxTokens ?? "",
    rpm: p.rpm ?? "",
    concurrency: p.concurrency ?? "",
    pricePrompt: p.pricePrompt ?? "",
    priceCompletion: p.priceCompletion ?? "",
    costCap: p.costCap ?? "1",
    // Duplicate rejection (llm emitter): exact + MinHash unless chosen otherwise.
    dedupeMode: p.dedupeMode ?? "minhash",
    dedupeThreshold: p.dedupeThreshold ?? "",
    dedupeBaseURL: p.dedupeBaseURL ?? "",
    dedupeModel: p.dedupeModel ?? "",
    parents: p.parentSelection ?? DEFAULT_PARENT_SELECTION,
    promptEvolution: p.promptEvolution ?? DEFAULT_PROMPT_EVOLUTION,
    extraModels: (p.extraModels ?? []).map((r) => newModelRow(r)),
    mainWeight: p.mainWeight ?? "1",
    modelSelection: p.modelSelection ?? "fixed",
    strategy: p.strategy ?? "evolve",
    archive: p.archive ?? "grid",
    archiveParams: initialArchiveParams(p),
    emitter: p.emitter ?? "iso-line",
    emitterParams: Object.fromEntries(FORM_EMITTERS.map((k) => [k.type, kindValues(k, k.type === p.emitter ? p.emitterParams : undefined)])),
    scheduler: p.scheduler ?? "default",
    schedulerParams: Object.fromEntries(SCHEDULERS.map((k) => [k.type, kindValues(k, k.type === p.scheduler ? p.schedulerParams : undefined)])),
    extraEmitters: (p.extraEmitters ?? []).map((e) => newPoolRow(String(e.type), e)),
    batchSize: p.batchSize ?? "100",
    budget: p.budget ?? "100000",
    seed: p.seed ?? "0",
    evalConcurrency: p.evalConcurrency ?? "",
    islands: p.islands ?? "",
    migrationInterval: p.migrationInterval ?? "50",
    migrants: p.migrants ?? "1",
    topology: p.topology ?? "ring",
    stagnation: p.stagnation ?? "",
  };
}

/** What the state implies: which sections show and which emitter runs. */
export function derive(s: FormState) {
  const userDomain = isUserDomain(s.domain);
  const llmDomain = isLlmDomain(s.domain);
  /** The emitter in effect: LLM domains and text genomes use the LLM, JSON genomes the user's mutation. */
  const emitterKind = llmDomain || (userDomain && s.genome === "text") ? "llm" : userDomain && s.genome === "json" ? "javascript-mutation" : s.emitter;
  const searchArchive = searchKind(s.archive) != null;
  // The bandit's pool starts with CMA chains (the emitter); its extra groups are added under the scheduler.
  const schedulerOptions = SCHEDULERS.filter((k) => k.distributed === "jobs" || (k.distributed === "chains" && (emitterKind === "cma-me" || emitterKind === "cma-mae")));
  return {
    userDomain,
    llmDomain,
    emitterKind,
    /** Domains with built-in measures: their rows follow the size and can be reset. */
    builtIn: hasBuiltInMeasures({ type: s.domain }),
    /** Grid archives of runs scored by an evaluator or an LLM may let a descriptor range follow the values ("range": "auto"). */
    autoRange: s.archive === "grid" && (userDomain || llmDomain),
    /** Descriptor rows may read a metric of the evaluator. */
    withMetric: userDomain || s.domain === "llm-code" || s.domain === "program",
    /** Islands split the workers' jobs: not for CMA chains, ask/tell runs, the bandit or a search archive (one per run). */
    islandsAllowed: s.domain !== "external" && emitterKindOf({ type: emitterKind }).distributed !== "chains" && !searchArchive && !(schedulerOptions.length > 1 && s.scheduler === "bandit"),
    searchArchive,
    schedulerOptions,
    /** A search archive runs its CMA-ME chains with the default scheduler. */
    schedulerShown: schedulerOptions.length > 1 && !searchArchive,
    /** The bandit's pool rows (extraEmitters) are part of the config. */
    poolShown: schedulerOptions.length > 1 && s.scheduler === "bandit" && !searchArchive,
  };
}
export type Derived = ReturnType<typeof derive>;

/** A new domain: its size, bounds and rows, and the batch, budget, mode and name that follow it unless the user chose them. */
export function changeDomain(s: FormState, t: DomainType): Partial<FormState> {
  const { builtIn, llmDomain } = derive(s);
  const out: Partial<FormState> = { domain: t, rowsEdited: false };
  const elsewhere = t === "external" || isUserDomain(t);
  const size = t === "arm" ? "12" : elsewhere ? USER_DEFAULTS[t].dim : "100";
  out.size = size;
  if (elsewhere) {
    out.boundsLo = USER_DEFAULTS[t].lo;
    out.boundsHi = USER_DEFAULTS[t].hi;
  }
  // Rows the user wrote for one evaluator are kept for another; built-in and LLM domains bring their own.
  if (!s.rowsEdited || !elsewhere || builtIn || llmDomain) out.rows = defaultRows(t, Number(size), s.task);
  // Slow evaluators and LLM calls: smaller batches and budget, unless the user chose them.
  const from = RUN_DEFAULTS[runKind(s.domain)];
  const to = RUN_DEFAULTS[runKind(t)];
  if (s.batchSize === from.batch) out.batchSize = to.batch;
  if (s.budget === from.budget) out.budget = to.budget;
  // Programs are edited by diffs; texts are short, rewritten whole.
  if (!s.modeTouched && isLlmDomain(t)) out.mode = t === "llm-text" ? "full" : "diff";
  if (followsDomain(s.name)) out.name = defaultName(t, size, s.task);
  return out;
}

/** A new task of an llm-code run: its rows (unless edited) and name. */
export function changeTask(s: FormState, next: string): Partial<FormState> {
  return {
    task: next,
    ...(!s.rowsEdited ? { rows: defaultRows("llm-code", 0, next) } : {}),
    ...(followsDomain(s.name) ? { name: defaultName("llm-code", s.size, next) } : {}),
  };
}

/** A new genome of a user-evaluated run; LLM calls are slow: a few candidates per batch. */
export function changeGenome(s: FormState, g: Genome): Partial<FormState> {
  const out: Partial<FormState> = { genome: g };
  if (g === "text" && s.batchSize === RUN_DEFAULTS.user.batch) out.batchSize = "4";
  if (g !== "text" && s.genome === "text" && s.batchSize === "4") out.batchSize = RUN_DEFAULTS.user.batch;
  return out;
}

/** A new genome length (joints): a built-in domain's unedited rows follow it. */
export function changeSize(s: FormState, size: string): Partial<FormState> {
  const n = Number(size);
  return { size, ...(!s.rowsEdited && derive(s).builtIn && Number.isInteger(n) && n >= 1 && n <= 10_000 ? { rows: defaultRows(s.domain, n) } : {}) };
}

/** A provider preset: its base URL and key variable, and its model unless the user typed another. */
export function choosePreset(s: FormState, id: string): Partial<FormState> {
  const p = PROVIDERS.find((x) => x.id === id);
  if (!p) return {};
  return { baseURL: p.baseURL, apiKeyEnv: p.apiKeyEnv, ...(!s.model.trim() || PROVIDERS.some((x) => x.model === s.model) ? { model: p.model } : {}) };
}

/** A new vector emitter; emitter chains (CMA): the batch is per emitter and per iteration (pyribs uses 36). */
export function changeEmitter(s: FormState, type: string): Partial<FormState> {
  return { emitter: type, ...(emitterKindOf({ type }).distributed === "chains" && s.batchSize === "100" ? { batchSize: "36" } : {}) };
}

/** The registered search archive kind of that type (proximity, density, discount), or null for cell archives. */
function searchKind(type: string) {
  return FORM_ARCHIVES.find((k) => k.type === type && k.distributed === "search") ?? null;
}

/** Rankers that only a search archive can serve (nov, nslc, density): leaving it for a grid resets them. */
const SEARCH_RANKERS = new Set(FORM_ARCHIVES.flatMap((k) => k.rankers ?? []));
const CMA_ME_DEFAULT_RANKER = "2imp";

/**
 * The ranker that makes the search archive's algorithm (pyribs' rows): of the kind's rankers, listed from
 * plainest to most specific, the last its cross-field check accepts (proximity: "nov", or "nslc" with local
 * competition; density: "density").
 */
function searchRanker(type: string, params: ArchiveParams): string | undefined {
  const kind = searchKind(type);
  if (!kind?.rankers?.length) return undefined;
  const config = archiveFormConfig(type, params) as never;
  const fits = kind.rankers.filter((ranker) => !(kind.check?.(config, { emitter: { type: "cma-me", ranker } }) ?? []).length);
  return fits.at(-1) ?? kind.rankers[0];
}

const withRanker = (s: FormState, ranker: string): Partial<FormState> => ({ emitterParams: { ...s.emitterParams, "cma-me": { ...s.emitterParams["cma-me"], ranker } } });

/**
 * A new archive kind. A search archive runs as pyribs runs it, CMA-ME chains ranked by what the archive
 * reports: choosing one switches the emitter to CMA-ME with the kind's ranker (the user may change both
 * after). Back to a grid or CVT, a search-only ranker returns to CMA-ME's default.
 */
export function changeArchive(s: FormState, type: string): Partial<FormState> {
  // A discount archive reports improvement over its model (no ranker of its own): pyribs' dms row ranks by "imp".
  const ranker = searchRanker(type, s.archiveParams) ?? (searchKind(type) ? "imp" : undefined);
  if (ranker) return { archive: type, ...changeEmitter(s, "cma-me"), ...withRanker(s, ranker) };
  const current = s.emitterParams["cma-me"]?.ranker;
  return { archive: type, ...(current && SEARCH_RANKERS.has(current) ? withRanker(s, CMA_ME_DEFAULT_RANKER) : {}) };
}

/** One archive parameter typed; a proximity archive's local competition moves a novelty ranker between "nov" and "nslc". */
export function changeArchiveParam(s: FormState, key: string, value: string): Partial<FormState> {
  const archiveParams = { ...s.archiveParams, [s.archive]: { ...s.archiveParams[s.archive], [key]: value } };
  const current = s.emitterParams["cma-me"]?.ranker;
  const ranker = current && SEARCH_RANKERS.has(current) ? searchRanker(s.archive, archiveParams) : undefined;
  return { archiveParams, ...(ranker && ranker !== current ? withRanker(s, ranker) : {}) };
}
