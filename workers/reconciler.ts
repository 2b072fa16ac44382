import { readEnv } from "@/lib/config";
import { reconcileAll } from "@/lib/experiments/lifecycle";
import type { WorkerContext } from "./context";
import { failureLogFor } from "./failure-log";

/**
 * Every worker runs this loop, so orchestration has no single owner: whichever
 * worker gets the advisory lock re-enqueues missing batches of running
 * experiments (after a crash, a Redis restart, a resume).
 */
const LOCK_KEY = 0x5153_0001;

export function startReconciler(ctx: WorkerContext, intervalMs = readEnv().QD_RECONCILE_MS) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      await ctx.prisma.$transaction(
        async (tx) => {
          const [{ locked }] = await tx.$queryRawUnsafe<{ locked: boolean }[]>(`SELECT pg_try_advisory_xact_lock(${LOCK_KEY}) AS locked`);
          if (locked) await reconcileAll(ctx.prisma, ctx.queues);
        },
        { timeout: 60_000, maxWait: 30_000 },
      );
    } catch (error) {
      failureLogFor(ctx.log).report("reconcile", error);
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  timer = setTimeout(tick, 200);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
