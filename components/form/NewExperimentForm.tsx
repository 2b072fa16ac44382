"use client";
/**
 * New experiment: every field of the configuration, validated inline with the
 * same zod schema the REST API uses; submit creates and starts the run.
 * Vector runs (built-in benchmarks, your evaluator), JSON genomes with your
 * mutation, and LLM runs (programs for a shipped task, judged texts).
 */
import { useMemo, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { ExperimentSpec, MAX_EVALUATION_CONCURRENCY, defaultProgramDescriptors, hasBuiltInMeasures, runsInStages } from "@/lib/experiments/config";
import { getDomain } from "@/lib/qd/domains/registry";
import { TASK_CATALOG, TASK_NAMES } from "@/lib/tasks/catalog";
import { priceOf } from "@/lib/llm/pricing";
import { api, ApiError } from "@/components/lib/api";
import { Field, Section, SelectField, TextAreaField } from "./Field";
import { KindFields, kindConfig, kindValues } from "./KindFields";
import { emitterKindOf, FORM_EMITTERS } from "@/lib/registry/emitters";
import { SCHEDULERS, schedulerKindOf } from "@/lib/registry/schedulers";
import { DescriptorRows, newRowKey, type DescriptorRow } from "./DescriptorRows";
import { ensembleFields, ModelEnsemble, newModelRow, type ExtraModelRow, type Selection, type Strategy } from "./ModelEnsemble";
import { CodeEditor } from "./CodeEditor";
import { SeedList } from "./SeedList";
import { PROGRAM_EXAMPLE, ProgramFields, programDomain, type ProgramState } from "./ProgramFields";
import type { FormPreset } from "./preset";
import { TemplateBar, type TemplateOption } from "./TemplateBar";
import { DEFAULT_PARENT_SELECTION, ParentSelectionFields, parentSelectionConfig, type ParentSelectionState } from "./ParentSelectionFields";
import { CODE_MEASURES } from "@/lib/evaluators/code-measures";
import { DEFAULT_PROMPT_EVOLUTION, PromptEvolutionFields, promptEvolutionConfig, type PromptEvolutionState } from "./PromptEvolutionFields";

type DomainType = "sphere" | "rastrigin" | "arm" | "llm-code" | "llm-text" | "program" | "external" | "command" | "webhook" | "javascript";
type UserDomain = "command" | "webhook" | "javascript";
type LlmDomain = "llm-code" | "llm-text" | "program";
/** What a candidate of a user-evaluated domain is: numbers in a box, any JSON value made by the user's mutation, or a text written by the LLM. */
type Genome = "vector" | "json" | "text";

const DOMAINS: { value: DomainType; label: string }[] = [
  { value: "sphere", label: "Sphere (linear projection)" },
  { value: "rastrigin", label: "Rastrigin (linear projection)" },
  { value: "arm", label: "Planar arm repertoire" },
  { value: "llm-code", label: "LLM code (task)" },
  { value: "program", label: "Your program (LLM, any language)" },
  { value: "llm-text", label: "LLM text" },
  { value: "command", label: "Command (any language)" },
  { value: "webhook", label: "Webhook" },
  { value: "javascript", label: "JavaScript function" },
  { value: "external", label: "External evaluator (ask/tell)" },
];

const isUserDomain = (t: DomainType): t is UserDomain => t === "command" || t === "webhook" || t === "javascript";
const isLlmDomain = (t: DomainType): t is LlmDomain => t === "llm-code" || t === "llm-text" || t === "program";

/** JSON genomes: the form starts with a mutation and seeds that fit EXAMPLE_JS (arrays of numbers, here of any length). */
export const EXAMPLE_MUTATE = `// Makes one child from a parent genome (any JSON value) and returns it.
// rng: random(), int(n), uniform(a, b), normal(mean, sd), pick(array), shuffle(array);
// Math.random is seeded too, so a run is reproducible. Runs in the sandbox.
function mutate(parent, rng) {
  const child = parent.slice();
  const r = rng.random();
  if (r < 0.15 && child.length < 12) child.push(rng.normal(0, 0.5));
  else if (r < 0.3 && child.length > 1) child.splice(rng.int(child.length), 1);
  else {
    const i = rng.int(child.length);
    child[i] = Math.max(-1, Math.min(1, child[i] + rng.normal(0, 0.2)));
  }
  return child;
}
`;
const EXAMPLE_JSON_SEEDS = "[[0, 0, 0, 0], [0.5, -0.5, 0.5, -0.5]]";

/** llm-text: a small poem run whose two descriptors the judge reads from their rubrics. */
const TEXT_EXAMPLE = {
  description: "A two-line poem about the sea.",
  seeds: ["The sea is grey and the gulls are quiet.", "Waves laugh in the morning sun."],
  rows: [
    { name: "tone", min: "0", max: "1", bins: "5", metric: "", rubric: "0 = melancholic … 1 = joyful" },
    { name: "imagery", min: "0", max: "1", bins: "5", metric: "", rubric: "0 = abstract ideas … 1 = vivid, concrete images" },
  ],
};

/** OpenAI-compatible servers: choosing one fills the base URL, a model and the key's variable. */
const PROVIDERS = [
  { id: "openai", label: "OpenAI", baseURL: "https://api.openai.com/v1", model: "gpt-4.1-mini", apiKeyEnv: "OPENAI_API_KEY" },
  { id: "vllm", label: "vLLM (local)", baseURL: "http://127.0.0.1:8000/v1", model: "Qwen/Qwen2.5-Coder-7B-Instruct", apiKeyEnv: "" },
  { id: "ollama", label: "Ollama (local)", baseURL: "http://127.0.0.1:11434/v1", model: "qwen2.5-coder:7b", apiKeyEnv: "" },
  { id: "llamacpp", label: "llama.cpp server (local)", baseURL: "http://127.0.0.1:8080/v1", model: "local", apiKeyEnv: "" },
] as const;

/** Batch size and evaluation budget each kind of domain starts with (changed with the domain unless the user set them). */
const RUN_DEFAULTS = { builtIn: { batch: "100", budget: "100000" }, user: { batch: "20", budget: "2000" }, llm: { batch: "2", budget: "200" } };
const runKind = (t: DomainType) => (isLlmDomain(t) ? "llm" : isUserDomain(t) ? "user" : "builtIn");

/** A small working evaluator: the form starts with it, so a JavaScript run works out of the box. */
export const EXAMPLE_JS = `// Scores one candidate. \`genome\` is an array of numbers within the bounds.
// Return { fitness, descriptors?, metrics? }; higher fitness is better.
// Each descriptor row reads descriptors[i], or a named metric.
// console.log output is kept as the candidate's logs.
function evaluate(genome) {
  const n = genome.length;
  const mean = genome.reduce((s, x) => s + x, 0) / n;
  const spread = Math.max(...genome) - Math.min(...genome);
  // Distance to a wavy target: sin(0), sin(1), ...
  let error = 0;
  for (let i = 0; i < n; i++) error += (genome[i] - Math.sin(i)) ** 2;
  return { fitness: -error, descriptors: [mean], metrics: { spread, error } };
}
`;

/** Genome and descriptor defaults that fit the sphere evaluator in examples/python/eval_sphere.py. */
const SPHERE_EXAMPLE = {
  dim: "4",
  lo: "-5.12",
  hi: "5.12",
  rows: [
    { name: "first half", min: "-10.24", max: "10.24", bins: "20", metric: "" },
    { name: "second half", min: "-10.24", max: "10.24", bins: "20", metric: "" },
  ],
};

/** Starting genome, bounds and descriptor rows of the evaluated-elsewhere domains. */
const USER_DEFAULTS: Record<UserDomain | "external", { dim: string; lo: string; hi: string; rows: Omit<DescriptorRow, "key">[] }> = {
  external: {
    dim: "10",
    lo: "-1",
    hi: "1",
    rows: [0, 1].map((i) => ({ name: `m${i}`, min: "-1", max: "1", bins: "50", metric: "" })),
  },
  // examples/python/eval_sphere.py: descriptors are the sums of each half of the genome.
  command: SPHERE_EXAMPLE,
  webhook: SPHERE_EXAMPLE,
  // EXAMPLE_JS: the mean from descriptors[0], the spread from its metrics.
  javascript: {
    dim: "6",
    lo: "-1",
    hi: "1",
    rows: [
      { name: "mean", min: "-1", max: "1", bins: "20", metric: "" },
      { name: "spread", min: "0", max: "2", bins: "20", metric: "spread" },
    ],
  },
};

const MEASURE_SOURCES: Record<string, string[]> = {
  sphere: ["measure 1: sum of the first n/2 genes", "measure 2: sum of the last n/2 genes"],
  rastrigin: ["measure 1: sum of the first n/2 genes", "measure 2: sum of the last n/2 genes"],
  arm: ["measure 1: end-effector x", "measure 2: end-effector y"],
};

function defaultRows(type: DomainType, size: number, task = TASK_NAMES[0]): DescriptorRow[] {
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

/** Measures of every program, whatever its evaluator reports. */
const PROGRAM_METRICS = [
  ...CODE_MEASURES,
  { name: "stage", description: "last cascade stage run" },
];

const toNum = (s: string): number | undefined => (s.trim() === "" ? undefined : Number(s));
/** An optional numeric field: omitted when blank. */
const optNum = (key: string, s: string) => (s.trim() === "" ? {} : { [key]: Number(s) });

/** The default name of a run on a domain (and task); names matching one of these follow the domain. */
function defaultName(t: DomainType, size: string, task: string): string {
  if (t === "llm-code") return `${TASK_CATALOG[task]!.title.split(" (")[0]}, LLM`;
  if (t === "llm-text") return "Poems about the sea, LLM";
  if (t === "program") return "Your program, LLM";
  const label = DOMAINS.find((d) => d.value === t)!.label.split(" (")[0];
  return `${label}${t === "arm" ? "" : ` ${size}-D`}, MAP-Elites`;
}
const AUTO_NAME = /^(Sphere|Rastrigin|Planar arm|Arm|External|Command|Webhook|JavaScript|Circle packing|Online bin packing|Poems about the sea|Your program)\b/;

/** Issue path → message, with paths like "descriptors.0.max"; API paths ("body.descriptors[0].max") are normalised. */
function issueMap(issues: { path: string; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const p = i.path.replace(/^body\.?/, "").replace(/\[(\d+)\]/g, ".$1").replace(/^\./, "");
    out[p] ??= i.message;
  }
  return out;
}

/** `preset`: fields from a run being cloned or a template (see ./preset); `templates`: the saved ones to offer. */
export function NewExperimentForm({ preset, templates = [], templateId = null }: { preset?: FormPreset; templates?: TemplateOption[]; templateId?: string | null } = {}) {
  const p: Partial<FormPreset> = preset ?? {};
  const router = useRouter();
  const [name, setName] = useState(p.name ?? "Sphere 100-D, MAP-Elites");
  const [domain, setDomain] = useState<DomainType>((p.domain as DomainType | undefined) ?? "sphere");
  const [size, setSize] = useState(p.size ?? "100");
  const [boundsLo, setBoundsLo] = useState(p.boundsLo ?? "-1");
  const [boundsHi, setBoundsHi] = useState(p.boundsHi ?? "1");
  // A cloned built-in run stores no rows (its measures are the domain's): take the domain's own for its size.
  const [rows, setRows] = useState<DescriptorRow[]>(() => p.rows?.map((r) => ({ ...r, key: newRowKey() })) ?? defaultRows((p.domain as DomainType | undefined) ?? "sphere", Number(p.size ?? 100), p.task));
  const [rowsEdited, setRowsEdited] = useState(p.rows != null);
  // User evaluators.
  const [command, setCommand] = useState(p.command ?? "python3 examples/python/eval_sphere.py");
  const [commandTimeout, setCommandTimeout] = useState(p.commandTimeout ?? "30000");
  const [commandBatch, setCommandBatch] = useState(p.commandBatch ?? false);
  const [url, setUrl] = useState(p.url ?? "http://127.0.0.1:8787/evaluate");
  const [secretEnv, setSecretEnv] = useState(p.secretEnv ?? "");
  const [webhookTimeout, setWebhookTimeout] = useState(p.webhookTimeout ?? "30000");
  const [code, setCode] = useState(p.code ?? EXAMPLE_JS);
  const [jsTimeout, setJsTimeout] = useState(p.jsTimeout ?? "5000");
  const [jsMemory, setJsMemory] = useState(p.jsMemory ?? "64");
  // What a candidate of a user-evaluated domain is.
  const [genome, setGenome] = useState<Genome>(p.genome ?? "vector");
  const [jsonSeeds, setJsonSeeds] = useState(p.jsonSeeds ?? EXAMPLE_JSON_SEEDS);
  const [mutateCode, setMutateCode] = useState(p.mutateCode ?? EXAMPLE_MUTATE);
  const [mutateTimeout, setMutateTimeout] = useState(p.mutateTimeout ?? "2000");
  const [mutateMemory, setMutateMemory] = useState(p.mutateMemory ?? "64");
  const [userDescription, setUserDescription] = useState(p.userDescription ?? "");
  const [userTextSeeds, setUserTextSeeds] = useState<string[]>(p.userTextSeeds ?? [""]);
  // LLM domains.
  const [task, setTask] = useState<string>(p.task ?? TASK_NAMES[0]);
  const [codeSeeds, setCodeSeeds] = useState<string[]>(p.codeSeeds ?? []);
  const [taskTimeout, setTaskTimeout] = useState(p.taskTimeout ?? "5000");
  const [taskMemory, setTaskMemory] = useState(p.taskMemory ?? "128");
  const [description, setDescription] = useState(p.description ?? TEXT_EXAMPLE.description);
  const [qualityRubric, setQualityRubric] = useState(p.qualityRubric ?? "");
  const [textSeeds, setTextSeeds] = useState<string[]>(p.textSeeds ?? TEXT_EXAMPLE.seeds);
  const [judgeModel, setJudgeModel] = useState(p.judgeModel ?? "");
  const [program, setProgram] = useState<ProgramState>(p.program ? { ...PROGRAM_EXAMPLE, ...p.program } : PROGRAM_EXAMPLE);
  // The LLM emitter.
  const [baseURL, setBaseURL] = useState<string>(p.baseURL ?? PROVIDERS[0].baseURL);
  const [model, setModel] = useState<string>(p.model ?? PROVIDERS[0].model);
  const [apiKeyEnv, setApiKeyEnv] = useState<string>(p.apiKeyEnv ?? PROVIDERS[0].apiKeyEnv);
  const [mode, setMode] = useState<"diff" | "full">(p.mode ?? "diff");
  const [modeTouched, setModeTouched] = useState(p.mode != null);
  const [temperature, setTemperature] = useState(p.temperature ?? "");
  const [maxTokens, setMaxTokens] = useState(p.maxTokens ?? "");
  const [rpm, setRpm] = useState(p.rpm ?? "");
  const [concurrency, setConcurrency] = useState(p.concurrency ?? "");
  const [pricePrompt, setPricePrompt] = useState(p.pricePrompt ?? "");
  const [priceCompletion, setPriceCompletion] = useState(p.priceCompletion ?? "");
  const [costCap, setCostCap] = useState(p.costCap ?? "1");
  // Duplicate rejection (llm emitter): exact + MinHash unless chosen otherwise.
  const [dedupeMode, setDedupeMode] = useState<"off" | "exact" | "minhash" | "embeddings">(p.dedupeMode ?? "minhash");
  const [dedupeThreshold, setDedupeThreshold] = useState(p.dedupeThreshold ?? "");
  const [dedupeBaseURL, setDedupeBaseURL] = useState(p.dedupeBaseURL ?? "");
  const [dedupeModel, setDedupeModel] = useState(p.dedupeModel ?? "");
  const [parents, setParents] = useState<ParentSelectionState>(p.parentSelection ?? DEFAULT_PARENT_SELECTION);
  const [promptEvolution, setPromptEvolution] = useState<PromptEvolutionState>(p.promptEvolution ?? DEFAULT_PROMPT_EVOLUTION);
  const [extraModels, setExtraModels] = useState<ExtraModelRow[]>(() => (p.extraModels ?? []).map((r) => newModelRow(r)));
  const [mainWeight, setMainWeight] = useState(p.mainWeight ?? "1");
  const [modelSelection, setModelSelection] = useState<Selection>(p.modelSelection ?? "fixed");
  const [strategy, setStrategy] = useState<Strategy>(p.strategy ?? "evolve");
  const [archive, setArchive] = useState<"grid" | "cvt">(p.archive ?? "grid");
  const [cvtCells, setCvtCells] = useState(p.cvtCells ?? "1000");
  const [emitter, setEmitter] = useState<string>(p.emitter ?? "iso-line");
  // Every form-built emitter kind's parameters as typed (switching kinds keeps what was typed for each).
  const [emitterParams, setEmitterParams] = useState<Record<string, Record<string, string>>>(() =>
    Object.fromEntries(FORM_EMITTERS.map((k) => [k.type, kindValues(k, k.type === p.emitter ? p.emitterParams : undefined)])),
  );
  const [batchSize, setBatchSize] = useState(p.batchSize ?? "100");
  const [budget, setBudget] = useState(p.budget ?? "100000");
  const [seed, setSeed] = useState(p.seed ?? "0");
  const [evalConcurrency, setEvalConcurrency] = useState(p.evalConcurrency ?? "");
  // Islands: blank count = one archive.
  // Schedulers that choose among emitter chains (the bandit) are offered with the CMA kinds only.
  const [scheduler, setScheduler] = useState<string>(p.scheduler ?? "default");
  const [schedulerParams, setSchedulerParams] = useState<Record<string, Record<string, string>>>(() =>
    Object.fromEntries(SCHEDULERS.map((k) => [k.type, kindValues(k, k.type === p.scheduler ? p.schedulerParams : undefined)])),
  );
  const [islands, setIslands] = useState(p.islands ?? "");
  const [migrationInterval, setMigrationInterval] = useState(p.migrationInterval ?? "50");
  const [migrants, setMigrants] = useState(p.migrants ?? "1");
  const [topology, setTopology] = useState<"ring" | "all">(p.topology ?? "ring");
  const [stagnation, setStagnation] = useState(p.stagnation ?? "");
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [serverIssues, setServerIssues] = useState<Record<string, string>>({});

  const userDomain = isUserDomain(domain);
  /** Grid archives of runs scored by an evaluator or an LLM may let a descriptor range follow the values ("range": "auto"). */
  const autoRange = archive === "grid" && (userDomain || domain === "llm-code" || domain === "llm-text" || domain === "program");
  const llmDomain = isLlmDomain(domain);
  /** The emitter in effect: LLM domains and text genomes use the LLM, JSON genomes the user's mutation. */
  const emitterKind = llmDomain || (userDomain && genome === "text") ? "llm" : userDomain && genome === "json" ? "javascript-mutation" : emitter;
  const vectorGenome = !llmDomain && (!userDomain || genome === "vector");
  /** Islands split the workers' jobs: not for CMA chains or ask/tell runs. */
  const islandsAllowed = domain !== "external" && emitterKindOf({ type: emitterKind }).distributed !== "chains";
  const schedulerOptions = SCHEDULERS.filter((k) => k.distributed === "jobs" || (k.distributed === "chains" && (emitterKind === "cma-me" || emitterKind === "cma-mae")));
  const schedulerShown = schedulerOptions.length > 1;
  const taskInfo = TASK_CATALOG[task]!;

  const jsonSeedsParsed = useMemo((): { value?: unknown; error?: string } => {
    try {
      return { value: JSON.parse(jsonSeeds) };
    } catch (e) {
      return { error: `seeds are not valid JSON: ${(e as Error).message}` };
    }
  }, [jsonSeeds]);

  const config = useMemo(() => {
    const s = toNum(size);
    const vector = { dim: s, bounds: [toNum(boundsLo), toNum(boundsHi)] };
    const genomeFields =
      genome === "vector" ? vector : genome === "json" ? { seeds: jsonSeedsParsed.value } : { seeds: userTextSeeds, ...(userDescription.trim() ? { description: userDescription } : {}) };
    const withMetric = userDomain || domain === "llm-code" || domain === "program";
    const withRubric = emitterKind === "llm";
    const modelName = model.trim();
    return {
      name,
      domain:
        domain === "arm"
          ? { type: domain, joints: s }
          : domain === "external"
            ? { type: domain, ...vector }
            : domain === "command"
              ? { type: domain, command, timeoutMs: toNum(commandTimeout), batch: commandBatch, ...genomeFields }
              : domain === "webhook"
                ? { type: domain, url: url.trim(), timeoutMs: toNum(webhookTimeout), ...(secretEnv.trim() ? { secretEnv: secretEnv.trim() } : {}), ...genomeFields }
                : domain === "javascript"
                  ? { type: domain, code, timeoutMs: toNum(jsTimeout), memoryMb: toNum(jsMemory), ...genomeFields }
                  : domain === "llm-code"
                    ? { type: domain, task, ...(codeSeeds.length ? { seeds: codeSeeds } : {}), timeoutMs: toNum(taskTimeout), memoryMb: toNum(taskMemory) }
                    : domain === "program"
                      ? programDomain(program)
                    : domain === "llm-text"
                      ? {
                          type: domain,
                          description,
                          ...(qualityRubric.trim() ? { qualityRubric } : {}),
                          seeds: textSeeds,
                          ...(judgeModel.trim() ? { judgeModel: judgeModel.trim() } : {}),
                        }
                      : { type: domain, dim: s },
      descriptors: rows.map((r) => ({
        name: r.name,
        ...(withMetric && r.metric.trim() ? { metric: r.metric.trim() } : {}),
        ...(withRubric && r.rubric?.trim() ? { rubric: r.rubric.trim() } : {}),
        ...(autoRange && r.auto ? { range: "auto" } : { min: toNum(r.min), max: toNum(r.max) }),
        bins: archive === "grid" ? toNum(r.bins) : (toNum(r.bins) ?? 1),
      })),
      archive: archive === "grid" ? { type: "grid" } : { type: "cvt", cells: toNum(cvtCells) },
      emitter:
        emitterKind === "llm"
          ? {
              type: "llm",
              baseURL: baseURL.trim(),
              ...ensembleFields({ model: modelName, weight: mainWeight, pricePrompt, priceCompletion }, extraModels, modelSelection, strategy),
              ...(apiKeyEnv.trim() ? { apiKeyEnv: apiKeyEnv.trim() } : {}),
              mode,
              ...optNum("temperature", temperature),
              ...optNum("maxTokens", maxTokens),
              ...optNum("requestsPerMinute", rpm),
              ...optNum("concurrency", concurrency),
              // The default (exact + MinHash at 0.95) is left implicit; anything else is spelled out.
              ...(dedupeMode !== "minhash" || dedupeThreshold.trim()
                ? {
                    dedupe: {
                      mode: dedupeMode,
                      ...(dedupeMode === "minhash" || dedupeMode === "embeddings" ? optNum("threshold", dedupeThreshold) : {}),
                      ...(dedupeMode === "embeddings" ? { embeddings: { baseURL: (dedupeBaseURL.trim() || baseURL.trim()), model: dedupeModel.trim(), ...(apiKeyEnv.trim() ? { apiKeyEnv: apiKeyEnv.trim() } : {}) } } : {}),
                    },
                  }
                : {}),
              ...parentSelectionConfig(parents),
              ...promptEvolutionConfig(promptEvolution),
            }
          : emitterKind === "javascript-mutation"
            ? { type: "javascript-mutation", code: mutateCode, timeoutMs: toNum(mutateTimeout), memoryMb: toNum(mutateMemory) }
            : kindConfig(emitterKindOf({ type: emitter }), emitterParams[emitter] ?? {}),
      ...(schedulerShown && scheduler !== "default" ? { scheduler: kindConfig(schedulerKindOf({ type: scheduler })!, schedulerParams[scheduler] ?? {}) } : {}),
      batchSize: toNum(batchSize),
      budget: { evaluations: toNum(budget), ...(emitterKind === "llm" && costCap.trim() ? { costUsd: toNum(costCap) } : {}) },
      seed: toNum(seed),
      // Slow evaluators (commands, webhooks, programs, LLM judges) score a batch's candidates in parallel.
      ...(runsInStages({ domain: { type: domain } }) && evalConcurrency.trim() ? { evaluation: { concurrency: toNum(evalConcurrency) } } : {}),
      ...(islandsAllowed && islands.trim()
        ? {
            islands: {
              count: toNum(islands),
              migrationInterval: toNum(migrationInterval),
              migrants: toNum(migrants),
              topology,
              ...(stagnation.trim() ? { spawnOnStagnation: { evaluations: toNum(stagnation) } } : {}),
            },
          }
        : {}),
    };
  }, [
    name, domain, size, boundsLo, boundsHi, command, commandTimeout, commandBatch, url, secretEnv, webhookTimeout, code, jsTimeout, jsMemory, genome, jsonSeedsParsed, userTextSeeds, userDescription,
    task, codeSeeds, program, taskTimeout, taskMemory, description, qualityRubric, textSeeds, judgeModel, userDomain, emitterKind, rows, archive, cvtCells,
    baseURL, model, apiKeyEnv, mode, temperature, maxTokens, rpm, concurrency, pricePrompt, priceCompletion, dedupeMode, dedupeThreshold, dedupeBaseURL, dedupeModel, parents, promptEvolution, mutateCode, mutateTimeout, mutateMemory,
    extraModels, mainWeight, modelSelection, strategy,
    emitter, emitterParams, scheduler, schedulerParams, schedulerShown, batchSize, budget, costCap, seed, evalConcurrency,
    islandsAllowed, islands, migrationInterval, migrants, topology, stagnation,
  ]);

  const parsed = useMemo(() => ExperimentSpec.safeParse(config), [config]);
  const jsonSeedsError = userDomain && genome === "json" ? jsonSeedsParsed.error : undefined;
  const errors = useMemo(() => {
    const local: Record<string, string> = jsonSeedsError ? { "domain.seeds": jsonSeedsError } : {};
    if (parsed.success) return local;
    // A parse error of the seeds says more than the schema's "give the starting population".
    return { ...issueMap(parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }))), ...local };
  }, [parsed, jsonSeedsError]);
  const valid = parsed.success && !jsonSeedsError;
  const shown = submitted ? { ...serverIssues, ...errors } : {};
  const err = (path: string) => shown[path];

  const preview = useMemo(() => {
    if (archive === "cvt") {
      const n = toNum(cvtCells);
      return n && Number.isFinite(n) ? `CVT: ${n.toLocaleString("en-US")} cells (centroids from k-means, seeded)` : "CVT: give a cell count";
    }
    const bins = rows.map((r) => toNum(r.bins));
    if (!bins.length || bins.some((b) => !b || !Number.isFinite(b))) return "Grid: give every descriptor a number of bins";
    const total = bins.reduce((a, b) => a! * b!, 1)!;
    return `${bins.map((b) => b!.toLocaleString("en-US")).join(" × ")} = ${total.toLocaleString("en-US")} cells`;
  }, [archive, cvtCells, rows]);

  const builtIn = hasBuiltInMeasures({ type: domain });
  const changeDomain = (t: DomainType) => {
    setDomain(t);
    const elsewhere = t === "external" || isUserDomain(t);
    const s = t === "arm" ? "12" : elsewhere ? USER_DEFAULTS[t].dim : "100";
    setSize(s);
    if (elsewhere) {
      setBoundsLo(USER_DEFAULTS[t].lo);
      setBoundsHi(USER_DEFAULTS[t].hi);
    }
    // Rows the user wrote for one evaluator are kept for another; built-in and LLM domains bring their own.
    if (!rowsEdited || !elsewhere || builtIn || llmDomain) setRows(defaultRows(t, Number(s), task));
    setRowsEdited(false);
    // Slow evaluators and LLM calls: smaller batches and budget, unless the user chose them.
    const from = RUN_DEFAULTS[runKind(domain)];
    const to = RUN_DEFAULTS[runKind(t)];
    if (batchSize === from.batch) setBatchSize(to.batch);
    if (budget === from.budget) setBudget(to.budget);
    // Programs are edited by diffs; texts are short, rewritten whole.
    if (!modeTouched && isLlmDomain(t)) setMode(t === "llm-text" ? "full" : "diff");
    if (name === "" || AUTO_NAME.test(name)) setName(defaultName(t, s, task));
  };
  const changeTask = (next: string) => {
    setTask(next);
    if (!rowsEdited) setRows(defaultRows("llm-code", 0, next));
    if (name === "" || AUTO_NAME.test(name)) setName(defaultName("llm-code", size, next));
  };
  const changeGenome = (g: Genome) => {
    setGenome(g);
    // LLM calls are slow: a few candidates per batch.
    if (g === "text" && batchSize === RUN_DEFAULTS.user.batch) setBatchSize("4");
    if (g !== "text" && genome === "text" && batchSize === "4") setBatchSize(RUN_DEFAULTS.user.batch);
  };
  const provider = PROVIDERS.find((p) => p.baseURL === baseURL.trim());
  const choosePreset = (id: string) => {
    const p = PROVIDERS.find((x) => x.id === id);
    if (!p) return;
    setBaseURL(p.baseURL);
    if (!model.trim() || PROVIDERS.some((x) => x.model === model)) setModel(p.model);
    setApiKeyEnv(p.apiKeyEnv);
  };
  const listPrice = model.trim() ? priceOf(model.trim()) : undefined;
  const priceError = Object.entries(submitted ? { ...serverIssues, ...errors } : {}).find(([k]) => k.startsWith("emitter.prices"))?.[1];
  const changeSize = (s: string) => {
    setSize(s);
    const n = Number(s);
    if (!rowsEdited && builtIn && Number.isInteger(n) && n >= 1 && n <= 10_000) setRows(defaultRows(domain, n));
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setServerError(null);
    setServerIssues({});
    if (!valid) {
      requestAnimationFrame(() => document.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
      return;
    }
    setBusy(true);
    try {
      const res = await api<{ id?: string; experiment?: { id: string } }>("/api/experiments", { method: "POST", json: { ...config, start: true } });
      const id = res.id ?? res.experiment?.id;
      router.push(`/experiments/${id}`);
    } catch (error) {
      setBusy(false);
      if (error instanceof ApiError) {
        setServerError(error.message);
        setServerIssues(issueMap(error.issues));
      } else setServerError(String(error));
    }
  };

  const errorCount = submitted ? Object.keys(shown).length : 0;

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-2" aria-label="New experiment">
      {(serverError || errorCount > 0) && (
        <div role="alert" className="mb-6 rounded-md border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950/50 dark:text-rose-200">
          {serverError ?? `Please fix ${errorCount === 1 ? "the highlighted field" : `the ${errorCount} highlighted fields`}.`}
        </div>
      )}

      <TemplateBar templates={templates} current={templateId} config={valid ? config : null} defaultName={name} />
      {preset && preset.unshown.length > 0 && (
        <p className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-xs text-amber-900 dark:border-amber-900/70 dark:bg-amber-950/40 dark:text-amber-100" data-testid="unshown-settings">
          The form has no field for {preset.unshown.map((k) => <code key={k} className="mx-0.5 font-mono">{k}</code>)}: the new run uses their defaults. Create it over the REST API to keep them.
        </p>
      )}

      <Section title="Basics" description="A name to find the run by later.">
        <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} error={err("name")} />
      </Section>

      <Section title="Domain" description="What a solution is and how it is evaluated. Built-in benchmarks follow pyribs exactly; LLM runs evolve programs for a shipped task, or texts judged by the model.">
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField label="Domain" value={domain} onChange={(v) => changeDomain(v as DomainType)} options={DOMAINS} />
          {!userDomain && !llmDomain && (
            <Field
              label={domain === "arm" ? "Joints" : "Dimensions"}
              type="number"
              min={1}
              value={size}
              onChange={(e) => changeSize(e.target.value)}
              error={err(domain === "arm" ? "domain.joints" : "domain.dim")}
              hint={domain === "arm" ? "Links have length 1/n." : "Genome length n."}
            />
          )}
          {domain === "llm-code" && (
            <SelectField label="Task" value={task} onChange={changeTask} options={TASK_NAMES.map((t) => ({ value: t, label: TASK_CATALOG[t]!.title.split(" (")[0]! }))} />
          )}
        </div>
        {domain === "external" && (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Gene lower bound" type="number" step="any" value={boundsLo} onChange={(e) => setBoundsLo(e.target.value)} error={err("domain.bounds.0") ?? err("domain.bounds")} />
            <Field label="Gene upper bound" type="number" step="any" value={boundsHi} onChange={(e) => setBoundsHi(e.target.value)} error={err("domain.bounds.1")} />
          </div>
        )}
        {domain === "llm-code" && (
          <>
            <div className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2.5 text-sm dark:border-slate-800 dark:bg-slate-900" data-testid="task-info">
              <p className="mb-1 font-medium">{taskInfo.title}</p>
              <p>
                <span className="text-slate-500 dark:text-slate-400">The LLM writes </span>
                <code className="font-mono text-xs">{taskInfo.entry}()</code>
                <span className="text-slate-500 dark:text-slate-400">; fitness: </span>
                {taskInfo.objective}.
              </p>
              {taskInfo.reference && (
                <p className="mt-1">
                  <span className="text-slate-500 dark:text-slate-400">Best known: </span>
                  <span className="font-medium tabular-nums">{taskInfo.reference.fitness}</span>
                  <span className="text-slate-500 dark:text-slate-400"> ({taskInfo.reference.source})</span>
                </p>
              )}
              <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
                Metrics for descriptors: {taskInfo.metrics.map((m, i) => (
                  <span key={m.name}>
                    {i > 0 && ", "}
                    <code className="font-mono text-slate-700 dark:text-slate-300">{m.name}</code> ({m.description})
                  </span>
                ))}
                .
              </p>
            </div>
            <SeedList
              kind="program"
              seeds={codeSeeds}
              onChange={setCodeSeeds}
              errors={shown}
              empty={`No seed programs: the run starts from the task's starter program. Add your own programs defining ${taskInfo.entry}() to start from them instead.`}
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Program timeout (ms)" type="number" min={100} value={taskTimeout} onChange={(e) => setTaskTimeout(e.target.value)} error={err("domain.timeoutMs")} hint="Per program run, in the sandbox." />
              <Field label="Program memory (MB)" type="number" min={16} value={taskMemory} onChange={(e) => setTaskMemory(e.target.value)} error={err("domain.memoryMb")} />
            </div>
          </>
        )}
        {domain === "program" && <ProgramFields value={program} onChange={setProgram} err={err} />}
        {domain === "llm-text" && (
          <>
            <TextAreaField label="Description" value={description} onChange={setDescription} error={err("domain.description")} rows={2} hint="What the texts should be. The LLM writes variations; the judge scores them against it." />
            <TextAreaField
              label="Quality rubric"
              value={qualityRubric}
              onChange={setQualityRubric}
              error={err("domain.qualityRubric")}
              rows={2}
              placeholder="Optional. Default: how well the text fulfils the description."
              hint="How the judge rates quality, the fitness of a text (0–10, scaled to 0–1)."
            />
            <Field label="Judge model" value={judgeModel} onChange={(e) => setJudgeModel(e.target.value)} error={err("domain.judgeModel")} placeholder="the emitter's model" mono hint="Optional. Another model of the same provider, called at temperature 0." />
            <SeedList kind="text" seeds={textSeeds} onChange={setTextSeeds} errors={shown} />
          </>
        )}
        {domain === "command" && (
          <>
            <Field
              label="Command"
              value={command}
              onChange={(e) => setCommand(e.target.value)}
              error={err("domain.command")}
              mono
              spellCheck={false}
              hint={
                <>
                  Run without a shell, in a clean environment. Reads <code className="font-mono">{`{"id", "genome"}`}</code> as JSON on stdin and prints{" "}
                  <code className="font-mono">{`{"fitness", "descriptors"?, "metrics"?}`}</code> as its last line of stdout; stderr becomes the logs.
                </>
              }
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Timeout (ms)" type="number" min={1} value={commandTimeout} onChange={(e) => setCommandTimeout(e.target.value)} error={err("domain.timeoutMs")} hint="Per invocation; the whole process group is killed." />
              <label className="flex items-start gap-2 pt-6 text-sm">
                <input type="checkbox" className="mt-0.5" checked={commandBatch} onChange={(e) => setCommandBatch(e.target.checked)} />
                <span>
                  <span className="font-medium text-slate-700 dark:text-slate-300">Batch mode</span>
                  <span className="mt-0.5 block text-xs text-slate-500 dark:text-slate-400">
                    One invocation per batch: <code className="font-mono">{`{"candidates": […]}`}</code> in, <code className="font-mono">{`{"results": […]}`}</code> out.
                  </span>
                </span>
              </label>
            </div>
          </>
        )}
        {domain === "webhook" && (
          <>
            <Field
              label="URL"
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              error={err("domain.url")}
              hint={
                <>
                  Each candidate is POSTed as <code className="font-mono">{`{"id", "genome"}`}</code>; answer <code className="font-mono">{`{"fitness", "descriptors"?, "metrics"?}`}</code>. Retried with backoff on 5xx.
                </>
              }
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <Field
                label="Signing secret (environment variable)"
                value={secretEnv}
                placeholder="QD_WEBHOOK_SECRET"
                onChange={(e) => setSecretEnv(e.target.value)}
                error={err("domain.secretEnv")}
                mono
                hint="Optional. Names a variable of the workers' environment; requests then carry an HMAC X-QD-Signature header."
              />
              <Field label="Timeout (ms)" type="number" min={1} value={webhookTimeout} onChange={(e) => setWebhookTimeout(e.target.value)} error={err("domain.timeoutMs")} />
            </div>
          </>
        )}
        {domain === "javascript" && (
          <>
            <CodeEditor
              label="evaluate(genome)"
              value={code}
              onChange={setCode}
              error={err("domain.code")}
              rows={Math.min(24, Math.max(12, code.split("\n").length + 1))}
              hint="Runs in a sandbox (no network, files or process). Tab indents, Shift+Tab dedents; Escape, then Tab, leaves the editor."
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Timeout (ms)" type="number" min={1} value={jsTimeout} onChange={(e) => setJsTimeout(e.target.value)} error={err("domain.timeoutMs")} hint="Per candidate." />
              <Field label="Memory limit (MB)" type="number" min={8} value={jsMemory} onChange={(e) => setJsMemory(e.target.value)} error={err("domain.memoryMb")} />
            </div>
          </>
        )}
        {userDomain && (
          <div className="space-y-4 rounded-md border border-slate-200 p-3 dark:border-slate-800">
            <fieldset>
              <legend className="mb-1.5 text-sm font-medium text-slate-700 dark:text-slate-300">Genome</legend>
              <div className="grid gap-3 text-sm sm:grid-cols-3">
                {(
                  [
                    ["vector", "Vector (dim / bounds)", "numbers in a box, mutated by the emitter below"],
                    ["json", "JSON (your mutation)", "any JSON value, changed by your mutate(parent, rng)"],
                    ["text", "Text (LLM)", "a program or text, rewritten by an LLM"],
                  ] as const
                ).map(([value, label, hint]) => (
                  <label key={value} className="flex items-start gap-2" title={hint}>
                    <input type="radio" name="genome" className="mt-1" value={value} checked={genome === value} onChange={() => changeGenome(value)} />
                    <span>
                      {label}
                      <span className="block text-xs text-slate-500 dark:text-slate-400">{hint}</span>
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>
            {genome === "vector" && (
              <div className="grid gap-4 sm:grid-cols-3">
                <Field label="Dimensions" type="number" min={1} value={size} onChange={(e) => changeSize(e.target.value)} error={err("domain.dim")} hint="Genome length n." />
                <Field label="Gene lower bound" type="number" step="any" value={boundsLo} onChange={(e) => setBoundsLo(e.target.value)} error={err("domain.bounds.0") ?? err("domain.bounds")} />
                <Field label="Gene upper bound" type="number" step="any" value={boundsHi} onChange={(e) => setBoundsHi(e.target.value)} error={err("domain.bounds.1")} />
              </div>
            )}
            {genome === "json" && (
              <TextAreaField
                label="Seeds (JSON array)"
                value={jsonSeeds}
                onChange={setJsonSeeds}
                error={err("domain.seeds") ?? Object.entries(shown).find(([k]) => k.startsWith("domain.seeds."))?.[1]}
                rows={3}
                mono
                hint={
                  <>
                    The starting population: a JSON array whose items are genomes, e.g. <code className="font-mono">{`[{"w": [0, 1]}, {"w": [1, 0]}]`}</code>. Your evaluator receives one item as{" "}
                    <code className="font-mono">genome</code>; write the mutation under Emitter.
                  </>
                }
              />
            )}
            {genome === "text" && (
              <>
                <TextAreaField
                  label="Description"
                  value={userDescription}
                  onChange={setUserDescription}
                  error={err("domain.description")}
                  rows={2}
                  placeholder="What the program or text must do; the LLM sees it in every prompt."
                  hint="Your evaluator receives the text as genome (a string)."
                />
                <SeedList kind="text" seeds={userTextSeeds} onChange={setUserTextSeeds} errors={shown} />
              </>
            )}
          </div>
        )}
      </Section>

      <Section
        title="Behaviour descriptors"
        description={
          domain === "external"
            ? "Your evaluator reports one value per descriptor, in this order."
            : domain === "llm-code"
              ? "Row i reads a metric of the task's evaluator (suggested as you type), or is judged by the LLM from a rubric. The defaults are the task's. Values outside the range land in the edge cell."
              : domain === "program"
                ? "Row i reads a metric of your evaluator (codeLength, codeLines, codeComplexity and editDistance to the initial program are measured for every program), or descriptors[i] of a command's output, or is judged by the LLM from a rubric. Values outside the range land in the edge cell."
              : domain === "llm-text"
                ? "The judge places every text on each row from its rubric (what 0 and 1 mean); the value is scaled onto [min, max]."
                : userDomain
                  ? `Row i reads descriptors[i] of your evaluator's result, or the named key of its metrics${emitterKind === "llm" ? ", or is judged by the LLM from a rubric" : ""}. Values outside the range land in the edge cell.`
                  : "Row i is the domain's measure i; rename it, change its range or its resolution. Values outside the range land in the edge cell."
        }
      >
        <DescriptorRows
          rows={rows}
          onChange={(r) => {
            setRows(r);
            setRowsEdited(true);
          }}
          errors={shown}
          sources={MEASURE_SOURCES[domain]}
          showBins={archive === "grid"}
          showMetric={userDomain || domain === "llm-code" || domain === "program"}
          metricSuggestions={domain === "llm-code" ? taskInfo.metrics : domain === "program" ? PROGRAM_METRICS : undefined}
          showRubric={domain === "llm-text" ? "required" : emitterKind === "llm"}
          showAuto={autoRange}
        />
        <div className="flex flex-wrap items-center gap-3">
          {(builtIn || llmDomain) && rowsEdited && (
            <button type="button" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400" onClick={() => (setRows(defaultRows(domain, Number(size) || 100, task)), setRowsEdited(false))}>
              {domain === "llm-code" ? "Reset to the task's defaults" : "Reset to domain defaults"}
            </button>
          )}
        </div>
      </Section>

      <Section title="Archive" description="A grid of bins over the descriptor box, or CVT cells (k-means centroids) for many descriptors.">
        <fieldset className="flex gap-6 text-sm">
          <legend className="sr-only">Archive type</legend>
          {(["grid", "cvt"] as const).map((t) => (
            <label key={t} className="flex items-center gap-2">
              <input type="radio" name="archive" value={t} checked={archive === t} onChange={() => setArchive(t)} />
              {t === "grid" ? "Grid" : "CVT"}
            </label>
          ))}
        </fieldset>
        {archive === "cvt" && <Field label="CVT cells" type="number" min={1} value={cvtCells} onChange={(e) => setCvtCells(e.target.value)} error={err("archive.cells") ?? err("archive")} className="max-w-xs" />}
        <p data-testid="archive-preview" className="rounded-md bg-slate-50 px-3 py-2 text-sm font-medium tabular-nums text-slate-700 dark:bg-slate-900 dark:text-slate-300" aria-live="polite">
          {preview}
        </p>
      </Section>

      {emitterKind === "llm" ? (
        <Section
          title="LLM"
          description={
            <>
              Any OpenAI-compatible server. The API key never goes into the experiment: it is read on the workers from the environment variable you name. Local servers need none.
            </>
          }
        >
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField
              label="Provider"
              value={provider?.id ?? "custom"}
              onChange={choosePreset}
              options={[...PROVIDERS.map((p) => ({ value: p.id, label: p.label })), { value: "custom", label: "Other (your base URL)" }]}
            />
            <Field label="Base URL" type="url" value={baseURL} onChange={(e) => setBaseURL(e.target.value)} error={err("emitter.baseURL")} mono spellCheck={false} />
            <Field label="Model" value={model} onChange={(e) => setModel(e.target.value)} error={err("emitter.model") ?? err("emitter.models.0.model") ?? err("emitter")} mono spellCheck={false} />
            <Field
              label="API key (environment variable)"
              value={apiKeyEnv}
              onChange={(e) => setApiKeyEnv(e.target.value)}
              error={err("emitter.apiKeyEnv")}
              placeholder="none (local server)"
              mono
              spellCheck={false}
              hint="The NAME of a variable set on the workers, e.g. OPENAI_API_KEY."
            />
          </div>
          <fieldset>
            <legend className="mb-1.5 text-sm font-medium text-slate-700 dark:text-slate-300">Mode</legend>
            <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
              {(
                [
                  ["diff", "Diff", "SEARCH/REPLACE edits of the parent: fewer tokens, small steps"],
                  ["full", "Full rewrite", "the whole program or text each time"],
                ] as const
              ).map(([value, label, hint]) => (
                <label key={value} className="flex items-start gap-2">
                  <input
                    type="radio"
                    name="llm-mode"
                    className="mt-1"
                    value={value}
                    checked={mode === value}
                    onChange={() => {
                      setMode(value);
                      setModeTouched(true);
                    }}
                  />
                  <span>
                    {label}
                    <span className="block text-xs text-slate-500 dark:text-slate-400">{hint}</span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          <ParentSelectionFields value={parents} onChange={setParents} err={err} />
          <PromptEvolutionFields value={promptEvolution} onChange={setPromptEvolution} err={err} />
          <div className="grid gap-4 sm:grid-cols-4">
            <Field label="Temperature" type="number" step="any" min={0} max={2} value={temperature} onChange={(e) => setTemperature(e.target.value)} error={err("emitter.temperature")} placeholder="server default" />
            <Field label="Max tokens" type="number" min={1} value={maxTokens} onChange={(e) => setMaxTokens(e.target.value)} error={err("emitter.maxTokens")} placeholder="server default" />
            <Field label="Requests per minute" type="number" min={1} value={rpm} onChange={(e) => setRpm(e.target.value)} error={err("emitter.requestsPerMinute")} placeholder="no limit" />
            <Field label="Concurrency" type="number" min={1} value={concurrency} onChange={(e) => setConcurrency(e.target.value)} error={err("emitter.concurrency")} placeholder="no limit" />
          </div>
          <p className="-mt-2 text-xs text-slate-500 dark:text-slate-400">Rate and concurrency limits hold across all workers, per provider.</p>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Prompt price (USD / 1M tokens)" type="number" step="any" min={0} value={pricePrompt} onChange={(e) => setPricePrompt(e.target.value)} placeholder={listPrice ? String(listPrice.prompt) : "0"} error={priceError} />
            <Field label="Completion price (USD / 1M tokens)" type="number" step="any" min={0} value={priceCompletion} onChange={(e) => setPriceCompletion(e.target.value)} placeholder={listPrice ? String(listPrice.completion) : "0"} />
          </div>
          <p className="-mt-2 text-xs text-slate-500 dark:text-slate-400" data-testid="price-hint">
            {pricePrompt.trim() || priceCompletion.trim()
              ? `Calls are priced at your prices for ${model.trim() || "the model"}, in USD per 1M tokens; the cost cap counts them.`
              : listPrice
                ? `List price of ${model.trim()}: $${listPrice.prompt} prompt / $${listPrice.completion} completion per 1M tokens. Leave the prices blank to use it.`
                : `No list price known for "${model.trim() || "this model"}": its calls count as $0 unless you give prices.`}
          </p>
          <div className="grid gap-4 sm:grid-cols-4">
            <SelectField
              label="Duplicate rejection"
              value={dedupeMode}
              onChange={(v) => setDedupeMode(v as typeof dedupeMode)}
              options={[
                { value: "minhash", label: "Exact + MinHash (local)" },
                { value: "exact", label: "Exact only" },
                { value: "embeddings", label: "Exact + embeddings" },
                { value: "off", label: "Off" },
              ]}
              hint={err("emitter.dedupe.mode") ? <span className="text-rose-600 dark:text-rose-400">{err("emitter.dedupe.mode")}</span> : undefined}
            />
            {(dedupeMode === "minhash" || dedupeMode === "embeddings") && (
              <Field
                label="Similarity threshold"
                type="number"
                step="any"
                min={0}
                max={1}
                value={dedupeThreshold}
                onChange={(e) => setDedupeThreshold(e.target.value)}
                error={err("emitter.dedupe.threshold")}
                placeholder={dedupeMode === "embeddings" ? "0.99" : "0.9"}
              />
            )}
            {dedupeMode === "embeddings" && (
              <>
                <Field label="Embeddings base URL" type="url" value={dedupeBaseURL} onChange={(e) => setDedupeBaseURL(e.target.value)} error={err("emitter.dedupe.embeddings.baseURL")} placeholder={baseURL || "the model's base URL"} mono spellCheck={false} />
                <Field label="Embedding model" value={dedupeModel} onChange={(e) => setDedupeModel(e.target.value)} error={err("emitter.dedupe.embeddings.model") ?? err("emitter.dedupe.embeddings")} placeholder="text-embedding-3-small" mono spellCheck={false} />
              </>
            )}
          </div>
          <p className="-mt-2 text-xs text-slate-500 dark:text-slate-400" data-testid="dedupe-hint">
            {dedupeMode === "off"
              ? "Every proposal is evaluated, repeats included."
              : `A proposal that repeats a stored program (same after removing comments and whitespace${dedupeMode === "exact" ? "" : dedupeMode === "minhash" ? ", or token-shingle Jaccard ≥ threshold" : ", or embedding cosine ≥ threshold"}) is stored as a duplicate and proposed again; it costs its tokens but no evaluation.`}
          </p>
          <ModelEnsemble
            rows={extraModels}
            onRows={setExtraModels}
            weight={mainWeight}
            onWeight={setMainWeight}
            selection={modelSelection}
            onSelection={setModelSelection}
            strategy={strategy}
            onStrategy={setStrategy}
            err={err}
          />
        </Section>
      ) : emitterKind === "javascript-mutation" ? (
        <Section title="Emitter" description="Your mutation makes each child from an elite of the archive; the evaluator above scores it.">
          <CodeEditor
            label="mutate(parent, rng)"
            value={mutateCode}
            onChange={setMutateCode}
            error={err("emitter.code")}
            rows={Math.min(20, Math.max(10, mutateCode.split("\n").length + 1))}
            hint="Runs in a sandbox (no network, files or process), seeded per child. Return the child genome (any JSON value)."
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Mutation timeout (ms)" type="number" min={1} value={mutateTimeout} onChange={(e) => setMutateTimeout(e.target.value)} error={err("emitter.timeoutMs")} />
            <Field label="Mutation memory (MB)" type="number" min={8} value={mutateMemory} onChange={(e) => setMutateMemory(e.target.value)} error={err("emitter.memoryMb")} />
          </div>
        </Section>
      ) : (
        <Section title="Emitter" description="How new candidates are made from elites.">
          <div className="grid gap-4 sm:grid-cols-3">
            <SelectField
              label="Emitter"
              value={emitter}
              onChange={(v) => {
                setEmitter(v);
                // Emitter chains (CMA): the batch is per emitter and per iteration (pyribs uses 36).
                if (emitterKindOf({ type: v }).distributed === "chains" && batchSize === "100") setBatchSize("36");
              }}
              options={FORM_EMITTERS.map((k) => ({ value: k.type, label: k.label }))}
              hint={err("emitter.type") ? <span className="text-rose-600 dark:text-rose-400">{err("emitter.type")}</span> : emitterKindOf({ type: emitter }).help}
            />
            <KindFields
              kind={emitterKindOf({ type: emitter })}
              values={emitterParams[emitter] ?? {}}
              onChange={(key, value) => setEmitterParams((all) => ({ ...all, [emitter]: { ...all[emitter], [key]: value } }))}
              error={err}
              prefix="emitter"
            />
          </div>
          {schedulerShown && (
            <div className="mt-4 grid gap-4 sm:grid-cols-3" data-testid="scheduler-fields">
              <SelectField
                label="Scheduler"
                value={scheduler}
                onChange={setScheduler}
                options={schedulerOptions.map((k) => ({ value: k.type, label: k.label }))}
                hint={err("scheduler.type") ? <span className="text-rose-600 dark:text-rose-400">{err("scheduler.type")}</span> : schedulerKindOf({ type: scheduler })?.help}
              />
              {scheduler !== "default" && schedulerKindOf({ type: scheduler }) && (
                <KindFields
                  kind={schedulerKindOf({ type: scheduler })!}
                  values={schedulerParams[scheduler] ?? {}}
                  onChange={(key, value) => setSchedulerParams((all) => ({ ...all, [scheduler]: { ...all[scheduler], [key]: value } }))}
                  error={err}
                  prefix="scheduler"
                />
              )}
            </div>
          )}
        </Section>
      )}

      {islandsAllowed && (
        <Section title="Islands" description="Optional: separate archives that evolve apart and trade their best elites now and then. The run's archive and metrics are their union.">
          <div className="grid gap-4 sm:grid-cols-4">
            <Field label="Islands" type="number" min={1} value={islands} onChange={(e) => setIslands(e.target.value)} error={err("islands.count") ?? err("islands")} placeholder="none" />
            <Field label="Migration interval" type="number" min={1} value={migrationInterval} onChange={(e) => setMigrationInterval(e.target.value)} error={err("islands.migrationInterval")} disabled={!islands.trim()} hint="evaluations between rounds" />
            <Field label="Migrants per island" type="number" min={1} value={migrants} onChange={(e) => setMigrants(e.target.value)} error={err("islands.migrants")} disabled={!islands.trim()} />
            <SelectField
              label="Topology"
              value={topology}
              onChange={(v) => setTopology(v as "ring" | "all")}
              options={[
                { value: "ring", label: "Ring" },
                { value: "all", label: "All-to-all" },
              ]}
              hint="where each island's best go"
            />
          </div>
          <Field
            label="Stagnation limit"
            type="number"
            min={1}
            value={stagnation}
            onChange={(e) => setStagnation(e.target.value)}
            error={err("islands.spawnOnStagnation.evaluations") ?? err("islands.spawnOnStagnation.maxIslands")}
            placeholder="never"
            disabled={!islands.trim()}
            className="max-w-sm"
            hint="A new island (from the initial population) when the best fitness has not risen for this many evaluations; at most twice the islands. Blank: never."
          />
        </Section>
      )}

      <Section title="Budget" description="When the run stops, and how it is batched. Same seed and one worker: the same run.">
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Evaluations" type="number" min={1} value={budget} onChange={(e) => setBudget(e.target.value)} error={err("budget.evaluations") ?? err("budget")} />
          <Field
            label="Batch size"
            type="number"
            min={1}
            value={batchSize}
            onChange={(e) => setBatchSize(e.target.value)}
            error={err("batchSize")}
            hint={emitterKind === "llm" ? "LLM calls are slow: 2–4 per batch keeps the archive fresh." : undefined}
          />
          <Field label="Seed" type="number" min={0} value={seed} onChange={(e) => setSeed(e.target.value)} error={err("seed")} />
        </div>
        {runsInStages({ domain: { type: domain } }) && (
          <Field
            label="Candidates at once"
            type="number"
            min={1}
            max={MAX_EVALUATION_CONCURRENCY}
            value={evalConcurrency}
            onChange={(e) => setEvalConcurrency(e.target.value)}
            error={err("evaluation.concurrency") ?? err("evaluation")}
            placeholder="evaluator's default"
            className="max-w-xs"
            hint="How many of this run's candidates each worker scores at once (processes, requests, isolates). Raise it for slow evaluators that wait rather than compute; each worker also caps its total (QD_EVALUATION_SLOTS)."
          />
        )}
        {emitterKind === "llm" && (
          <Field
            label="Cost cap (USD)"
            type="number"
            step="any"
            min={0}
            value={costCap}
            onChange={(e) => setCostCap(e.target.value)}
            error={err("budget.costUsd")}
            placeholder="no cap"
            className="max-w-xs"
            hint="The run stops once its LLM calls have cost this much (calls already in flight still land). Blank: no cap."
          />
        )}
      </Section>

      <div className="flex items-center justify-end gap-3 border-t border-slate-200 pt-6 dark:border-slate-800">
        <button type="button" onClick={() => router.push("/")} className="rounded-md px-4 py-2 text-sm text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800">
          Cancel
        </button>
        <button type="submit" disabled={busy} className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 disabled:opacity-60">
          {busy ? "Starting…" : "Create and start"}
        </button>
      </div>
    </form>
  );
}
