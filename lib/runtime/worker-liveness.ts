import type { PrismaClient } from "@/lib/generated/prisma/client";

/** How often a worker says it is alive (workers/heartbeat.ts), and how stale a heartbeat may get before it counts as gone. */
export const HEARTBEAT_MS = 5_000;
export const WORKER_STALE_MS = 3 * HEARTBEAT_MS;

/** Worker processes that said they were alive recently (what /api/health reports). */
export async function countLiveWorkers(prisma: PrismaClient): Promise<number> {
  return prisma.workerHeartbeat.count({ where: { lastSeenAt: { gt: new Date(Date.now() - WORKER_STALE_MS) } } });
}
