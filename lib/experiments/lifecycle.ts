import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { QueueFactory } from "@/lib/queue/connection";
import { recordStatusEvent } from "@/lib/db/archive-store";
import { chainHeads } from "@/lib/db/emitter-store";
import { banditHeads } from "@/lib/db/bandit-store";
import { banditOf, cellCount, effectiveDescriptors, emitterChains, isExternal, isUserEvaluated, jobPlan, vectorSpace, type ExperimentConfig, type ExperimentSpec } from "./config";
import { batchJobId, batchKey, enqueueBatches, evaluateJobId, evaluationQueue, firstStageQueue, namedQueue, userEvaluationQueue } from "./jobs";

/**
 * Run lifecycle: create, start, pause, resume, cancel, and the reconciler
 * that keeps the right batches in flight. State lives in PostgreSQL (status,
 * processed-batch ledger) and the queue; any process may call these.
 */

export class LifecycleError extends Error {
  constructor(message: string, readonly status = 409) {
    super(message);
  }
}

export async function createExperiment(prisma: PrismaClient, config: ExperimentConfig | ExperimentSpec) {
  const qdOffset = vectorSpace(config).qdScoreOffset;
  const descriptors = effectiveDescriptors(config);
  return prisma.experiment.create({
    data: {
      name: config.name,
      notes: config.notes,
      config: config as object,
      domainType: config.domain.type,
      archiveType: config.archive.type,
      emitterType: config.emitter.type,
      seed: config.seed,
      batchSize: config.batchSize,
      budgetEvaluations: config.budget.evaluations,
      budgetCostUsd: config.budget.costUsd ?? null,
      cells: cellCount(config),
      qdOffset,
      islandCount: config.islands?.count ?? 0,
      descriptors: { create: descriptors.map((d, index) => ({ index, name: d.name, min: d.min, max: d.max, bins: d.bins })) },
    },
    include: { descriptors: { orderBy: { index: "asc" } } },
  });
}

type Status = "draft" | "queued" | "running" | "paused" | "completed" | "cancelled" | "failed";

/** Moves status `from` → `to` atomically; throws a 409 with a clear reason when the run is elsewhere. */
async function transition(prisma: PrismaClient, id: string, from: Status[], to: Status, action: string, reason?: string) {
  const now = new Date();
  const updated = await prisma.experiment.updateMany({
    where: { id, status: { in: from } },
    data: {
      status: to,
      statusReason: reason ?? null,
      ...(to === "running" ? { finishedAt: null } : {}),
      ...(["completed", "cancelled", "failed"].includes(to) ? { finishedAt: now } : {}),
    },
  });
  if (updated.count === 0) {
    const current = await prisma.experiment.findUnique({ where: { id }, select: { status: true } });
    if (!current) throw new LifecycleError(`experiment ${id} does not exist`, 404);
    throw new LifecycleError(`cannot ${action} an experiment that is ${current.status}`);
  }
  if (to === "running") await prisma.experiment.updateMany({ where: { id, startedAt: null }, data: { startedAt: now } });
  await recordStatusEvent(prisma, id, to, reason);
}

export async function startExperiment(prisma: PrismaClient, queues: QueueFactory, id: string) {
  await transition(prisma, id, ["draft", "queued"], "running", "start");
  await reconcileExperiment(prisma, queues, id);
}

/** In-flight batches finish and are counted; nothing new starts. */
export async function pauseExperiment(prisma: PrismaClient, id: string, reason?: string) {
  await transition(prisma, id, ["running", "queued"], "paused", "pause", reason);
}

export async function resumeExperiment(prisma: PrismaClient, queues: QueueFactory, id: string) {
  await transition(prisma, id, ["paused", "failed"], "running", "resume");
  await reconcileExperiment(prisma, queues, id);
}

export async function cancelExperiment(prisma: PrismaClient, id: string) {
  await transition(prisma, id, ["draft", "queued", "running", "paused"], "cancelled", "cancel");
}

export async function failExperiment(prisma: PrismaClient, id: string, reason: string) {
  await transition(prisma, id, ["running", "queued"], "failed", "fail", reason).catch((e) => {
    if (!(e instanceof LifecycleError)) throw e;
  });
}

/**
 * Makes sure every batch that should be in flight is in the queue: batches
 * [0, min(total, done + maxInFlight)) that are not in the ledger. Re-adding an
 * existing job is a no-op, so this heals lost jobs (a Redis restart, a worker
 * killed between commit and enqueue) without ever duplicating work. A batch
 * that exhausted its retries fails the run with that batch's reason.
 */
export async function reconcileExperiment(prisma: PrismaClient, queues: QueueFactory, id: string): Promise<number> {
  const exp = await prisma.experiment.findUnique({ where: { id }, select: { status: true, batchesDone: true, config: true } });
  if (!exp || exp.status !== "running") return 0;
  const config = exp.config as unknown as ExperimentSpec;
  // External (ask/tell) experiments are evaluated by the client: no batch jobs.
  if (isExternal(config)) return 0;
  const stageQueue = firstStageQueue(config);
  const plan = jobPlan(config);
  const hi = Math.min(plan.totalJobs, exp.batchesDone + config.maxInFlight);
  if (hi <= 0) return 0;
  const chains = emitterChains(config);
  // CMA runs: each emitter's next job, never one whose predecessor in the chain has not landed.
  const bandit = banditOf(config);
  const missing = chains
    ? bandit
      ? await banditHeads(prisma, id, bandit, plan.totalJobs)
      : await chainHeads(prisma, id, chains, plan.totalJobs)
    : await prisma.$queryRawUnsafe<{ k: number }[]>(
        `SELECT k FROM generate_series(0, $2::int - 1) AS k
         WHERE NOT EXISTS (SELECT 1 FROM "ProcessedBatch" p WHERE p."experimentId" = $1::uuid AND p."batchId" = 'j' || k)`,
        id,
        hi,
      );
  const toAdd: number[] = [];
  for (const { k } of missing) {
    // A job in flight may be in either stage; only a job in neither is lost.
    const stages = stageQueue
      ? [await namedQueue(queues, stageQueue).getJob(batchJobId(id, k)), await userEvaluationQueue(queues).getJob(evaluateJobId(id, k))]
      : [await evaluationQueue(queues).getJob(batchJobId(id, k))];
    const jobs = stages.filter((j) => j !== undefined && j !== null);
    if (!jobs.length) {
      toAdd.push(k);
      continue;
    }
    for (const job of jobs) {
      if ((await job.getState()) === "failed") {
        await failExperiment(prisma, id, `batch ${batchKey(k)} failed ${job.attemptsMade} times: ${job.failedReason}`);
        await job.remove().catch(() => {});
        return 0;
      }
    }
  }
  await enqueueBatches(queues, id, toAdd, stageQueue);
  return toAdd.length;
}

/** Reconciles every running experiment (called periodically by workers). */
export async function reconcileAll(prisma: PrismaClient, queues: QueueFactory): Promise<void> {
  const running = await prisma.experiment.findMany({ where: { status: "running" }, select: { id: true } });
  for (const { id } of running) await reconcileExperiment(prisma, queues, id);
}
