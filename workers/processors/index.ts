import type { Job, Processor } from "bullmq";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { QueueFactory } from "@/lib/queue/connection";
import { QUEUES, type QueueName } from "@/lib/queue/names";
import type { BatchJobData, EvaluateJobData } from "@/lib/experiments/jobs";
import { readEnv } from "@/lib/config";
import { createBatchProcessor } from "./batch";
import { createStagedProcessors } from "./staged";

export interface WorkerContext {
  prisma: PrismaClient;
  queues: QueueFactory;
  log: (line: string) => void;
}

export interface ProcessorSpec {
  queue: QueueName;
  processor: Processor;
  concurrency: number;
}

/**
 * The job handlers this process runs.
 * - evaluation queue, "batch": built-in numeric domains are cheap to mutate and evaluate, so one
 *   job generates, evaluates and inserts a whole batch in place (shipping 100-D genomes through
 *   the queue would cost more than computing them);
 * - mutation queue, "mutate", then user-evaluation queue, "evaluate": experiments scored by the
 *   user's evaluator, whose two stages scale separately ("evaluate" jobs left on the evaluation
 *   queue by an older version are still run).
 */
export function createProcessors(ctx: WorkerContext): ProcessorSpec[] & { close(): Promise<void>; llm: Processor } {
  const evaluationConcurrency = Number(process.env.QD_EVALUATION_CONCURRENCY ?? 1);
  const mutationConcurrency = Number(process.env.QD_MUTATION_CONCURRENCY ?? 4);
  // Evaluate jobs of staged runs wait on their evaluator: many at once, within QD_EVALUATION_SLOTS.
  const userEvaluationConcurrency = readEnv().QD_USER_EVALUATION_CONCURRENCY;
  const batch = createBatchProcessor(ctx);
  const user = createStagedProcessors(ctx);
  const evaluation: Processor = (job: Job) =>
    job.name === "evaluate" ? user.evaluate(job as Job<EvaluateJobData>) : batch(job as Job<BatchJobData>);
  const specs: ProcessorSpec[] = [
    { queue: QUEUES.evaluation, processor: evaluation, concurrency: evaluationConcurrency },
    { queue: QUEUES.mutation, processor: user.mutate as Processor, concurrency: mutationConcurrency },
    { queue: QUEUES.userEvaluation, processor: user.evaluate as Processor, concurrency: userEvaluationConcurrency },
  ];
  // LLM experiments' first stage, on the per-provider queues (see workers/llm-queues.ts).
  const close = async () => {
    for (const line of batch.flushCosts()) ctx.log(line);
    await user.close();
  };
  return Object.assign(specs, { close, llm: user.mutate as Processor });
}
