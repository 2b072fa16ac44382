import { z } from "zod";
import { getDomain } from "@/lib/qd";
import { costIssues } from "./limits";
import { ProgramDomainConfig } from "@/lib/evaluators/program-schema";
import { kindUnion } from "@/lib/registry/kind";
import { SchedulerConfig, schedulerKindOf } from "@/lib/registry/schedulers";
import { BANDIT_MEMBER_TYPES, ExtraEmittersConfig, MAX_POOL, poolGroups } from "@/lib/registry/schedulers/bandit-pool";
import { ARCHIVES, ArchiveConfig as RegistryArchiveConfig, type ArchiveKind } from "@/lib/registry/archives";
import { AnyEmitterConfig, EMITTERS, VectorEmitterConfig, type EmitterKind } from "@/lib/registry/emitters";
import { gaussian } from "@/lib/registry/emitters/gaussian";
import { isoLine } from "@/lib/registry/emitters/iso-line";
import { cmaMe } from "@/lib/registry/emitters/cma-me";
import { cmaMae } from "@/lib/registry/emitters/cma-mae";
import { gradientArborescence } from "@/lib/registry/emitters/gradient-arborescence";
import { llm } from "@/lib/registry/emitters/llm";
import { javascriptMutation } from "@/lib/registry/emitters/javascript-mutation";
import { TASK_CATALOG } from "@/lib/tasks/catalog";
import { AnyDomainConfig, BuiltInDomainConfig, domainTypes, findDomainKind } from "@/lib/registry/domains";
import { external } from "@/lib/registry/domains/external";
import { command } from "@/lib/registry/domains/command";
import { webhook } from "@/lib/registry/domains/webhook";
import { javascript } from "@/lib/registry/domains/javascript";
import { llmCode } from "@/lib/registry/domains/llm-code";
import { llmText } from "@/lib/registry/domains/llm-text";

/**
 * The experiment configuration: one schema shared by the REST API, the form
 * and the workers, so a request is validated once with messages that say
 * what is wrong and where.
 */

const finite = (label: string) =>
  z.number({ error: (iss) => (iss.input === undefined ? `${label} is required` : typeof iss.input === "number" ? `${label} must be finite` : `${label} must be a number`) }).finite(`${label} must be finite`);
/** Upper bound of `evaluation.concurrency` (the form and the API say the same). */
export const MAX_EVALUATION_CONCURRENCY = 256;

const positiveInt = (label: string, max: number) =>
  z.number({ error: `${label} must be a number` }).int(`${label} must be a whole number`).min(1, `${label} must be at least 1`).max(max, `${label} must be at most ${max.toLocaleString("en-US")}`);

/**
 * Domains come from the registry (lib/registry/domains): each kind's module owns its zod config,
 * defaults and messages; the unions and their "must be one of" messages derive from it.
 */
/** The built-in benchmark domains (evaluated by the workers in bulk). */
export const DomainConfig = BuiltInDomainConfig;
export type DomainConfig = z.infer<typeof DomainConfig>;

export const DescriptorConfig = z
  .object({
    name: z.string().trim().min(1, "name must not be empty").max(100),
    /** User evaluators: read the value from this key of the evaluator's `metrics` (else from its `descriptors` array). */
    metric: z.string().trim().min(1, "metric must not be empty").max(100).optional(),
    /** LLM-judged (llm-text, llm-code): what the ends of the range mean, e.g. "0 = melancholic … 1 = joyful". */
    rubric: z.string().trim().min(1, "rubric must not be empty").max(2000, "rubric must be at most 2,000 characters").optional(),
    /**
     * "auto": the bounds follow the values seen so far (the first values set them; a value outside grows
     * them and re-bins the archive, elites never lost). min/max are then only shown until the first value.
     */
    range: z.literal("auto", { error: 'range must be "auto" (or leave it out and give min and max)' }).optional(),
    min: finite("min").optional(),
    max: finite("max").optional(),
    bins: positiveInt("bins", 100_000),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.range === "auto") return;
    if (d.min === undefined) ctx.addIssue({ code: "custom", path: ["min"], message: 'min is required (or set "range": "auto")' });
    if (d.max === undefined) ctx.addIssue({ code: "custom", path: ["max"], message: 'max is required (or set "range": "auto")' });
  })
  .transform(({ min, max, ...d }) => ({ ...d, min: min ?? 0, max: max ?? (min ?? 0) + 1 }))
  .refine((d) => d.max > d.min, { message: "max must be greater than min", path: ["max"] })
  .refine((d) => !(d.metric && d.rubric), { message: "give either metric or rubric, not both", path: ["rubric"] });
export type DescriptorConfig = z.infer<typeof DescriptorConfig>;

/**
 * Archives come from the registry (lib/registry/archives): grid and CVT keep one elite per cell;
 * proximity, density and discount steer the search, and a grid of the descriptors keeps the elites.
 */
export const ArchiveConfig = RegistryArchiveConfig;
export type ArchiveConfig = z.infer<typeof ArchiveConfig>;

/**
 * Emitters come from the registry (lib/registry/emitters): each kind's module owns its zod config,
 * defaults and messages; the unions below and their "must be one of" messages derive from it.
 */
/** Mutation emitters (Gaussian, Iso+LineDD): stateless numbered jobs. */
export const EmitterConfig = kindUnion("emitter", [gaussian, isoLine]);
export type EmitterConfig = z.infer<typeof EmitterConfig>;

export const CmaMeEmitterConfig = cmaMe.schema;
export const CmaMaeEmitterConfig = cmaMae.schema;
/**
 * CMA-ME and CMA-MAE (pyribs EvolutionStrategyEmitter with CMA-ES): `count` emitters, each with its own
 * CMA-ES; the experiment's `batchSize` is the solutions per emitter per iteration (pyribs: 36). In a run,
 * emitter e owns jobs e, e + count, e + 2·count, …, one in flight at a time, and its state lives in
 * PostgreSQL between jobs. Built-in domains only.
 */
export type CmaEmitterConfig = z.infer<typeof CmaMeEmitterConfig> | z.infer<typeof CmaMaeEmitterConfig>;
export const isCmaEmitter = (e: { type: string }): e is CmaEmitterConfig => e.type === "cma-me" || e.type === "cma-mae";
/** CMA-MEGA / CMA-MAEGA: CMA-ES over gradient coefficients, run as emitter chains like CMA-ME. */
export type ArborescenceEmitterConfig = z.infer<typeof gradientArborescence.schema>;
/** Emitter kinds whose jobs continue one of `count` stored emitter states (lib/experiments/cma.ts). */
export type ChainEmitterConfig = CmaEmitterConfig | ArborescenceEmitterConfig;
export const isChainEmitter = (e: { type: string }): e is ChainEmitterConfig => isCmaEmitter(e) || e.type === "gradient-arborescence";

/** Emitters of built-in (worker-evaluated) domains. */
export const BuiltInEmitterConfig = VectorEmitterConfig;

/** Vector genomes evaluated by the client over ask/tell. */
export const ExternalDomainConfig = external.schema;
export type ExternalDomainConfig = z.infer<typeof ExternalDomainConfig>;

/**
 * Genomes scored by the user's own evaluator, run by the workers: a command in any language, an HTTP
 * webhook, or sandboxed JavaScript. The evaluator returns `{ fitness, descriptors?, metrics? }`;
 * descriptors come from its `descriptors` array (in descriptor-row order) or from a named metric.
 */
export const CommandDomainConfig = command.schema;
export const WebhookDomainConfig = webhook.schema;
export const JavaScriptDomainConfig = javascript.schema;

/** Programs evolved by the LLM operator for a shipped task, scored in the sandbox (lib/tasks). */
export const LlmCodeDomainConfig = llmCode.schema;
export type LlmCodeDomainConfig = z.infer<typeof LlmCodeDomainConfig>;

/** QDAIF-style text evolution: quality and descriptors judged by the model from the user's rubrics. */
export const LlmTextDomainConfig = llmText.schema;
export type LlmTextDomainConfig = z.infer<typeof LlmTextDomainConfig>;
export { ProgramDomainConfig };
export type { ProgramDomainConfigInput } from "@/lib/evaluators/program-schema";

/** The program domain without descriptor rows: code length, up to four times the initial program's. */
export function defaultProgramDescriptors(d: { initialProgram: string }): DescriptorConfig[] {
  const max = Math.max(2000, Math.ceil((d.initialProgram.length * 4) / 1000) * 1000);
  return [{ name: "code length", metric: "codeLength", min: 0, max, bins: 10 }];
}

/** Domain types scored by the user's evaluator on the workers. */
export const USER_EVALUATED: readonly string[] = domainTypes("user");
export type UserEvaluatedDomainConfig = z.infer<typeof CommandDomainConfig> | z.infer<typeof WebhookDomainConfig> | z.infer<typeof JavaScriptDomainConfig>;

/** Every domain type an experiment may have (built-in ones are evaluated by workers). */
export { AnyDomainConfig };

/** The LLM rewrites programs or texts (llm-code, llm-text, or text genomes of a user evaluator). The API key stays in the worker's environment (`apiKeyEnv`). */
export const LlmEmitterConfig = llm.schema;
export type LlmEmitterConfig = z.infer<typeof LlmEmitterConfig>;
/** The user's mutation for JSON genomes, `function mutate(parent, rng)`, run in the sandbox. */
export const JavaScriptMutationEmitterConfig = javascriptMutation.schema;
export type JavaScriptMutationEmitterConfig = z.infer<typeof JavaScriptMutationEmitterConfig>;

/** Every emitter an experiment may have. */
export { AnyEmitterConfig };

/**
 * Islands (OpenEvolve / ShinkaEvolve's island model): `count` separate archives in one experiment. Job k
 * works on island k mod (islands now); every `migrationInterval` evaluations the best `migrants` elites of
 * each island are offered to its neighbours (`ring`: the next island; `all`: every other one) and kept by
 * the normal elite rule. `spawnOnStagnation`: a new island when the best fitness has not risen for that many
 * evaluations (seeded with the initial programs, or with the best elite). The experiment's archive and
 * metrics are the union (best per cell over all islands).
 */
export const IslandsConfig = z
  .object(
    {
      count: positiveInt("islands.count", 64),
      migrationInterval: positiveInt("islands.migrationInterval", 2_000_000_000),
      migrants: positiveInt("islands.migrants", 10_000).default(1),
      topology: z.enum(["ring", "all"], { error: 'islands.topology must be "ring" or "all"' }).default("ring"),
      spawnOnStagnation: z
        .object(
          {
            evaluations: positiveInt("islands.spawnOnStagnation.evaluations", 2_000_000_000),
            /** Default: twice `count` (at most 64). */
            maxIslands: positiveInt("islands.spawnOnStagnation.maxIslands", 64).optional(),
            seedWith: z.enum(["initial", "best"], { error: 'islands.spawnOnStagnation.seedWith must be "initial" or "best"' }).default("initial"),
          },
          { error: (iss) => (iss.code === "invalid_type" ? "islands.spawnOnStagnation must be { evaluations, maxIslands?, seedWith? }" : undefined) },
        )
        .strict()
        .optional(),
    },
    // Only for a non-object: unknown keys keep zod's message, which names them.
    { error: (iss) => (iss.code === "invalid_type" ? "islands must be { count, migrationInterval, migrants?, topology?, spawnOnStagnation? }" : undefined) },
  )
  .strict()
  .refine((i) => i.spawnOnStagnation?.maxIslands === undefined || i.spawnOnStagnation.maxIslands >= i.count, {
    message: "islands.spawnOnStagnation.maxIslands must be at least islands.count",
    path: ["spawnOnStagnation", "maxIslands"],
  });
export type IslandsConfig = z.infer<typeof IslandsConfig>;

const configShape = {
  name: z.string({ error: "name is required" }).trim().min(1, "name must not be empty").max(200, "name must be at most 200 characters"),
  notes: z.string({ error: "notes must be a string" }).max(10_000, "notes must be at most 10,000 characters").default(""),
  domain: DomainConfig,
  descriptors: z.array(DescriptorConfig, { error: "descriptors must be an array" }).min(1, "give at least one descriptor").max(8, "at most 8 descriptors").optional(),
  archive: ArchiveConfig.default({ type: "grid" }),
  emitter: BuiltInEmitterConfig.default({ type: "iso-line", isoSigma: 0.01, lineSigma: 0.2 }),
  batchSize: positiveInt("batchSize", 100_000).default(100),
  budget: z
    .object(
      {
        evaluations: positiveInt("budget.evaluations", 2_000_000_000),
        costUsd: z.number({ error: "budget.costUsd must be a number" }).positive("budget.costUsd must be positive").optional(),
      },
      { error: "budget is required: { evaluations }" },
    )
    .strict(),
  seed: z.number({ error: "seed must be a number" }).int("seed must be a whole number").min(0, "seed must be >= 0").max(2 ** 31 - 1, "seed must be < 2^31").default(0),
  /** Batches in flight at once (steady-state MAP-Elites). */
  maxInFlight: positiveInt("maxInFlight", 1000).default(4),
  /** MAP-Elites iterations per job: amortises queue and database cost for cheap domains. */
  iterationsPerJob: positiveInt("iterationsPerJob", 10_000).optional(),
  /** Store every evaluated candidate, not only those that became elites. */
  keepAllSolutions: z.boolean({ error: "keepAllSolutions must be true or false" }).default(false),
  /** How a job's candidates are scored by the user's evaluator (see evaluationConcurrency). */
  evaluation: z
    .object(
      {
        /** Candidates of one job evaluated at once; each worker also caps its total (QD_EVALUATION_SLOTS). */
        concurrency: positiveInt("evaluation.concurrency", MAX_EVALUATION_CONCURRENCY).optional(),
        /**
         * Noisy evaluators: a candidate that would become an elite is evaluated this many more times;
         * its fitness is the mean, and the spread (max − min) is stored (see lib/experiments/reevaluation.ts).
         */
        reevaluate: z.number({ error: "evaluation.reevaluate must be a number" }).int("evaluation.reevaluate must be a whole number").min(1, "evaluation.reevaluate must be at least 1").max(20, "evaluation.reevaluate must be at most 20").optional(),
        /** An elite is "verified" when the spread of its evaluations is at most this (default: 1% of |mean fitness|). */
        tolerance: z.number({ error: "evaluation.tolerance must be a number" }).finite("evaluation.tolerance must be finite").nonnegative("evaluation.tolerance must be >= 0").optional(),
      },
      { error: "evaluation must be an object like { concurrency: 16, reevaluate: 3 }" },
    )
    .strict()
    .optional(),
  islands: IslandsConfig.optional(),
  /** How emitters share iterations (lib/registry/schedulers); absent = every emitter every iteration. */
  scheduler: SchedulerConfig.optional(),
  /**
   * The bandit scheduler's mixed pool (pyribs ME-MAP-Elites): groups after `emitter`, each `count`
   * emitters of one kind (cma-me, cma-mae, iso-line, gaussian); `batchSize` is per emitter.
   */
  extraEmitters: ExtraEmittersConfig.optional(),
};

type SpecLike = { domain: AnyDomainConfig; descriptors?: DescriptorConfig[]; archive: ArchiveConfig; emitter: { type: string }; islands?: IslandsConfig };

/** Domain, emitter and descriptor rows must agree on what a genome is and who judges it. */
function checkGenome(c: SpecLike, ctx: z.RefinementCtx) {
  const emitter = c.emitter.type;
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const llmDomain = c.domain.type === "llm-code" || c.domain.type === "llm-text" || c.domain.type === "program";
  if (llmDomain && emitter !== "llm") issue(["emitter", "type"], `domain "${c.domain.type}" is evolved by the LLM operator: set emitter.type to "llm"`);
  const userEvaluated = isUserEvaluated(c);
  if (!llmDomain && !userEvaluated && (emitter === "llm" || emitter === "javascript-mutation")) {
    issue(["emitter", "type"], `emitter "${emitter}" needs a domain with code, text or JSON genomes ("llm-code", "llm-text", or a command/webhook/javascript evaluator with seeds)`);
  }
  if (userEvaluated) {
    const d = c.domain as UserEvaluatedDomainConfig;
    if (emitter === "llm" || emitter === "javascript-mutation") {
      if (!d.seeds) issue(["domain", "seeds"], `emitter "${emitter}" evolves ${emitter === "llm" ? "texts" : "JSON genomes"}: give the starting population in domain.seeds`);
      if (d.dim !== undefined || d.bounds !== undefined) issue(["domain", "dim"], `domain.dim and domain.bounds are for vector genomes; emitter "${emitter}" evolves domain.seeds`);
      if (emitter === "llm") {
        d.seeds?.forEach((s, i) => typeof s !== "string" && issue(["domain", "seeds", i], "the llm emitter evolves texts: each seed must be a string"));
        if (!d.description) issue(["domain", "description"], "the llm emitter needs domain.description: what the program or text must do");
      }
    } else {
      if (d.dim === undefined) issue(["domain", "dim"], `domain.dim is required for vector genomes (emitter "${emitter}")`);
      if (d.bounds === undefined) issue(["domain", "bounds"], `domain.bounds is required for vector genomes (emitter "${emitter}")`);
      if (d.seeds) issue(["domain", "seeds"], `domain.seeds are for JSON or text genomes (emitters "javascript-mutation", "llm")`);
    }
  }
  c.descriptors?.forEach((d, i) => {
    if (d.range === "auto") {
      if (c.archive.type !== "grid") issue(["descriptors", i, "range"], 'range "auto" needs a grid archive (CVT centroids are fixed at the start)');
      else if (c.islands) issue(["descriptors", i, "range"], 'range "auto" is not supported with islands yet');
      else if (!runsInStages(c)) issue(["descriptors", i, "range"], `range "auto" is for experiments scored by an evaluator or an LLM (command, webhook, javascript, program, llm-code, llm-text); domain "${c.domain.type}" has known ranges`);
    }
    if (d.rubric && emitter !== "llm") issue(["descriptors", i, "rubric"], "LLM-judged descriptors (rubric) need the llm emitter");
    if (c.domain.type === "llm-text" && !d.rubric) issue(["descriptors", i, "rubric"], `descriptor "${d.name}" of an llm-text experiment needs a rubric for the judge, e.g. "0 = melancholic … 1 = joyful"`);
    if (c.domain.type === "llm-code" && d.metric) {
      const task = TASK_CATALOG[c.domain.task]!;
      if (!task.metrics.some((m) => m.name === d.metric)) {
        issue(["descriptors", i, "metric"], `task "${task.name}" reports the metrics ${task.metrics.map((m) => `"${m.name}"`).join(", ")}; got "${d.metric}"`);
      }
    }
    if (c.domain.type === "llm-code" && !d.metric && !d.rubric) issue(["descriptors", i], `descriptor "${d.name}": name a metric of the task's evaluator or give a rubric for the LLM judge`);
  });
}

/** What the emitter's registered kind needs from the experiment (lib/registry/emitters). */
function checkEmitterKind(c: { domain: { type: string }; emitter: { type: string }; batchSize: number }, ctx: z.RefinementCtx) {
  const kind = EMITTERS.find((k) => k.type === c.emitter.type);
  if (!kind) return; // the union already said which types exist
  const issue = (path: string[], message: string) => ctx.addIssue({ code: "custom", path, message });
  if (kind.distributed === "in-process") return issue(["emitter", "type"], kind.inProcessReason ?? `emitter "${kind.type}" runs in the engine only`);
  if (kind.builtInDomainsOnly && !hasBuiltInMeasures(c.domain)) {
    issue(["emitter", "type"], `emitter "${kind.type}" runs on the built-in domains ("sphere", "rastrigin", "arm"); domain "${c.domain.type}" is not supported with it`);
  } else if (kind.needsGradients && !domainHasGradients(c.domain)) {
    const withGradients = DomainConfig.options.map((o) => o.shape.type.value).filter((t) => domainHasGradients({ type: t }));
    issue(["emitter", "type"], `emitter "${kind.type}" needs analytic gradients of the objective and measures; domain "${c.domain.type}" has none (use ${withGradients.map((t) => `"${t}"`).join(", ")})`);
  }
  if (isChainEmitter(c.emitter) && c.batchSize < 2) issue(["batchSize"], `batchSize is the solutions per ${c.emitter.type} emitter per iteration (pyribs: 36): CMA-ES needs at least 2`);
  const e = c.emitter as { type: string; learningRate?: number; thresholdMin?: number };
  if (e.type === "gradient-arborescence" && e.thresholdMin !== undefined && e.learningRate === undefined) {
    issue(["emitter", "thresholdMin"], "emitter.thresholdMin is for CMA-MAEGA: set emitter.learningRate too");
  }
}

/**
 * The bandit chooses among the pool's emitter chains: `emitter` (its `count`) and the `extraEmitters` groups,
 * each a non-DQD kind on a built-in domain, at least `numActive` of them.
 */
function checkBandit(c: SpecLike & { batchSize: number; extraEmitters?: { type: string; count?: number }[] }, s: { type: string; numActive?: number }, ctx: z.RefinementCtx) {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  // The pool starts with the emitter's CMA chains (pyribs' me_map_elites: 15 CMA-ME obj); extraEmitters adds the other groups.
  if (!isCmaEmitter(c.emitter)) {
    const why = c.emitter.type === "gradient-arborescence" ? " (pyribs' bandit scheduler does not run DQD emitters)" : "";
    return issue(["scheduler", "type"], `scheduler "${s.type}" chooses among CMA emitter chains: use emitter "cma-me" or "cma-mae" (its count is the pool's first group; extraEmitters adds ${BANDIT_MEMBER_TYPES.filter((t) => t !== "cma-mae").map((t) => `"${t}"`).join(", ")} groups); got "${c.emitter.type}"${why}`);
  }
  if (!hasBuiltInMeasures(c.domain)) return issue(["scheduler", "type"], `scheduler "${s.type}" runs on the built-in domains ("sphere", "rastrigin", "arm"); domain "${c.domain.type}" is not supported with it`);
  const groups = poolGroups(c);
  const extras = c.extraEmitters ?? [];
  // One learning archive per run: CMA-MAE thresholds move with every insertion, which a mixed pool's other kinds would not do.
  if (extras.length) {
    [c.emitter, ...extras].forEach((e, i) => {
      if (e.type === "cma-mae") issue(i === 0 ? ["emitter", "type"] : ["extraEmitters", i - 1, "type"], 'a mixed bandit pool runs on an elitist archive: use "cma-me" (CMA-MAE pools are one group: emitter "cma-mae" with its count, no extraEmitters)');
    });
  }
  if (c.batchSize < 2 && groups.some((g) => g.emitter.type === "cma-me" || g.emitter.type === "cma-mae")) issue(["batchSize"], "batchSize is the solutions per pool emitter per iteration (pyribs: 36): CMA-ES needs at least 2");
  const pool = groups.reduce((n, g) => n + g.count, 0);
  if (pool > MAX_POOL) issue(["extraEmitters"], `the bandit pool holds ${pool.toLocaleString("en-US")} emitters (emitter.count plus every extraEmitters count); at most ${MAX_POOL.toLocaleString("en-US")}`);
  if (s.numActive !== undefined && s.numActive > pool) {
    issue(
      ["scheduler", "numActive"],
      extras.length
        ? `scheduler.numActive (${s.numActive}) must be at most the pool size (${pool}: emitter.count plus the extraEmitters counts), the emitters it chooses from`
        : `scheduler.numActive (${s.numActive}) must be at most emitter.count (${pool}), the pool it chooses from`,
    );
  }
}

function domainHasGradients(domain: { type: string }): boolean {
  if (!hasBuiltInMeasures(domain)) return false;
  try {
    return !!getDomain({ type: domain.type, dim: 2 } as DomainConfig).evaluateWithGradients;
  } catch {
    return false;
  }
}

/**
 * What the archive's registered kind needs from the experiment (lib/registry/archives). Search
 * archives run as pyribs runs them: CMA-ME emitter chains on a built-in domain, one archive.
 */
function checkArchiveKind(c: SpecLike & { scheduler?: { type: string } }, ctx: z.RefinementCtx) {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const emitter = c.emitter as { type: string; ranker?: string };
  const kind = (ARCHIVES as readonly ArchiveKind[]).find((k) => k.type === c.archive.type);
  const searchRankers = ARCHIVES.flatMap((k: ArchiveKind) => k.rankers ?? []);
  if (!kind || kind.distributed === "cells") {
    if (emitter.ranker && searchRankers.includes(emitter.ranker)) {
      const owners = ARCHIVES.filter((k: ArchiveKind) => k.rankers?.includes(emitter.ranker!)).map((k) => `"${k.type}"`);
      issue(["emitter", "ranker"], `ranker "${emitter.ranker}" needs a ${owners.join(" or ")} archive; a ${c.archive.type} archive reports improvement (rankers "imp", "2imp", "obj", "2obj", "rd", "2rd")`);
    }
    return;
  }
  if (kind.distributed === "in-process") return issue(["archive", "type"], kind.inProcessReason ?? `archive "${kind.type}" runs in the engine only`);
  if (!hasBuiltInMeasures(c.domain)) issue(["archive", "type"], `archive "${kind.type}" runs on the built-in domains ("sphere", "rastrigin", "arm"); domain "${c.domain.type}" is not supported with it`);
  if (emitter.type !== "cma-me") issue(["emitter", "type"], `archive "${kind.type}" runs with the "cma-me" emitter (rankers ${[...(kind.rankers ?? []), "imp", "2imp"].map((r) => `"${r}"`).join(", ")}); got "${emitter.type}"`);
  if (c.islands) issue(["islands"], `islands are not supported with archive "${kind.type}" (one search archive per run)`);
  if (c.scheduler && c.scheduler.type !== "default") issue(["scheduler", "type"], `archive "${kind.type}" runs with the default scheduler`);
  for (const i of kind.check?.(c.archive, { emitter }) ?? []) issue(i.path, i.message);
}

/** Islands split the archive between the workers' numbered jobs: CMA chains and ask/tell runs have no such jobs. */
function checkIslands(c: SpecLike & { islands?: IslandsConfig }, ctx: z.RefinementCtx) {
  if (!c.islands) return;
  if ((c as { scheduler?: { type: string } }).scheduler?.type === "bandit") return ctx.addIssue({ code: "custom", path: ["islands"], message: "islands are not supported with the bandit scheduler (its emitters already run separate chains)" });
  if (isChainEmitter(c.emitter)) ctx.addIssue({ code: "custom", path: ["islands"], message: `islands are not supported with emitter "${c.emitter.type}" (its emitters already run separate chains)` });
  if (c.domain.type === "external") ctx.addIssue({ code: "custom", path: ["islands"], message: 'islands need jobs run by the workers; an ask/tell ("external") run has one archive' });
}

function checkConfig(c: SpecLike, ctx: z.RefinementCtx) {
  let descriptors: DescriptorConfig[];
  checkGenome(c, ctx);
  if ((c as { evaluation?: { concurrency?: number } }).evaluation?.concurrency !== undefined && !runsInStages(c)) {
    ctx.addIssue({ code: "custom", path: ["evaluation", "concurrency"], message: `evaluation.concurrency is for experiments scored by an evaluator (command, webhook, javascript, program, llm-code, llm-text); domain "${c.domain.type}" is evaluated in bulk by the worker` });
  }
  const evaluation = (c as { evaluation?: { reevaluate?: number; tolerance?: number } }).evaluation;
  if (evaluation?.reevaluate !== undefined && (!runsInStages(c) || c.domain.type === "llm-text")) {
    ctx.addIssue({ code: "custom", path: ["evaluation", "reevaluate"], message: `evaluation.reevaluate is for experiments scored by an evaluator (command, webhook, javascript, program, llm-code); domain "${c.domain.type}" has none to run again` });
  }
  if (evaluation?.tolerance !== undefined && evaluation.reevaluate === undefined) {
    ctx.addIssue({ code: "custom", path: ["evaluation", "tolerance"], message: "evaluation.tolerance says when re-evaluations agree: set evaluation.reevaluate too" });
  }
  checkEmitterKind(c as SpecLike & { batchSize: number }, ctx);
  const scheduler = (c as { scheduler?: { type: string } }).scheduler;
  const schedulerKind = scheduler && schedulerKindOf(scheduler);
  if (schedulerKind?.distributed === "in-process") ctx.addIssue({ code: "custom", path: ["scheduler", "type"], message: schedulerKind.inProcessReason ?? `scheduler "${schedulerKind.type}" runs in the engine only` });
  if (schedulerKind?.distributed === "chains") checkBandit(c as SpecLike & { batchSize: number }, scheduler as { type: string; numActive?: number }, ctx);
  if ((c as { extraEmitters?: unknown[] }).extraEmitters && schedulerKind?.distributed !== "chains") {
    ctx.addIssue({ code: "custom", path: ["extraEmitters"], message: 'extraEmitters make the bandit scheduler\'s mixed pool: set "scheduler": { "type": "bandit", "numActive": N }' });
  }
  checkIslands(c, ctx);
  checkArchiveKind(c, ctx);
  if (!hasBuiltInMeasures(c.domain)) {
    if (!c.descriptors && c.domain.type === "llm-code") {
      descriptors = TASK_CATALOG[c.domain.task]!.defaultDescriptors;
    } else if (!c.descriptors && c.domain.type === "program") {
      descriptors = defaultProgramDescriptors(c.domain);
    } else if (!c.descriptors) {
      ctx.addIssue({ code: "custom", path: ["descriptors"], message: `domain "${c.domain.type}" has no built-in measures: descriptors are required` });
      return;
    } else descriptors = c.descriptors;
  } else {
    let builtin: DescriptorConfig[];
    if (c.descriptors?.some((d) => d.metric)) {
      ctx.addIssue({ code: "custom", path: ["descriptors"], message: `descriptors of domain "${c.domain.type}" come from its built-in measures; "metric" is for user evaluators` });
    }
    try {
      builtin = getDomain(c.domain as DomainConfig).descriptors;
    } catch {
      return; // the domain itself is invalid: its own issues say why
    }
    if (c.descriptors && c.descriptors.length !== builtin.length) {
      ctx.addIssue({ code: "custom", path: ["descriptors"], message: `domain "${c.domain.type}" produces ${builtin.length} descriptors; got ${c.descriptors.length}` });
    }
    descriptors = c.descriptors ?? builtin;
  }
  const cells = c.archive.type === "cvt" ? c.archive.cells : descriptors.reduce((n, d) => n * d.bins, 1);
  if (cells > 1_000_000) ctx.addIssue({ code: "custom", path: [c.archive.type === "cvt" ? "archive" : "descriptors"], message: `the archive would have ${cells.toLocaleString("en-US")} cells; at most 1,000,000` });
  else for (const i of costIssues({ ...(c as SpecLike & { batchSize: number }), cells })) ctx.addIssue({ code: "custom", ...i });
}

/** Configuration of experiments evaluated by workers (built-in domains). */
export const ExperimentConfig = z.object(configShape).strict().superRefine(checkConfig);

/** Any experiment's configuration, as stored and as accepted by the REST API (adds the `external` domain). */
export const ExperimentSpec = z
  .object({ ...configShape, domain: AnyDomainConfig, emitter: AnyEmitterConfig.default({ type: "iso-line", isoSigma: 0.01, lineSigma: 0.2 }) })
  .strict()
  .superRefine(checkConfig);
export type ExperimentSpecInput = z.input<typeof ExperimentSpec>;
export type ExperimentSpec = z.infer<typeof ExperimentSpec>;

/** Built-in benchmark domains compute their own measures; the others need descriptor rows. */
export function hasBuiltInMeasures(domain: { type: string }): boolean {
  return findDomainKind(domain)?.evaluation === "built-in";
}

export const isUserEvaluated = (c: { domain: { type: string } }): c is ExperimentSpec & { domain: UserEvaluatedDomainConfig } => findDomainKind(c.domain)?.evaluation === "user";

export const isExternal = (c: { domain: { type: string } }): c is ExperimentSpec & { domain: ExternalDomainConfig } => c.domain.type === "external";

export type ExperimentConfigInput = z.input<typeof ExperimentConfig>;
export type ExperimentConfig = z.infer<typeof ExperimentConfig>;

/** Descriptors in effect: the user's, or the domain's defaults. */
export function effectiveDescriptors(config: ExperimentConfig | ExperimentSpec): DescriptorConfig[] {
  if (config.descriptors) return config.descriptors;
  if (config.domain.type === "llm-code") return TASK_CATALOG[config.domain.task]!.defaultDescriptors.map((d) => ({ ...d }));
  if (config.domain.type === "program") return defaultProgramDescriptors(config.domain);
  if (!hasBuiltInMeasures(config.domain)) throw new Error(`domain "${config.domain.type}" needs descriptors`);
  return getDomain(config.domain as DomainConfig).descriptors.map((d) => ({ ...d }));
}

export function cellCount(config: ExperimentConfig | ExperimentSpec): number {
  return config.archive.type === "cvt" ? config.archive.cells : effectiveDescriptors(config).reduce((n, d) => n * d.bins, 1);
}

/**
 * Iterations per job: enough evaluations per job (up to ~8,000) to amortise a job's fixed cost
 * (queue, load, the commit's round trips: ~10-15 ms on a quiet 2-core machine since plain batches
 * commit through node-postgres directly, docs/scaling.md) for cheap numeric domains, but at least ~100
 * jobs per run, so the parents a job sees are never more than a few jobs stale: what a job's generation
 * cannot see is the other workers' uncommitted jobs (sphere-100 with 2 workers, normalized QD-score
 * vs in-process: ~2.4% lower at 37 iterations of 540, −1.8 to −3.05% at 19, −1.2 to −2.5% at 15).
 */
export function iterationsPerJob(config: ExperimentConfig | ExperimentSpec): number {
  if (config.iterationsPerJob) return config.iterationsPerJob;
  const chains = emitterChains(config);
  if (chains) return cmaIterationsPerJob(chains, stepEvaluations(config), config.budget.evaluations);
  if (!hasBuiltInMeasures(config.domain)) return 1; // slow evaluators: one batch per job
  const byCost = Math.round(8_000 / config.batchSize);
  const byFreshness = Math.floor(config.budget.evaluations / (100 * config.batchSize));
  return Math.max(1, Math.min(byCost, byFreshness));
}

/**
 * CMA runs: a job is that many ask/tell steps of one emitter, which sees the other emitters' progress
 * only between its jobs. About 2,000 evaluations per job (a 100-D emitter state is ~200 KB to
 * load and store), and at least ~20 jobs per emitter.
 */
function cmaIterationsPerJob(count: number, batchSize: number, budget: number): number {
  const byCost = Math.round(2000 / batchSize);
  const byFreshness = Math.floor(budget / (20 * count * batchSize));
  return Math.max(1, Math.min(byCost, byFreshness));
}

type ChainsLike = { emitter: { type: string }; scheduler?: { type: string }; extraEmitters?: readonly { type: string; count?: number }[] };

/**
 * Emitter-chain runs (CMA, CMA-MEGA, bandit pools): the number of job slots (job k belongs to slot k mod slots),
 * one job in flight per slot; 0 for other runs. Without a bandit a slot is an emitter chain; with the bandit
 * scheduler there are `numActive` slots, each running the chain (pool member) the bandit gave it.
 */
export function emitterChains(config: ChainsLike): number {
  const bandit = banditOf(config);
  if (bandit) return bandit.numActive;
  const kind = EMITTERS.find((k) => k.type === config.emitter.type) as EmitterKind | undefined;
  if (kind?.distributed !== "chains" || !kind.chains) return 0;
  return kind.chains(config.emitter);
}

/** The bandit scheduler of a run over its pool (`emitter` then `extraEmitters`; null: no bandit). */
export function banditOf(config: ChainsLike): { numActive: number; reselect: "terminated" | "all"; zeta: number; pool: number } | null {
  const s = config.scheduler as { type: string; numActive?: number; reselect?: "terminated" | "all"; zeta?: number } | undefined;
  if (s?.type !== "bandit" || !isCmaEmitter(config.emitter)) return null;
  return { numActive: s.numActive ?? 12, reselect: s.reselect ?? "terminated", zeta: s.zeta ?? 0.05, pool: poolGroups(config).reduce((n, g) => n + g.count, 0) };
}

/** Evaluations of one ask/tell step of one emitter: batchSize, plus CMA-MEGA's gradient phase. */
export function stepEvaluations(config: { emitter: { type: string }; batchSize: number }): number {
  const kind = EMITTERS.find((k) => k.type === config.emitter.type) as EmitterKind | undefined;
  return kind?.stepEvaluations ? kind.stepEvaluations(config.emitter, config.batchSize) : config.batchSize;
}

/** Jobs in flight at once: one per emitter chain (or bandit slot) for CMA runs, else `maxInFlight`. */
export function jobsInFlight(config: ChainsLike & { maxInFlight: number }): number {
  return emitterChains(config) || config.maxInFlight;
}

/** Evaluations carried by job k (the last one is shorter so the total is exactly the budget). */
export function jobPlan(config: ExperimentConfig | ExperimentSpec) {
  // Chain jobs end on a whole step (CMA-MEGA's steps are 1 + batchSize), so a job never stops mid-iteration.
  const perJob = (emitterChains(config) ? stepEvaluations(config) : config.batchSize) * iterationsPerJob(config);
  const total = Math.ceil(config.budget.evaluations / perJob);
  return {
    perJob,
    totalJobs: total,
    sizeOf: (k: number) => Math.min(perJob, config.budget.evaluations - k * perJob),
  };
}

/** The genome space of vector experiments: length, box, starting point, QD-score offset. */
export function vectorSpace(config: ExperimentConfig | ExperimentSpec) {
  if (hasBuiltInMeasures(config.domain)) {
    const d = getDomain(config.domain as DomainConfig);
    return { dim: d.dim, bounds: d.bounds, x0: d.x0, coldStart: "x0" as const, qdScoreOffset: d.qdScoreOffset };
  }
  if (genomeKind(config) !== "vector") {
    // Programs, texts and JSON live outside the archive's vector store.
    const offset = config.domain.type === "llm-code" ? TASK_CATALOG[config.domain.task]!.qdScoreOffset : "qdScoreOffset" in config.domain ? (config.domain.qdScoreOffset ?? 0) : 0;
    return { dim: 0, bounds: null, x0: new Float64Array(0), coldStart: "x0" as const, qdScoreOffset: offset };
  }
  const dom = config.domain as ExternalDomainConfig;
  const lower = new Float64Array(dom.dim).fill(dom.bounds[0]);
  const upper = new Float64Array(dom.dim).fill(dom.bounds[1]);
  // A space given only by its bounds: the first generation is uniform in them (lib/qd/emitters/mutation.ts).
  return { dim: dom.dim, bounds: { lower, upper }, x0: new Float64Array(dom.dim).fill((dom.bounds[0] + dom.bounds[1]) / 2), coldStart: "uniform" as const, qdScoreOffset: dom.qdScoreOffset };
}

export type GenomeKind = "vector" | "code" | "text" | "json";

/** What a genome is: set by the emitter (and, for LLM runs, by the domain). */
export function genomeKind(config: { domain: { type: string }; emitter: { type: string } }): GenomeKind {
  if (config.emitter.type === "javascript-mutation") return "json";
  if (config.emitter.type === "llm") return config.domain.type === "llm-text" ? "text" : "code";
  return "vector";
}

export const isLlmDomain = (c: { domain: { type: string } }): c is ExperimentSpec & { domain: LlmCodeDomainConfig | LlmTextDomainConfig | ProgramDomainConfig } => findDomainKind(c.domain)?.evaluation === "llm";

/**
 * Candidates of one job scored at once, when the experiment says (`evaluation.concurrency`);
 * undefined leaves the evaluator's own setting (`concurrency`, `poolSize`) or default.
 */
export function evaluationConcurrency(config: { evaluation?: { concurrency?: number } }): number | undefined {
  return config.evaluation?.concurrency;
}

/** Experiments whose jobs run in two stages (mutate on the mutation queue, then evaluate): user evaluators and LLM runs. */
export const runsInStages = (c: { domain: { type: string } }) => isUserEvaluated(c) || isLlmDomain(c);


/** The island job k works on, given how many islands exist now (null: the experiment has no islands). */
export function islandOfJob(k: number, islandCount: number): number | null {
  return islandCount > 0 ? k % islandCount : null;
}
