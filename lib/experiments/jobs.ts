import type { JobsOptions, Queue } from "bullmq";
import type { QueueFactory } from "@/lib/queue/connection";
import { QUEUES } from "@/lib/queue/names";

/** A numbered batch of one experiment: generate, evaluate and insert `jobPlan().sizeOf(k)` candidates. */
export interface BatchJobData {
  experimentId: string;
  k: number;
}

/**
 * Job k of a user-evaluated experiment runs in two stages on two queues: the
 * mutation job proposes candidates, the evaluation job scores and inserts them.
 */
export interface EvaluateJobData {
  experimentId: string;
  k: number;
  candidates: { id: string; genome: number[]; parentIds: string[] }[];
  operator: string;
}

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

/**
 * Enqueues numbered jobs: in place ("batch" on the evaluation queue) for
 * built-in domains, or as the first stage ("mutate" on the mutation queue)
 * for user-evaluated ones.
 */
export async function enqueueBatches(queues: QueueFactory, experimentId: string, ks: number[], split = false): Promise<void> {
  if (!ks.length) return;
  const queue = split ? mutationQueue(queues) : evaluationQueue(queues);
  await queue.addBulk(
    ks.map((k) => ({ name: split ? "mutate" : "batch", data: { experimentId, k } satisfies BatchJobData, opts: { ...BATCH_JOB_OPTIONS, jobId: batchJobId(experimentId, k) } })),
  );
}

export async function enqueueEvaluation(queues: QueueFactory, data: EvaluateJobData): Promise<void> {
  await evaluationQueue(queues).add("evaluate", data, { ...BATCH_JOB_OPTIONS, jobId: evaluateJobId(data.experimentId, data.k) });
}
