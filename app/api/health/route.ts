import { prisma } from "@/lib/db/client";
import { getQueues } from "@/lib/queue/server";
import { countLiveWorkers } from "@/lib/runtime/worker-liveness";
import { checkAuth } from "@/lib/api/auth";

export const dynamic = "force-dynamic";

/**
 * GET /api/health → { ok, db, queue, workers }; 503 when a dependency is down.
 * With QD_API_TOKEN set and no valid credentials, only { ok }: load balancers and
 * `npm start` need the status, strangers need nothing about the back end.
 */
export async function GET(req: Request) {
  const detailed = healthDetailsAllowed(req);
  const [db, queue] = await Promise.all([
    check(() => prisma.$queryRaw`SELECT 1`),
    check(() => getQueues().ping()),
  ]);
  const workers = db.ok ? await countLiveWorkers(prisma).catch(() => 0) : 0;
  const ok = db.ok && queue.ok;
  if (!detailed) return Response.json({ ok }, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
  return Response.json(
    {
      ok,
      db: db.ok ? "up" : `down: ${db.error}`,
      queue: queue.ok ? `up (${getQueues().settings.backend})` : `down: ${queue.error}`,
      workers,
    },
    { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}

async function check(probe: () => Promise<unknown>): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error("timed out after 3 s")), 3000))]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message.split("\n")[0]! };
  }
}

/** Valid credentials (or no token configured); a wrong bearer token counts against the client's limit. */
function healthDetailsAllowed(req: Request): boolean {
  try {
    checkAuth(req);
    return true;
  } catch {
    return false;
  }
}
