import type { PrismaClient } from "@/lib/generated/prisma/client";
import { Rng } from "@/lib/qd";
import { chooseTargetNiche, createLlmJudge, createLlmOperator, type LlmError, type LlmJudge, type LlmOperator, type MutateResult, type PromptSolution, type PromptTask, type TargetNiche } from "@/lib/llm";
import { getCodeTask } from "@/lib/tasks";
import { effectiveDescriptors, type DescriptorConfig, type ExperimentSpec, type LlmEmitterConfig } from "@/lib/experiments/config";
import type { StagedCandidate } from "@/lib/experiments/jobs";
import type { CandidateExtras } from "@/lib/db/archive-store";
import type { ArchiveCache } from "./archive-cache";
import { mixSeed } from "./generate-batch";
import { loadFeedback } from "./program-feedback";
import { hasEvolveBlocks } from "@/lib/llm/evolve-blocks";
import { keyedUuid } from "@/lib/keyed-uuid";
import { chooseArms, type ArmStats } from "@/lib/llm/bandit";
import { bestElite, loadGenomes, pickElite, seedGenomes, seedId, type StoredGenome } from "./genomes";
import { dedupeSettings } from "@/lib/dedupe/settings";
import { dedupeRound, duplicateReason } from "./dedupe-candidates";
import { createParentChooser, type ChosenParent } from "./parent-selection";
import type { SelectionRecord } from "@/lib/llm/parent-selection";
import { systemMessage } from "@/lib/llm/prompts";
import { planPrompts } from "./prompt-variants";

/** The operator and (when descriptors or quality are judged) the judge of one experiment, sharing one client. */
export interface LlmRuntime {
  operator: LlmOperator;
  judge: LlmJudge | null;
}

export function createLlmRuntime(config: ExperimentSpec): LlmRuntime {
  // Duplicate rejection, parent selection and crossover are the worker's business, not the operator's.
  const { type: _type, dedupe: _dedupe, parentSelection: _ps, crossoverRate: _x, prompts: _prompts, ...emitter } = config.emitter as LlmEmitterConfig;
  const operator = createLlmOperator(emitter);
  if (!needsJudge(config)) return { operator, judge: null };
  const { mode: _m, maxInspirations: _i, maxInspirationChars: _c, maxGenomeChars: _g, diffFallbackToFull: _f, strategy: _st, ...provider } = emitter;
  const judgeModel = config.domain.type === "llm-text" ? config.domain.judgeModel : undefined;
  const judgeProvider = judgeModel ? { ...provider, model: judgeModel, models: undefined } : provider;
  return { operator, judge: createLlmJudge({ ...judgeProvider, temperature: 0 }, { client: operator.client }) };
}

/** llm-text quality, and any descriptor row with a rubric, are scored by the LLM judge. */
export const needsJudge = (config: ExperimentSpec) => config.emitter.type === "llm" && (config.domain.type === "llm-text" || effectiveDescriptors(config).some((d) => d.rubric));

/**
 * What a job of an LLM experiment produced, and the provider failures that left some candidates without a child.
 * `candidates`: the job's `size` children to evaluate, then the duplicates rejected on the way (not evaluated).
 */
export interface LlmProposal {
  candidates: StagedCandidate[];
  operator: string;
  providerErrors: LlmError[];
}

/**
 * The first stage of a job of an LLM experiment: `size` children, one model call each (plus a judge
 * call when the text's quality or descriptors are judged). Jobs that hold the seeds evaluate them
 * as they are. Parents are elites chosen by the experiment's parent-selection policy (uniform by
 * default); a `crossoverRate` share of children get a second parent from another cell and a prompt
 * to combine both. Each prompt also shows the best elite and a few random ones as inspirations, and
 * names a target niche (an empty or weak cell near the parent, or between the two parents).
 * Children that duplicate stored programs are rejected before evaluation and proposed again.
 */
export async function proposeWithLlm(prisma: PrismaClient, runtime: LlmRuntime, cache: ArchiveCache, k: number, size: number, seed: number, signal?: AbortSignal): Promise<LlmProposal> {
  const config = cache.config;
  const emitter = config.emitter as LlmEmitterConfig;
  const rows = effectiveDescriptors(config);
  const seeds = seedGenomes(config).map(String);
  const rng = new Rng(mixSeed(seed, k));
  const task = promptTask(config, rows);
  const bestOfN = emitter.strategy === "best-of-n";
  const operator = bestOfN ? `best-of-n-${emitter.mode}` : `llm-${emitter.mode}`;

  // Choose every parent and inspiration first, then read their genomes in one query.
  const selection = emitter.parentSelection ?? { policy: "uniform" };
  const crossoverRate = emitter.crossoverRate ?? 0;
  const chooser = !bestOfN && k * size + size > seeds.length ? await createParentChooser(prisma, cache, selection) : null;
  type Plan = { seedIndex: number } | { parent: ChosenParent | null; mate: ChosenParent | null; fallbackSeed: number; inspirations: string[]; callSeed: number };
  const plans = Array.from({ length: size }, (_, i): Plan => {
    const seedIndex = k * size + i;
    if (seedIndex < seeds.length) return { seedIndex };
    // The baseline: every child from a seed, nothing from the archive (no parent elite, no inspirations, no niche).
    if (bestOfN) return { parent: null, mate: null, fallbackSeed: rng.int(Math.max(1, seeds.length)), inspirations: [], callSeed: rng.nextInt32() >>> 0 };
    const parent = chooser!.pick(rng);
    // Crossover: a second parent from another cell, by the same policy.
    const mate = parent && crossoverRate > 0 && chooser!.size > 1 && rng.random() < crossoverRate ? chooser!.pick(rng, parent) : null;
    for (const p of [parent, mate]) if (p) chooser!.addChild(p);
    const inspirations: string[] = [];
    const best = bestElite(cache);
    const taken = (id: string) => id === parent?.solutionId || id === mate?.solutionId || inspirations.includes(id);
    if (best && !taken(best.solutionId)) inspirations.push(best.solutionId);
    for (let j = 0; j < emitter.maxInspirations * 2 && inspirations.length < emitter.maxInspirations; j++) {
      const e = pickElite(cache, rng);
      if (e && !taken(e.solutionId)) inspirations.push(e.solutionId);
    }
    return { parent, mate, fallbackSeed: rng.int(Math.max(1, seeds.length)), inspirations, callSeed: rng.nextInt32() >>> 0 };
  });
  const genomes = await loadGenomes(prisma, plans.flatMap((p) => ("parent" in p ? [p.parent?.solutionId, p.mate?.solutionId, ...p.inspirations].filter((x): x is string => !!x) : [])));

  // Ensembles with a bandit: the model of each call, from the stored per-model record (a re-proposal keeps its slot's model).
  const calls = plans.filter((p) => "parent" in p).length;
  const chosenModels = await chooseModels(prisma, cache.experimentId, emitter, calls, mixSeed(seed, k) ^ 0x5bd1e995);
  let call = 0;
  const slotModels = plans.map((p) => ("parent" in p ? chosenModels?.[call++] : undefined));
  // Evolving prompts: each call's system message, chosen by the prompt bandit (the baseline keeps the task's own).
  const promptPlan =
    emitter.prompts?.evolve && !bestOfN && calls > 0
      ? await planPrompts(prisma, runtime.operator.client, { experimentId: cache.experimentId, k, config: emitter.prompts, baseText: systemMessage(task), task: task.description, objective: task.objective, calls, seed: mixSeed(seed, k) ^ 0x2545f491, signal })
      : null;
  let promptCall = 0;
  const slotPrompts = plans.map((p) => ("parent" in p ? promptPlan?.calls[promptCall++] : undefined));

  const providerErrors: LlmError[] = [];
  /** One model call for slot i (a re-proposal after a duplicate passes the next round's seed and id). */
  const child = async (plan: Exclude<Plan, { seedIndex: number }>, callSeed: number, id: string, model: string | undefined, prompt: { variant: number; text: string } | undefined): Promise<StagedCandidate> => {
    const stored = plan.parent ? genomes.get(plan.parent.solutionId) : undefined;
    const storedMate = stored && plan.mate ? genomes.get(plan.mate.solutionId) : undefined;
    // No elite yet (the seeds are still being evaluated, or all failed): mutate a seed.
    const parent: PromptSolution = stored ? toPrompt(stored, rows) : { genome: seeds[plan.fallbackSeed] ?? "" };
    const mate = storedMate ? toPrompt(storedMate, rows) : null;
    const parentIds = stored ? [plan.parent!.solutionId, ...(mate ? [plan.mate!.solutionId] : [])] : plan.parent ? [] : [seedId(cache.experimentId, plan.fallbackSeed)];
    const chosen: SelectionRecord = {
      policy: selection.policy,
      parents: stored ? [plan.parent!, ...(mate ? [plan.mate!] : [])].map((c) => ({ policy: c.policy, p: Number(c.p.toPrecision(4)) })) : parentIds.map(() => ({ policy: "seed", p: 1 / Math.max(1, seeds.length) })),
      ...(mate ? { crossover: true } : {}),
    };
    const tag = (x: CandidateExtras): CandidateExtras => ({ ...x, selection: chosen, ...(mate ? { operator: "llm-crossover" } : {}), ...(prompt ? { promptVariant: prompt.variant } : {}) });
    const inspirations = plan.inspirations.map((i) => genomes.get(i)).filter((g): g is StoredGenome => !!g).map((g) => toPrompt(g, rows));
    const program = config.domain.type === "program" ? config.domain : null;
    // Program domain: the evaluator's feedback on this parent, each part as domain.feedback says.
    const feedback = program && !bestOfN ? await loadFeedback(prisma, cache.experimentId, parentIds[0] ?? null, stored, program.feedback) : null;
    if (program && !program.feedback.metrics) delete parent.metrics;
    const r = await runtime.operator.mutate({
      task: prompt ? { ...task, systemMessage: prompt.text } : task,
      parent,
      mate,
      inspirations,
      // Crossover: a cell between the two parents.
      targetNiche: bestOfN ? null : targetNiche(cache, rows, storedMate ? stored!.descriptors.map((v, j) => (v + (storedMate.descriptors[j] ?? v)) / 2) : stored?.descriptors, callSeed),
      seed: callSeed,
      signal,
      ...(model ? { model } : {}),
      ...(program ? { feedback, inspirationCode: program.feedback.inspirationCode } : {}),
    });
    if (!r.ok && r.stage === "provider") {
      providerErrors.push(r.error!);
      return { id, genome: null, parentIds, invalid: `LLM provider: ${r.reason}`, extras: tag(exchange(r)) };
    }
    if (!r.ok) return { id, genome: r.reply ?? null, parentIds, invalid: `${r.stage === "apply" ? "the edit did not apply" : "unusable reply"}: ${r.reason}`, extras: tag(exchange(r)) };
    return { id, genome: r.genome, parentIds, extras: tag({ ...exchange(r), logs: r.warnings.length ? r.warnings.join("\n") : undefined }) };
  };
  // Children get ids derived from the job, slot and round, so a retried job re-registers the same
  // ids in the duplicate index instead of finding its own earlier proposals there.
  const childId = (i: number, round: number) => keyedUuid(`${cache.experimentId}:${k}:${i}:${round}`);
  const seedCandidate = (p: { seedIndex: number }): StagedCandidate => ({ id: seedId(cache.experimentId, p.seedIndex), genome: seeds[p.seedIndex]!, parentIds: [], extras: { operator: "seed" } });
  let slots = await Promise.all(plans.map((plan, i) => ("seedIndex" in plan ? seedCandidate(plan) : child(plan, plan.callSeed, childId(i, 0), slotModels[i], slotPrompts[i]))));
  // The call that wrote a new prompt variant is charged to the job's first child (tokens, cost, a log line).
  const metaSlot = promptPlan?.meta ? slotPrompts.findIndex((p) => p) : -1;
  if (metaSlot >= 0) {
    const x = slots[metaSlot]!.extras ?? {};
    const m = promptPlan!.meta!;
    slots[metaSlot]!.extras = { ...x, promptTokens: (x.promptTokens ?? 0) + (m.promptTokens ?? 0), completionTokens: (x.completionTokens ?? 0) + (m.completionTokens ?? 0), costUsd: (x.costUsd ?? 0) + (m.costUsd ?? 0), logs: [x.logs, m.logs].filter(Boolean).join("\n") };
  }
  const rejected: StagedCandidate[] = [];
  const dedupe = dedupeSettings(config);
  if (dedupe) {
    let open = slots.map((_, i) => i);
    for (let round = 0; open.length > 0; round++) {
      const batch = open.map((i) => slots[i]!);
      const { verdicts, embeddingsError } = await dedupeRound(prisma, cache.experimentId, dedupe, batch, open.map((i) => "seedIndex" in plans[i]!), signal, runtime.operator.client);
      const again: number[] = [];
      verdicts.forEach((v, n) => {
        const i = open[n]!;
        const c = slots[i]!;
        if (embeddingsError) c.extras = { ...c.extras, logs: [c.extras?.logs, `dedupe: embeddings failed, exact check only: ${embeddingsError}`].filter(Boolean).join("\n") };
        if (!v) return;
        if (round < dedupe.maxResamples) {
          // Rejected before evaluation: stored with its cost, and the slot is proposed again.
          rejected.push({ ...c, duplicate: v });
          again.push(i);
        } else {
          // Out of re-proposals: evaluate it anyway, so the job still carries its share of the budget.
          c.extras = { ...c.extras, logs: [c.extras?.logs, `dedupe: ${duplicateReason(v)}, evaluated anyway after ${dedupe.maxResamples} re-proposals`].filter(Boolean).join("\n") };
        }
      });
      if (again.length === 0) break;
      const next = await Promise.all(again.map((i) => child(plans[i] as Exclude<Plan, { seedIndex: number }>, mixSeed((plans[i] as { callSeed: number }).callSeed, round + 1), childId(i, round + 1), slotModels[i], slotPrompts[i])));
      again.forEach((i, n) => (slots[i] = next[n]!));
      open = again;
    }
  }
  // The judge (llm-text quality, rubric descriptors) only sees admitted children.
  slots = await Promise.all(slots.map((c, i) => (c.invalid ? c : judgeCandidate(runtime, config, rows, c, "seedIndex" in plans[i]! ? mixSeed(seed, (plans[i] as { seedIndex: number }).seedIndex) : (plans[i] as { callSeed: number }).callSeed, signal))));
  const candidates = [...slots, ...rejected];
  return { candidates, operator, providerErrors };
}

/** What the prompt builder needs to know about the experiment. */
function promptTask(config: ExperimentSpec, rows: DescriptorConfig[]): PromptTask {
  // "range": "auto" rows have no fixed range to tell the model (their bounds follow the values).
  const descriptors = rows.map((d) => ({ name: d.name, ...(d.range === "auto" ? {} : { min: d.min, max: d.max }), ...(d.rubric ? { rubric: d.rubric } : {}) }));
  const d = config.domain;
  if (d.type === "llm-code") return getCodeTask(d.task)!.promptTask(descriptors);
  if (d.type === "program") {
    return {
      kind: "code",
      language: d.language,
      sandboxed: false,
      description: d.description?.trim() || `Improve this ${d.language} program. It is run and scored by the evaluator; a higher score is better.`,
      objective: "the score returned by the evaluator (its fitness or combined_score; higher is better)",
      descriptors,
      ...(d.systemMessage ? { systemMessage: d.systemMessage } : {}),
      ...(d.promptTemplate ? { template: d.promptTemplate } : {}),
      evolveBlocks: hasEvolveBlocks(d.initialProgram),
    };
  }
  if (d.type === "llm-text") return { kind: "text", description: d.description, objective: d.qualityRubric ?? "quality as judged against the description (higher is better)", descriptors };
  const description = "description" in d && d.description ? d.description : "Improve the solution.";
  return { kind: "text", description, objective: "the fitness returned by the evaluator (higher is better)", descriptors };
}

function toPrompt(g: StoredGenome, rows: DescriptorConfig[]): PromptSolution {
  const descriptors: Record<string, number> = {};
  rows.forEach((r, i) => g.descriptors[i] !== undefined && (descriptors[r.name] = g.descriptors[i]!));
  return { genome: typeof g.genome === "string" ? g.genome : JSON.stringify(g.genome), fitness: g.fitness, descriptors, metrics: g.metrics };
}

/** An empty or weak grid cell near the parent's; none for CVT archives. */
function targetNiche(cache: ArchiveCache, rows: DescriptorConfig[], parent: number[] | undefined, seed: number): TargetNiche | null {
  if (cache.config.archive.type !== "grid") return null;
  const a = cache.archive;
  // The cache's grid bounds: they are the current ones for "range": "auto" rows.
  const current = rows.map((r, k) => ({ ...r, min: a.lowerBounds[k]!, max: a.upperBounds[k]! }));
  const niche = chooseTargetNiche({ descriptors: current, eliteFitness: (cell) => (a.occupied[cell] ? a.objective[cell] : undefined), parent, seed });
  return { descriptors: niche.descriptors, fitness: niche.fitness };
}

/**
 * `modelSelection: "ucb" | "thompson"` with several models: one model per call, chosen by the bandit
 * from the ModelArm rows (committed batches only: calls in flight are not seen, which a batch's own
 * pending pulls stand in for). `fixed`: undefined, the client draws by weight.
 */
async function chooseModels(prisma: PrismaClient, experimentId: string, emitter: LlmEmitterConfig, count: number, seed: number): Promise<string[] | undefined> {
  if (emitter.modelSelection === "fixed" || !emitter.models || emitter.models.length < 2 || count === 0) return undefined;
  const rows = await prisma.modelArm.findMany({ where: { experimentId }, select: { model: true, pulls: true, costUsd: true, gain: true, improvements: true } });
  const byModel = new Map(rows.map((r) => [r.model, r]));
  const arms: ArmStats[] = emitter.models.map(({ model }) => byModel.get(model) ?? { model, pulls: 0, costUsd: 0, gain: 0, improvements: 0 });
  return chooseArms(arms, count, new Rng(seed), { policy: emitter.modelSelection });
}

function exchange(r: MutateResult): CandidateExtras {
  return {
    arm: r.arm,
    armCostUsd: r.ok ? r.costUsd : (r.costUsd ?? 0),
    model: r.ok ? r.model : r.model,
    promptTokens: r.ok ? r.usage.promptTokens : (r.usage?.promptTokens ?? 0),
    completionTokens: r.ok ? r.usage.completionTokens : (r.usage?.completionTokens ?? 0),
    costUsd: r.ok ? r.costUsd : (r.costUsd ?? 0),
    prompt: `### system\n${r.prompt.system}\n\n### user\n${r.prompt.user}`,
    reply: r.reply,
  };
}

/**
 * llm-text quality and rubric descriptors: asked of the judge right after the child is written
 * (same provider queue, same limits). The judge's tokens are added to the candidate's.
 */
export async function judgeCandidate(runtime: LlmRuntime, config: ExperimentSpec, rows: DescriptorConfig[], c: StagedCandidate, seed: number, signal?: AbortSignal): Promise<StagedCandidate> {
  if (!runtime.judge) return c;
  const rubricRows = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.rubric);
  const d = config.domain;
  const j = await runtime.judge.judge({
    text: String(c.genome),
    task: "description" in d ? d.description : d.type === "llm-code" ? getCodeTask(d.task)!.description : undefined,
    qualityRubric: d.type === "llm-text" ? d.qualityRubric : undefined,
    descriptors: rubricRows.map(({ r }) => ({ name: r.name, rubric: r.rubric! })),
    seed,
    signal,
  });
  const x = c.extras ?? {};
  const extras: CandidateExtras = {
    ...x,
    promptTokens: (x.promptTokens ?? 0) + j.usage.promptTokens,
    completionTokens: (x.completionTokens ?? 0) + j.usage.completionTokens,
    costUsd: (x.costUsd ?? 0) + j.costUsd,
    logs: [x.logs, `judge (${j.model}): ${j.ok ? JSON.stringify(j.scores) : j.reason}`].filter(Boolean).join("\n"),
  };
  if (!j.ok) return { ...c, extras, judgeError: `LLM judge: ${j.reason}` };
  const descriptors: (number | null)[] = rows.map(() => null);
  rubricRows.forEach(({ r, i }, n) => (descriptors[i] = r.min + j.descriptors[n]! * (r.max - r.min)));
  return { ...c, extras: { ...extras, metrics: { quality: j.quality, ...Object.fromEntries(rubricRows.map(({ r }, n) => [r.name, j.descriptors[n]!])) } }, judged: { ...(d.type === "llm-text" ? { fitness: j.quality } : {}), descriptors } };
}
