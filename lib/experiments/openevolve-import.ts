/**
 * OpenEvolve config.yaml → a QD Studio experiment (`qd-studio import openevolve`): models and
 * weights, api_base, iterations, system message, cascade, diff/full mode, feature dimensions. Every
 * field set in the file without an equivalent is listed with a sentence saying why. Pure.
 */
import { parseYaml } from "./mini-yaml";

export interface OpenEvolveImport {
  /** The experiment, ready for POST /api/experiments (validate with ExperimentSpec). */
  experiment: Record<string, unknown>;
  /** Fields of the file that have no equivalent, with a sentence each. */
  unmapped: { field: string; why: string }[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v : undefined);

/** Why a field has no equivalent (fields not listed here get a generic sentence). */
const NO_EQUIVALENT: Record<string, string> = {
  checkpoint_interval: "runs are stored continuously in PostgreSQL; there are no checkpoints to write",
  log_level: "workers log to their own output",
  log_dir: "workers log to their own output",
  file_suffix: "the program's file name follows domain.language (or set domain.programFile)",
  diff_pattern: "QD Studio parses SEARCH/REPLACE blocks with its own (OpenEvolve-compatible) parser",
  early_stopping_patience: "a run stops at its budget (evaluations or cost); pause it from the dashboard",
  convergence_threshold: "a run stops at its budget (evaluations or cost)",
  early_stopping_metric: "a run stops at its budget (evaluations or cost)",
  max_tasks_per_child: "evaluations run in fresh processes anyway",
  "llm.evaluator_models": "LLM judging of programs is not part of the program domain (rubric descriptors are judged by the emitter's model)",
  "llm.top_p": "only temperature and max tokens are sent",
  "llm.retry_delay": "retries back off exponentially from emitter.retryBaseMs (default 1 s) and honour Retry-After",
  "llm.api_key": "keys never go into experiments: export it on the workers and name the variable in emitter.apiKeyEnv (set to OPENAI_API_KEY here)",
  "llm.reasoning_effort": "not sent by QD Studio's client",
  "llm.manual_mode": "there is no manual mode",
  "llm.max_budget_usd": "mapped to budget.costUsd",
  "prompt.template_dir": "use domain.promptTemplate (one template with {{placeholders}}) instead of a template directory",
  "prompt.evaluator_system_message": "LLM judging of programs is not part of the program domain",
  "prompt.use_template_stochasticity": "prompts are deterministic given the parent and the feedback",
  "prompt.template_variations": "prompts are deterministic given the parent and the feedback",
  "prompt.use_meta_prompting": "there is no meta-prompting",
  "prompt.meta_prompt_weight": "there is no meta-prompting",
  "prompt.programs_as_changes_description": "programs are shown as code",
  "prompt.artifact_security_filter": "artifacts are shown as the evaluator returned them, bounded by feedback.maxChars",
  "database.population_size": "MAP-Elites keeps one elite per cell: the archive's size is the number of cells",
  "database.archive_size": "MAP-Elites keeps one elite per cell: the archive's size is the number of cells",
  "database.num_islands": "there are no islands: the archive's niches keep the population diverse",
  "database.migration_interval": "there are no islands",
  "database.migration_rate": "there are no islands",
  "database.elite_selection_ratio": "parents are chosen uniformly among the archive's elites (MAP-Elites)",
  "database.exploration_ratio": "parents are chosen uniformly among the archive's elites, and each prompt names a target niche",
  "database.exploitation_ratio": "parents are chosen uniformly among the archive's elites; the best elite is always an inspiration",
  "database.diversity_metric": "diversity comes from the descriptor grid",
  "database.similarity_threshold": "there is no embedding-based novelty filter",
  "database.embedding_model": "there is no embedding-based novelty filter",
  "database.db_path": "everything is stored in QD Studio's PostgreSQL",
  "database.in_memory": "everything is stored in QD Studio's PostgreSQL",
  "database.log_prompts": "every prompt and reply is always stored with its candidate",
  "database.random_seed": "mapped to seed",
  "evaluator.max_retries": "a failed evaluation is recorded with its reason, not retried",
  "evaluator.memory_limit_mb": "resource limits come from the workers' sandbox settings",
  "evaluator.cpu_limit": "resource limits come from the workers' sandbox settings",
  "evaluator.distributed": "evaluations are always distributed over the workers",
  "evaluator.use_llm_feedback": "LLM judging of programs is not part of the program domain",
  "evaluator.llm_feedback_weight": "LLM judging of programs is not part of the program domain",
  "evaluator.max_artifact_storage": "artifacts are kept with the candidate's logs (bounded by maxLogBytes)",
  evolution_trace: "every candidate (prompt, reply, diff, metrics) is stored and exportable from the dashboard or GET /api/experiments/:id/export",
};

const MAPPED = new Set([
  "max_iterations", "random_seed", "language", "diff_based_evolution", "max_code_length",
  "llm", "llm.api_base", "llm.models", "llm.primary_model", "llm.primary_model_weight", "llm.secondary_model", "llm.secondary_model_weight",
  "llm.temperature", "llm.max_tokens", "llm.timeout", "llm.retries", "llm.system_message", "llm.name", "llm.weight",
  "prompt", "prompt.system_message", "prompt.num_top_programs", "prompt.num_diverse_programs", "prompt.include_artifacts", "prompt.max_artifact_bytes",
  "database", "database.feature_dimensions", "database.feature_bins",
  "evaluator", "evaluator.timeout", "evaluator.cascade_evaluation", "evaluator.cascade_thresholds", "evaluator.parallel_evaluations", "evaluator.enable_artifacts",
]);

const BUILT_IN_FEATURES: Record<string, { metric: string; min: number; max: (maxCode: number) => number } | null> = {
  complexity: { metric: "codeLength", min: 0, max: (m) => m },
  diversity: null,
  score: null,
};

export function importOpenEvolveConfig(yaml: string, opts: { program?: string; evaluatorFile?: string; evaluatorPath?: string; name?: string } = {}): OpenEvolveImport {
  const doc = parseYaml(yaml);
  const c: Obj = isObj(doc) ? doc : {};
  const llm: Obj = isObj(c.llm) ? c.llm : {};
  const prompt: Obj = isObj(c.prompt) ? c.prompt : {};
  const db: Obj = isObj(c.database) ? c.database : {};
  const ev: Obj = isObj(c.evaluator) ? c.evaluator : {};
  const unmapped: { field: string; why: string }[] = [];

  // Models: `models: [{ name, weight }]`, or primary/secondary.
  let models: { model: string; weight: number; baseURL?: string }[] = [];
  if (Array.isArray(llm.models)) models = llm.models.filter(isObj).flatMap((m) => (str(m.name) ? [{ model: m.name as string, weight: num(m.weight) ?? 1, ...(str(m.api_base) ? { baseURL: m.api_base as string } : {}) }] : []));
  else {
    if (str(llm.primary_model)) models.push({ model: llm.primary_model as string, weight: num(llm.primary_model_weight) ?? 1 });
    if (str(llm.secondary_model) && (num(llm.secondary_model_weight) ?? 1) > 0) models.push({ model: llm.secondary_model as string, weight: num(llm.secondary_model_weight) ?? 1 });
  }
  if (Array.isArray(llm.models) && llm.models.some((m) => isObj(m) && m.api_key))
    unmapped.push({ field: "llm.models[].api_key", why: "keys never go into experiments: export each on the workers and name it in emitter.models[].apiKeyEnv" });
  const emitter: Obj = {
    type: "llm",
    baseURL: str(llm.api_base) ?? "https://api.openai.com/v1",
    ...(models.length === 1 && !models[0]!.baseURL ? { model: models[0]!.model } : models.length >= 1 ? { models } : { model: "gpt-4.1-mini" }),
    apiKeyEnv: "OPENAI_API_KEY",
    mode: c.diff_based_evolution === false ? "full" : "diff",
    ...(num(llm.temperature) !== undefined ? { temperature: llm.temperature } : {}),
    ...(num(llm.max_tokens) !== undefined ? { maxTokens: llm.max_tokens } : {}),
    ...(num(llm.timeout) !== undefined ? { timeoutMs: Math.round((llm.timeout as number) * 1000) } : {}),
    ...(num(llm.retries) !== undefined ? { maxRetries: llm.retries } : {}),
    ...(num(prompt.num_top_programs) !== undefined || num(prompt.num_diverse_programs) !== undefined
      ? { maxInspirations: Math.min(16, (num(prompt.num_top_programs) ?? 3) + (num(prompt.num_diverse_programs) ?? 2)) }
      : {}),
    ...(num(c.max_code_length) !== undefined ? { maxGenomeChars: Math.max(100, c.max_code_length as number) } : {}),
  };
  if (!models.length) unmapped.push({ field: "llm.models", why: "no model in the file: set emitter.model (gpt-4.1-mini is a placeholder)" });

  const language = str(c.language) ?? "python";
  const thresholds = Array.isArray(ev.cascade_thresholds) ? ev.cascade_thresholds.filter((x): x is number => typeof x === "number") : undefined;
  const evaluator: Obj = {
    type: "openevolve",
    ...(opts.evaluatorFile !== undefined ? { evaluatorFile: opts.evaluatorFile } : { path: opts.evaluatorPath ?? "evaluator.py" }),
    ...(num(ev.timeout) !== undefined ? { timeoutMs: Math.round((ev.timeout as number) * 1000) } : {}),
    ...(typeof ev.cascade_evaluation === "boolean" ? { cascade: ev.cascade_evaluation } : {}),
    ...(thresholds ? { cascadeThresholds: thresholds } : {}),
    ...(num(ev.parallel_evaluations) !== undefined ? { concurrency: ev.parallel_evaluations } : {}),
  };
  const systemMessage = str(prompt.system_message) ?? str(llm.system_message);
  const artifactsOn = prompt.include_artifacts !== false && ev.enable_artifacts !== false;
  const domain: Obj = {
    type: "program",
    language,
    initialProgram: opts.program ?? "",
    evaluator,
    ...(systemMessage && systemMessage !== "system_message" ? { systemMessage } : {}),
    feedback: { artifacts: artifactsOn, ...(num(prompt.max_artifact_bytes) !== undefined ? { maxChars: Math.max(100, Math.min(100_000, prompt.max_artifact_bytes as number)) } : {}) },
  };
  if (opts.program === undefined) unmapped.push({ field: "initial program", why: "pass --program initial_program.py, or fill in domain.initialProgram" });

  // MAP-Elites features → descriptor rows. OpenEvolve scales features by the values seen; here each row needs a range.
  const maxCode = num(c.max_code_length) ?? 10_000;
  const features = Array.isArray(db.feature_dimensions) ? db.feature_dimensions.filter((x): x is string => typeof x === "string") : ["complexity", "diversity"];
  const binsOf = (f: string) => (isObj(db.feature_bins) ? num(db.feature_bins[f]) : num(db.feature_bins)) ?? 10;
  const descriptors: Obj[] = [];
  for (const f of features) {
    if (f in BUILT_IN_FEATURES) {
      const b = BUILT_IN_FEATURES[f];
      if (b) descriptors.push({ name: f, metric: b.metric, min: b.min, max: b.max(maxCode), bins: binsOf(f) });
      else unmapped.push({ field: `database.feature_dimensions: ${f}`, why: f === "diversity" ? "there is no built-in diversity feature: the descriptor grid itself keeps programs diverse (code length and your metrics are available)" : "fitness is the objective, not a descriptor" });
    } else {
      descriptors.push({ name: f, metric: f, min: 0, max: 1, bins: binsOf(f) });
      unmapped.push({ field: `database.feature_dimensions: ${f}`, why: `mapped to a descriptor reading metrics.${f}; OpenEvolve scales it by the values seen, QD Studio needs its range: check min/max (0..1 is a guess)` });
    }
  }

  // Everything set in the file that was not mapped, with a sentence.
  const visit = (o: Obj, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      const field = prefix ? `${prefix}.${k}` : k;
      if (MAPPED.has(field)) {
        if (isObj(v) && (field === "llm" || field === "prompt" || field === "database" || field === "evaluator")) visit(v, field);
        continue;
      }
      if (field === "llm.max_budget_usd") continue;
      unmapped.push({ field, why: NO_EQUIVALENT[field] ?? NO_EQUIVALENT[k] ?? "no equivalent in QD Studio" });
    }
  };
  visit(c, "");

  const budgetUsd = num(llm.max_budget_usd);
  const experiment: Obj = {
    name: opts.name ?? "Imported from OpenEvolve",
    domain,
    ...(descriptors.length ? { descriptors } : {}),
    emitter,
    batchSize: Math.max(1, Math.min(16, num(ev.parallel_evaluations) ?? 2)),
    budget: { evaluations: num(c.max_iterations) ?? 10_000, ...(budgetUsd ? { costUsd: budgetUsd } : {}) },
    ...(num(c.random_seed) !== undefined ? { seed: c.random_seed } : {}),
  };
  return { experiment, unmapped };
}
