import { readEnv } from "@/lib/config";
import type { PrismaClient } from "@/lib/generated/prisma/client";

/** How often a long evaluation looks whether its run was cancelled (ms). */
const POLL_MS = readEnv().QD_CANCEL_POLL_MS;

/**
 * An AbortSignal that fires once the experiment is cancelled or deleted, so a job's running
 * evaluations (processes, requests) stop instead of finishing work nobody will keep. Paused runs
 * finish what is in flight, so a pause does not fire it. Call `stop()` when the job is done.
 */
export function watchForCancel(prisma: PrismaClient, experimentId: string, pollMs = POLL_MS): { signal: AbortSignal; stop(): void } {
  const ac = new AbortController();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const exp = await prisma.experiment.findUnique({ where: { id: experimentId }, select: { status: true } });
      if (!exp || exp.status === "cancelled") ac.abort();
    } catch {
      // The database is away for a moment: keep evaluating; the commit will meet the same problem.
    }
    if (!stopped && !ac.signal.aborted) timer = setTimeout(tick, pollMs);
  };
  timer = setTimeout(tick, pollMs);
  return {
    signal: ac.signal,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
