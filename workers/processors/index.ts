import type { Processor } from "bullmq";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { QueueFactory } from "@/lib/queue/connection";
import { QUEUES, type QueueName } from "@/lib/queue/names";
import { createBatchProcessor } from "./batch";

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
 * The job handlers this process runs. Numeric domains are cheap to mutate and
 * evaluate, so one evaluation job generates, evaluates and inserts a whole
 * batch in place (shipping 100-D genomes through the queue would cost more
 * than computing them). The mutation queue carries slow operators (LLM, user
 * code) whose candidates are then evaluated separately.
 */
export function createProcessors(ctx: WorkerContext): ProcessorSpec[] {
  // CPU-bound: one job at a time per process; add processes to scale.
  const evaluationConcurrency = Number(process.env.QD_EVALUATION_CONCURRENCY ?? 1);
  return [{ queue: QUEUES.evaluation, processor: createBatchProcessor(ctx) as Processor, concurrency: evaluationConcurrency }];
}
