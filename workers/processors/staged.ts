import type { Job } from "bullmq";
import { commitBatch, type CandidateBatch, type CandidateExtras, type FailedCandidate } from "@/lib/db/archive-store";
import { encodeVector } from "@/lib/db/vector-codec";
import { effectiveDescriptors, genomeKind, islandOfJob, jobPlan, type ExperimentSpec } from "@/lib/experiments/config";
import { BATCH_JOB_OPTIONS, batchKey, enqueueBatches, enqueueEvaluation, evaluateJobId, firstStageQueue, namedQueue, type BatchJobData, type EvaluateJobData, type StagedCandidate, userEvaluationQueue } from "@/lib/experiments/jobs";
import { pauseExperiment } from "@/lib/experiments/lifecycle";
import type { EvalResult } from "@/lib/evaluators";
import { ArchiveCacheStore } from "../archive-cache";
import { proposeVectors } from "../propose";
import { proposeJson } from "../propose-json";
import { judgeCandidate, needsJudge, proposeWithLlm } from "../propose-llm";
import { duplicateReason } from "../dedupe-candidates";
import { dropDedupeCache } from "@/lib/dedupe/index-store";
import { ExperimentResources } from "../resources";
import { watchForCancel } from "../cancel-watch";
import { reevaluateNewElites } from "../reevaluate";
import type { WorkerContext } from "../context";

/** Curves get about this many points over a run. */
const SNAPSHOTS_PER_RUN = 400;

/**
 * Experiments whose operator or evaluator is slow — user evaluators (command, webhook, sandboxed
 * JavaScript) and LLM runs — run each numbered job in two stages, so each scales on its own:
 *  - mutate (mutation queue, or the LLM provider's queue): propose candidates from the cached archive
 *    (vector kernels, the user's JSON mutation, or the LLM operator and judge);
 *  - evaluate (evaluation queue): score them, map descriptors, commit successes and failures
 *    (with reasons, tokens and cost) in one idempotent transaction, then start the job `maxInFlight` ahead.
 */
export function createStagedProcessors(ctx: WorkerContext) {
  const caches = new ArchiveCacheStore();
  const resources = new ExperimentResources();

  async function load(experimentId: string) {
    return ctx.prisma.experiment.findUnique({ where: { id: experimentId }, select: { status: true, config: true, seed: true, islandCount: true } });
  }

  /** Pauses the run with a reason the dashboard shows (a no-op when another job paused it first). */
  async function pause(experimentId: string, reason: string) {
    const paused = await pauseExperiment(ctx.prisma, experimentId, reason).then(() => true, () => false);
    if (paused) ctx.log(`experiment ${experimentId} paused: ${reason}`);
  }

  async function landed(experimentId: string, batchId: string) {
    return ctx.prisma.processedBatch.findUnique({ where: { experimentId_batchId: { experimentId, batchId } }, select: { batchId: true } });
  }

  async function mutate(job: Job<BatchJobData>) {
    const { experimentId, k } = job.data;
    const exp = await load(experimentId);
    if (!exp) return { skipped: "deleted" };
    if (exp.status !== "running") return { skipped: exp.status };
    if (await landed(experimentId, batchKey(k))) return { skipped: "already processed" };
    // A mutate job re-added after it completed (the reconciler saw neither stage for a moment) must
    // not propose again: its candidates are already waiting for evaluation, and LLM calls cost money.
    if (await userEvaluationQueue(ctx.queues).getJob(evaluateJobId(experimentId, k))) return { skipped: "already proposed" };
    const config = exp.config as unknown as ExperimentSpec;
    const plan = jobPlan(config);
    if (k >= plan.totalJobs) return { skipped: "beyond budget" };
    // Islands: job k mutates island k mod the islands that exist now; its evaluation stage commits there.
    const island = islandOfJob(k, exp.islandCount);
    const onIsland = island === null ? {} : { island };
    const cache = caches.get(experimentId, config, island);
    await cache.refresh(ctx.prisma);
    const size = plan.sizeOf(k);
    const kind = genomeKind(config);
    if (kind === "vector") {
      await enqueueEvaluation(ctx.queues, { experimentId, k, candidates: proposeVectors(cache, k, size, exp.seed), operator: config.emitter.type, ...onIsland });
      return { proposed: size };
    }
    if (kind === "json") {
      const candidates = await proposeJson(ctx.prisma, resources.mutation(experimentId, config), cache, k, size, exp.seed);
      await enqueueEvaluation(ctx.queues, { experimentId, k, candidates, operator: "javascript-mutation", ...onIsland });
      return { proposed: size };
    }
    const proposal = await proposeWithLlm(ctx.prisma, resources.llm(experimentId, config), cache, k, size, exp.seed);
    const fatal = proposal.providerErrors.find((e) => e.fatal);
    if (proposal.providerErrors.length === size && proposal.candidates.length === size) {
      // The provider produced nothing: spend no budget on it. Fatal errors (key, model, quota) pause
      // the run at once; transient ones (429, 5xx, timeouts — already retried by the client) hold the
      // whole provider queue for Retry-After, then retry the job, and pause the run when retries run out.
      const error = fatal ?? proposal.providerErrors[0]!;
      const reason = `LLM provider failed: ${error.kind}: ${error.message}`;
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? BATCH_JOB_OPTIONS.attempts ?? 1);
      if (fatal || lastAttempt) {
        await pause(experimentId, reason);
        return { paused: reason };
      }
      const wait = Math.max(0, ...proposal.providerErrors.map((e) => e.retryAfterMs ?? 0));
      if (wait > 0) await namedQueue(ctx.queues, job.queueName).rateLimit(wait).catch(() => {});
      throw new Error(reason);
    }
    await enqueueEvaluation(ctx.queues, { experimentId, k, candidates: proposal.candidates, operator: proposal.operator, ...onIsland });
    if (fatal) {
      const reason = `LLM provider failed: ${fatal.kind}: ${fatal.message}`;
      await pause(experimentId, reason);
    }
    return { proposed: size, providerErrors: proposal.providerErrors.length };
  }

  async function evaluate(job: Job<EvaluateJobData>) {
    const { experimentId, k, candidates, operator } = job.data;
    const batchId = job.data.batchId ?? batchKey(k);
    const exp = await load(experimentId);
    if (!exp) return { skipped: "deleted" };
    // Paused runs finish what is in flight; cancelled ones drop it. Candidates that already cost
    // money are recorded whatever happened meanwhile (cost cap, cancel), so the totals stay true.
    const spent = candidates.some((c) => (c.extras?.costUsd ?? 0) > 0);
    if (exp.status !== "running" && exp.status !== "paused" && !spent) return { skipped: exp.status };
    const config = exp.config as unknown as ExperimentSpec;
    const plan = jobPlan(config);
    if (!(await landed(experimentId, batchId))) {
      const evaluator = resources.evaluator(experimentId, config);
      let staged = candidates;
      if (needsJudge(config) && candidates.some((c) => !c.judged && !c.invalid && !c.judgeError && !c.duplicate)) {
        // Genomes submitted over the API skipped the first stage: judge them here.
        const runtime = resources.llm(experimentId, config);
        const rows = effectiveDescriptors(config);
        staged = await Promise.all(candidates.map((c, i) => (c.judged || c.invalid || c.judgeError || c.duplicate ? c : judgeCandidate(runtime, config, rows, c, i))));
      }
      const toEvaluate = staged.filter((c) => !c.invalid && !c.judgeError && !c.duplicate);
      // Candidates run concurrently (evaluation.concurrency, within the worker's slots); a cancel
      // stops the running ones. A cancelled job commits nothing, unless its candidates cost money.
      const watch = watchForCancel(ctx.prisma, experimentId);
      let scored: EvalResult[];
      try {
        scored = evaluator ? await evaluator.evaluate(toEvaluate.map((c) => ({ id: c.id, genome: c.genome })), { signal: watch.signal }) : toEvaluate.map(judgedResult);
      } finally {
        watch.stop();
      }
      if (watch.signal.aborted && !spent) return { skipped: "cancelled" };
      const results = new Map(toEvaluate.map((c, i) => [c.id, scored[i]]));
      const cache = caches.get(experimentId, config);
      const batch = toBatch(experimentId, batchId, k >= 0, config, cache.archive.cellOf.bind(cache.archive), staged, results, operator);
      if (job.data.island !== undefined) batch.island = job.data.island;
      const again = config.evaluation?.reevaluate;
      if (again && evaluator) {
        // Noisy evaluators: would-be elites are evaluated again; fitness = mean, agreement in metrics.
        const genomes = new Map(toEvaluate.map((c) => [c.id, c.genome]));
        const a = cache.archive;
        const rewatch = watchForCancel(ctx.prisma, experimentId);
        try {
          await reevaluateNewElites(evaluator, batch, (id) => genomes.get(id), (cell, f) => a.occupied[cell] !== 1 || f > a.objective[cell]!, { reevaluate: again, tolerance: config.evaluation?.tolerance }, rewatch.signal);
        } finally {
          rewatch.stop();
        }
        if (rewatch.signal.aborted && !spent) return { skipped: "cancelled" };
      }
      const snapshotEvery = Math.max(1, Math.ceil(config.budget.evaluations / SNAPSHOTS_PER_RUN));
      const result = await commitBatch(ctx.prisma, batch, snapshotEvery);
      if (result.completed) {
        ctx.log(`experiment ${experimentId} completed at ${result.evaluations} evaluations`);
        caches.drop(experimentId);
        dropDedupeCache(experimentId);
        await resources.drop(experimentId);
        return { evaluations: result.evaluations };
      }
      // An evaluator that fails on everything (a typo in the command, a dead webhook) pauses the
      // run with its reason instead of burning the budget.
      if (!result.duplicate && result.numElites === 0 && batch.failed === batch.evaluations && batch.evaluations > 0 && result.evaluations >= 2 * config.batchSize) {
        const reason = `every candidate failed so far; last error: ${batch.failures!.find((f) => f.status !== "duplicate")!.error}`;
        await pause(experimentId, reason);
        return { paused: reason };
      }
      if (result.status !== "running") return { evaluations: result.evaluations };
    }
    if (k >= 0 && k + config.maxInFlight < plan.totalJobs) await enqueueBatches(ctx.queues, experimentId, [k + config.maxInFlight], firstStageQueue(config));
    return { evaluated: candidates.length };
  }

  return { mutate, evaluate, close: () => resources.closeAll() };
}

/** llm-text: the judge already scored the text in the first stage. */
function judgedResult(c: StagedCandidate): EvalResult {
  const fitness = c.judged?.fitness;
  if (fitness === undefined) return { ok: false, error: "the judge gave no quality score", ms: 0 };
  return { ok: true, fitness, metrics: c.extras?.metrics, ms: 0 };
}

/**
 * Maps evaluator results onto archive rows. A descriptor comes from the LLM judge (rubric rows),
 * a named metric of the evaluator, or the evaluator's `descriptors` array, in row order.
 */
function toBatch(
  experimentId: string,
  batchId: string,
  numbered: boolean,
  config: ExperimentSpec,
  cellOf: (m: ArrayLike<number>, offset?: number) => number,
  candidates: StagedCandidate[],
  results: Map<string, EvalResult | undefined>,
  operator: string,
): CandidateBatch {
  const rows = effectiveDescriptors(config);
  const kind = genomeKind(config);
  const dim = kind === "vector" ? ((candidates[0]?.genome as number[] | undefined)?.length ?? 0) : 0;
  const parentsPer = Math.max(1, ...candidates.map((c) => c.parentIds.length));
  const ok = { cells: [] as number[], fitness: [] as number[], descriptors: [] as number[], genomes: [] as number[], texts: [] as string[], parentIds: [] as (string | null)[], ids: [] as string[], extras: [] as CandidateExtras[] };
  const failures: FailedCandidate[] = [];
  const usage = { promptTokens: 0, completionTokens: 0, costUsd: 0 };
  for (const c of candidates) {
    const x = c.extras ?? {};
    usage.promptTokens += x.promptTokens ?? 0;
    usage.completionTokens += x.completionTokens ?? 0;
    usage.costUsd += x.costUsd ?? 0;
    if (c.duplicate) {
      failures.push({ ...x, id: c.id, genome: c.genome ?? undefined, parentIds: c.parentIds, error: duplicateReason(c.duplicate), status: "duplicate", duplicateOf: c.duplicate.of, similarity: c.duplicate.similarity });
      continue;
    }
    if (c.invalid) {
      failures.push({ ...x, id: c.id, genome: c.genome ?? undefined, parentIds: c.parentIds, error: c.invalid, status: "invalid" });
      continue;
    }
    const r = c.judgeError ? { ok: false as const, error: c.judgeError, ms: 0 } : (results.get(c.id) ?? { ok: false as const, error: "the evaluator returned no result for this candidate", ms: 0 });
    const metrics = { ...x.metrics, ...(r.ok ? r.metrics : undefined) };
    const merged: CandidateExtras = { ...x, metrics: Object.keys(metrics).length ? metrics : undefined, logs: [x.logs, r.logs].filter(Boolean).join("\n") || undefined, evalMs: r.ms };
    const fail = (error: string) => failures.push({ ...merged, id: c.id, genome: c.genome, parentIds: c.parentIds, error });
    if (!r.ok) {
      fail(r.error);
      continue;
    }
    const values: number[] = [];
    let missing: string | null = null;
    for (const [j, row] of rows.entries()) {
      const v = row.rubric ? c.judged?.descriptors[j] : row.metric ? r.metrics?.[row.metric] : r.descriptors?.[j];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        missing = row.rubric
          ? `descriptor "${row.name}": the judge gave no score`
          : row.metric
            ? `descriptor "${row.name}": the evaluator returned no finite metrics.${row.metric}`
            : `descriptor "${row.name}": the evaluator returned no finite descriptors[${j}]`;
        break;
      }
      values.push(v);
    }
    if (missing) {
      fail(missing);
      continue;
    }
    ok.cells.push(cellOf(values, 0));
    ok.fitness.push(r.fitness);
    ok.descriptors.push(...values);
    if (kind === "vector") ok.genomes.push(...(c.genome as number[]));
    else ok.texts.push(kind === "json" ? JSON.stringify(c.genome) : String(c.genome));
    for (let p = 0; p < parentsPer; p++) ok.parentIds.push(c.parentIds[p] ?? null);
    ok.ids.push(c.id);
    ok.extras.push(merged);
  }
  // Duplicates were never evaluated: they are stored (with their cost) but not counted against the budget.
  const duplicates = failures.filter((f) => f.status === "duplicate").length;
  return {
    experimentId,
    batchId,
    evaluations: candidates.length - duplicates,
    failed: failures.length - duplicates,
    duplicates,
    generated: numbered,
    operator,
    cells: ok.cells,
    fitness: ok.fitness,
    descriptors: ok.descriptors,
    measureDim: rows.length,
    genomes: encodeVector(ok.genomes),
    genomeDim: dim,
    genomeKind: kind,
    genomeTexts: ok.texts,
    parentIds: ok.parentIds,
    parentsPer,
    solutionIds: ok.ids,
    extras: ok.extras,
    failures,
    usage,
  };
}
