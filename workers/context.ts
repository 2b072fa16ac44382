import type pg from "pg";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { QueueFactory } from "@/lib/queue/connection";

/** What every processor and background loop of a worker process shares. */
export interface WorkerContext {
  prisma: PrismaClient;
  /** Numbered jobs refresh and (plain numeric batches) commit through it, without Prisma (lib/db/direct-pool.ts); absent: all through Prisma. */
  directPool?: pg.Pool;
  queues: QueueFactory;
  log: (line: string) => void;
}
