import type { Processor } from "bullmq";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { QueueFactory } from "@/lib/queue/connection";
import { QUEUES, type QueueName } from "@/lib/queue/names";

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

/** The job handlers this process runs, one per queue. */
export function createProcessors(ctx: WorkerContext): ProcessorSpec[] {
  void ctx;
  return [
    { queue: QUEUES.control, processor: async () => undefined, concurrency: 1 },
  ];
}
