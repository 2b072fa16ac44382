import type { JobsOptions, Queue } from "bullmq";
import type { QueueFactory } from "@/lib/queue/connection";
import { QUEUES } from "@/lib/queue/names";

/** A numbered batch of one experiment: generate, evaluate and insert `jobPlan().sizeOf(k)` candidates. */
export interface BatchJobData {
  experimentId: string;
  k: number;
}

/** Deterministic ids make enqueueing idempotent: adding an existing job is a no-op. */
export const batchJobId = (experimentId: string, k: number) => `${experimentId}_${k}`;
export const batchKey = (k: number) => `j${k}`;

export const BATCH_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1000 },
  // Removed on completion so a paused-then-resumed batch can be enqueued again under the same id.
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

const holder = new WeakMap<QueueFactory, Queue>();

export function evaluationQueue(queues: QueueFactory): Queue {
  let q = holder.get(queues);
  if (!q) holder.set(queues, (q = queues.queue(QUEUES.evaluation)));
  return q;
}

export async function enqueueBatches(queues: QueueFactory, experimentId: string, ks: number[]): Promise<void> {
  if (!ks.length) return;
  await evaluationQueue(queues).addBulk(
    ks.map((k) => ({ name: "batch", data: { experimentId, k } satisfies BatchJobData, opts: { ...BATCH_JOB_OPTIONS, jobId: batchJobId(experimentId, k) } })),
  );
}
