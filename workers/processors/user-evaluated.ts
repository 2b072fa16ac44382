import type { Job } from "bullmq";
import { commitBatch, type FailedCandidate } from "@/lib/db/archive-store";
import { encodeVector } from "@/lib/db/vector-codec";
import { effectiveDescriptors, jobPlan, type ExperimentSpec, type UserEvaluatedDomainConfig } from "@/lib/experiments/config";
import { batchKey, enqueueBatches, enqueueEvaluation, type BatchJobData, type EvaluateJobData } from "@/lib/experiments/jobs";
import { pauseExperiment } from "@/lib/experiments/lifecycle";
import { createEvaluator, type EvalResult, type Evaluator } from "@/lib/evaluators";
import { ArchiveCacheStore } from "../archive-cache";
import { proposeVectors } from "../propose";
import type { WorkerContext } from "./index";

/** Curves get about this many points over a run. */
const SNAPSHOTS_PER_RUN = 400;

/**
 * Experiments scored by the user's evaluator (command, webhook, sandboxed
 * JavaScript) run each numbered job in two stages on two queues, so slow
 * operators and slow evaluators scale separately:
 *  - mutate: propose candidates from the cached archive, hand them to the evaluation queue;
 *  - evaluate: score them, map descriptors, commit successes and failures (with reasons)
 *    in one idempotent transaction, then start the job `maxInFlight` ahead.
 */
export function createUserEvaluatedProcessors(ctx: WorkerContext) {
  const caches = new ArchiveCacheStore();
  const evaluators = new EvaluatorCache();

  async function load(experimentId: string) {
    return ctx.prisma.experiment.findUnique({ where: { id: experimentId }, select: { status: true, config: true, seed: true } });
  }

  async function landed(experimentId: string, k: number) {
    return ctx.prisma.processedBatch.findUnique({ where: { experimentId_batchId: { experimentId, batchId: batchKey(k) } }, select: { batchId: true } });
  }

  async function mutate(job: Job<BatchJobData>) {
    const { experimentId, k } = job.data;
    const exp = await load(experimentId);
    if (!exp) return { skipped: "deleted" };
    if (exp.status !== "running") return { skipped: exp.status };
    if (await landed(experimentId, k)) return { skipped: "already processed" };
    const config = exp.config as unknown as ExperimentSpec;
    const plan = jobPlan(config);
    if (k >= plan.totalJobs) return { skipped: "beyond budget" };
    const cache = caches.get(experimentId, config);
    await cache.refresh(ctx.prisma);
    const candidates = proposeVectors(cache, k, plan.sizeOf(k), exp.seed);
    await enqueueEvaluation(ctx.queues, { experimentId, k, candidates, operator: config.emitter.type });
    return { proposed: candidates.length };
  }

  async function evaluate(job: Job<EvaluateJobData>) {
    const { experimentId, k, candidates, operator } = job.data;
    const exp = await load(experimentId);
    if (!exp) return { skipped: "deleted" };
    // Paused runs finish what is in flight; cancelled ones drop it.
    if (exp.status !== "running" && exp.status !== "paused") return { skipped: exp.status };
    const config = exp.config as unknown as ExperimentSpec;
    const plan = jobPlan(config);
    if (!(await landed(experimentId, k))) {
      const evaluator = evaluators.get(experimentId, config.domain as UserEvaluatedDomainConfig);
      const results = await evaluator.evaluate(candidates.map((c) => ({ id: c.id, genome: c.genome })));
      const cache = caches.get(experimentId, config);
      const batch = toBatch(experimentId, k, config, cache.archive.cellOf.bind(cache.archive), candidates, results, operator);
      const snapshotEvery = Math.max(1, Math.ceil(config.budget.evaluations / SNAPSHOTS_PER_RUN));
      const result = await commitBatch(ctx.prisma, batch, snapshotEvery);
      if (result.completed) {
        ctx.log(`experiment ${experimentId} completed at ${result.evaluations} evaluations`);
        caches.drop(experimentId);
        await evaluators.drop(experimentId);
        return { evaluations: result.evaluations };
      }
      // An evaluator that fails on everything (a typo in the command, a dead webhook) pauses the
      // run with its reason instead of burning the budget.
      if (!result.duplicate && result.numElites === 0 && batch.failures!.length === candidates.length && result.evaluations >= 2 * config.batchSize) {
        const reason = `every candidate failed so far; last error: ${batch.failures![0]!.error}`;
        ctx.log(`experiment ${experimentId} paused: ${reason}`);
        await pauseExperiment(ctx.prisma, experimentId, reason).catch(() => {});
        return { paused: reason };
      }
      if (result.status !== "running") return { evaluations: result.evaluations };
    }
    if (k + config.maxInFlight < plan.totalJobs) await enqueueBatches(ctx.queues, experimentId, [k + config.maxInFlight], true);
    return { evaluated: candidates.length };
  }

  return { mutate, evaluate, close: () => evaluators.closeAll() };
}

/** Maps evaluator results onto archive rows: descriptors from the result's array or a named metric. */
function toBatch(
  experimentId: string,
  k: number,
  config: ExperimentSpec,
  cellOf: (m: ArrayLike<number>, offset?: number) => number,
  candidates: EvaluateJobData["candidates"],
  results: EvalResult[],
  operator: string,
) {
  const rows = effectiveDescriptors(config);
  const dim = candidates[0]?.genome.length ?? 0;
  const parentsPer = Math.max(1, ...candidates.map((c) => c.parentIds.length));
  const ok = { cells: [] as number[], fitness: [] as number[], descriptors: [] as number[], genomes: [] as number[], parentIds: [] as (string | null)[], ids: [] as string[], extras: [] as { metrics?: Record<string, number>; logs?: string; evalMs?: number }[] };
  const failures: FailedCandidate[] = [];
  candidates.forEach((c, i) => {
    const r = results[i] ?? { ok: false as const, error: "the evaluator returned no result for this candidate", ms: 0 };
    const fail = (error: string) => failures.push({ id: c.id, genome: c.genome, parentIds: c.parentIds, error, logs: r.logs, evalMs: r.ms });
    if (!r.ok) return fail(r.error);
    const values: number[] = [];
    for (const [j, row] of rows.entries()) {
      const v = row.metric ? r.metrics?.[row.metric] : r.descriptors?.[j];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        return fail(row.metric ? `descriptor "${row.name}": the evaluator returned no finite metrics.${row.metric}` : `descriptor "${row.name}": the evaluator returned no finite descriptors[${j}]`);
      }
      values.push(v);
    }
    ok.cells.push(cellOf(values, 0));
    ok.fitness.push(r.fitness);
    ok.descriptors.push(...values);
    ok.genomes.push(...c.genome);
    for (let p = 0; p < parentsPer; p++) ok.parentIds.push(c.parentIds[p] ?? null);
    ok.ids.push(c.id);
    ok.extras.push({ metrics: r.metrics, logs: r.logs, evalMs: r.ms });
  });
  return {
    experimentId,
    batchId: batchKey(k),
    evaluations: candidates.length,
    failed: failures.length,
    generated: true,
    operator,
    cells: ok.cells,
    fitness: ok.fitness,
    descriptors: ok.descriptors,
    measureDim: rows.length,
    genomes: encodeVector(ok.genomes),
    genomeDim: dim,
    parentIds: ok.parentIds,
    parentsPer,
    solutionIds: ok.ids,
    extras: ok.extras,
    failures,
  };
}

/** One evaluator per experiment per worker (sandboxes and process pools are reused across jobs). */
class EvaluatorCache {
  private readonly byExperiment = new Map<string, { evaluator: Evaluator; lastUsed: number }>();

  get(experimentId: string, domain: UserEvaluatedDomainConfig): Evaluator {
    this.evictIdle();
    let entry = this.byExperiment.get(experimentId);
    if (!entry) {
      // Only the evaluator's own fields: dim/bounds/qdScoreOffset belong to the genome space.
      const { dim: _dim, bounds: _bounds, qdScoreOffset: _offset, ...evaluatorConfig } = domain;
      entry = { evaluator: createEvaluator(evaluatorConfig as Parameters<typeof createEvaluator>[0]), lastUsed: 0 };
      this.byExperiment.set(experimentId, entry);
    }
    entry.lastUsed = Date.now();
    return entry.evaluator;
  }

  async drop(experimentId: string) {
    const entry = this.byExperiment.get(experimentId);
    this.byExperiment.delete(experimentId);
    await entry?.evaluator.close().catch(() => {});
  }

  async closeAll() {
    await Promise.all([...this.byExperiment.keys()].map((id) => this.drop(id)));
  }

  private evictIdle() {
    const cutoff = Date.now() - 10 * 60_000;
    for (const [id, e] of this.byExperiment) if (e.lastUsed < cutoff) void this.drop(id);
  }
}
