import { createHash } from "node:crypto";
import type { JobsOptions, Queue } from "bullmq";
import type { QueueFactory } from "@/lib/queue/connection";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { QUEUES } from "@/lib/queue/names";
import type { BatchJobData, EvaluateJobData } from "@/lib/queue/payloads";
import { runsInStages, type ExperimentSpec } from "./config";

export type { BatchJobData, EvaluateJobData, StagedCandidate } from "@/lib/queue/payloads";

/** Deterministic ids make enqueueing idempotent: adding an existing job is a no-op. */
export const batchJobId = (experimentId: string, k: number) => `${experimentId}_${k}`;
export const batchKey = (k: number) => `j${k}`;
export const evaluateJobId = (experimentId: string, k: number) => `${experimentId}_${k}_e`;

export const BATCH_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1000 },
  // Removed on completion so a paused-then-resumed batch can be enqueued again under the same id.
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

const holders = new Map<string, WeakMap<QueueFactory, Queue>>();

function queueOf(queues: QueueFactory, name: string): Queue {
  let holder = holders.get(name);
  if (!holder) holders.set(name, (holder = new WeakMap()));
  let q = holder.get(queues);
  if (!q) holder.set(queues, (q = queues.queue(name)));
  return q;
}

export const evaluationQueue = (queues: QueueFactory) => queueOf(queues, QUEUES.evaluation);
export const mutationQueue = (queues: QueueFactory) => queueOf(queues, QUEUES.mutation);
/** Staged runs' "evaluate" jobs (their own queue: they wait on evaluators, unlike CPU-bound batches). */
export const userEvaluationQueue = (queues: QueueFactory) => queueOf(queues, QUEUES.userEvaluation);
export const namedQueue = queueOf;

/**
 * LLM calls go through one queue per provider (base URL + key variable), so BullMQ's global
 * rate limit and concurrency on that queue hold across every worker talking to that provider.
 */
export function llmQueueName(emitter: { baseURL: string; apiKeyEnv?: string }): string {
  const key = createHash("sha256").update(`${emitter.baseURL}\n${emitter.apiKeyEnv ?? ""}`).digest("hex").slice(0, 12);
  return `${LLM_QUEUE_PREFIX}${key}`;
}
export const LLM_QUEUE_PREFIX = "qd-llm-";

/** Configurations of the LLM experiments that may still call their provider. */
export async function liveLlmConfigs(prisma: PrismaClient): Promise<ExperimentSpec[]> {
  const live = await prisma.experiment.findMany({ where: { emitterType: "llm", status: { in: ["queued", "running", "paused"] } }, select: { config: true } });
  return live.map((e) => e.config as unknown as ExperimentSpec);
}

/** The provider queues live LLM experiments use, with the provider host they stand for. */
export async function llmQueuesInUse(prisma: PrismaClient): Promise<{ name: string; provider: string }[]> {
  const byName = new Map<string, string>();
  for (const config of await liveLlmConfigs(prisma)) {
    const emitter = config.emitter as { baseURL: string; apiKeyEnv?: string };
    byName.set(llmQueueName(emitter), new URL(emitter.baseURL).host);
  }
  return [...byName].map(([name, provider]) => ({ name, provider }));
}

/** Where the first stage of an experiment's job runs: null = one in-place "batch" job on the evaluation queue. */
export function firstStageQueue(config: { domain: { type: string }; emitter: { type: string } }): string | null {
  if (config.emitter.type === "llm") return llmQueueName(config.emitter as unknown as { baseURL: string; apiKeyEnv?: string });
  return runsInStages(config) ? QUEUES.mutation : null;
}

/**
 * Enqueues numbered jobs: in place ("batch" on the evaluation queue) for
 * built-in domains, or as the first stage ("mutate" on the mutation queue)
 * for user-evaluated ones.
 */
export async function enqueueBatches(queues: QueueFactory, experimentId: string, ks: number[], stageQueue: string | null = null): Promise<void> {
  if (!ks.length) return;
  const queue = stageQueue ? queueOf(queues, stageQueue) : evaluationQueue(queues);
  await queue.addBulk(
    ks.map((k) => ({ name: stageQueue ? "mutate" : "batch", data: { experimentId, k } satisfies BatchJobData, opts: { ...BATCH_JOB_OPTIONS, jobId: batchJobId(experimentId, k) } })),
  );
}

export async function enqueueEvaluation(queues: QueueFactory, data: EvaluateJobData): Promise<void> {
  const jobId = data.k >= 0 ? evaluateJobId(data.experimentId, data.k) : `${data.experimentId}_${data.batchId!.replace(/:/g, "-")}`;
  await userEvaluationQueue(queues).add("evaluate", data, { ...BATCH_JOB_OPTIONS, jobId });
}
