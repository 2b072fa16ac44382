import type { Job, Processor } from "bullmq";
import type { WorkerContext } from "../context";
import { QUEUES, type QueueName } from "@/lib/queue/names";
import type { z } from "zod";
import { BatchJobPayload, EvaluateJobPayload, payloadOf } from "@/lib/queue/payloads";
import { readEnv } from "@/lib/config";
import { createBatchProcessor } from "./batch";
import { createStagedProcessors } from "./staged";


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
  const env = readEnv();
  const evaluationConcurrency = env.QD_EVALUATION_CONCURRENCY;
  const mutationConcurrency = env.QD_MUTATION_CONCURRENCY;
  // Evaluate jobs of staged runs wait on their evaluator: many at once, within QD_EVALUATION_SLOTS.
  const userEvaluationConcurrency = env.QD_USER_EVALUATION_CONCURRENCY;
  const batch = createBatchProcessor(ctx);
  const user = createStagedProcessors(ctx);
  const runBatch = checked(BatchJobPayload, batch);
  const mutate = checked(BatchJobPayload, user.mutate);
  const evaluate = checked(EvaluateJobPayload, user.evaluate);
  const evaluation: Processor = (job: Job) => (job.name === "evaluate" ? evaluate(job) : runBatch(job));
  const specs: ProcessorSpec[] = [
    { queue: QUEUES.evaluation, processor: evaluation, concurrency: evaluationConcurrency },
    { queue: QUEUES.mutation, processor: mutate, concurrency: mutationConcurrency },
    { queue: QUEUES.userEvaluation, processor: evaluate, concurrency: userEvaluationConcurrency },
  ];
  // LLM experiments' first stage, on the per-provider queues (see workers/llm-queues.ts).
  const close = async () => {
    for (const line of batch.flushCosts()) ctx.log(line);
    await user.close();
  };
  return Object.assign(specs, { close, llm: mutate });
}

/** A processor that first checks its job's payload (the job keeps its data as sent, unknown fields included). */
function checked<S extends z.ZodType>(schema: S, run: (job: Job<z.infer<S>>) => Promise<unknown>): Processor {
  return async (job: Job) => {
    payloadOf(schema, job);
    return run(job as Job<z.infer<S>>);
  };
}
