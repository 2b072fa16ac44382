import os from "node:os";
import crypto from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { HEARTBEAT_MS } from "@/lib/runtime/worker-liveness";

/**
 * Announces this worker process in the database so /api/health can count live workers. A failed
 * beat (the database restarting) goes to `report`, which names the reason and folds repeats.
 */
export function startHeartbeat(prisma: PrismaClient, queues: string[], report: (what: string, error: unknown) => void) {
  const id = `${os.hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
  const beat = () =>
    prisma.workerHeartbeat.upsert({
      where: { id },
      create: { id, hostname: os.hostname(), pid: process.pid, queues },
      update: { lastSeenAt: new Date() },
    });
  let timer: NodeJS.Timeout | undefined;
  const loop = async () => {
    await beat().catch((error: unknown) => report("heartbeat", error));
    timer = setTimeout(loop, HEARTBEAT_MS);
    timer.unref();
  };
  return {
    id,
    started: loop(),
    async stop() {
      clearTimeout(timer);
      await prisma.workerHeartbeat.delete({ where: { id } }).catch(() => {});
    },
  };
}
