import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { QueueFactory } from "@/lib/queue/connection";

/** What every processor and background loop of a worker process shares. */
export interface WorkerContext {
  prisma: PrismaClient;
  queues: QueueFactory;
  log: (line: string) => void;
}
