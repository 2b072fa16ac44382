import { prisma } from "@/lib/db/client";
import { getQueues } from "@/lib/queue/server";
import { QUEUES } from "@/lib/queue/names";
import { llmQueuesInUse } from "@/lib/experiments/jobs";
import { json, otherMethods, parseQuery, route } from "@/lib/api/http";
import { EmptyQuery } from "@/lib/api/schemas";
import { redactSecrets } from "@/lib/api/redact";
import { sharedRead } from "@/lib/api/shared-read";

export const dynamic = "force-dynamic";

const STATES = ["waiting", "active", "delayed", "prioritized", "waiting-children", "completed", "failed"] as const;
/** One Queue object per name for the server's lifetime (the factory keeps what it creates until shutdown). */
const held: Record<string, ReturnType<ReturnType<typeof getQueues>["queue"]>> = ((globalThis as { __qdApiQueues?: Record<string, never> }).__qdApiQueues ??= {});

/** A worker whose heartbeat is older than this is not counted as connected (workers beat every 5 s). */
const STALE_MS = 15_000;

/**
 * Every client polling the queues panel shares one read per second: about a dozen BullMQ calls and a
 * query each, which under a live run cost more than the answer is worth per client.
 */
const SHARED_MS = 1000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);
}

/**
 * GET /api/queues → { backend, queues: [{ name, provider?, limits?, counts: { waiting, active, … }, workers, failures: [{ id, name, reason, attempts, failedAt, data }] }],
 *                      (qd-mutation, qd-evaluation, qd-user-evaluation, and one qd-llm-… queue per LLM provider in use, with its global rate limit and concurrency)
 *                      workers: [{ id, hostname, pid, queues, startedAt, lastSeenAt }] }
 */
export const GET = route(async (req) => {
  parseQuery(req, EmptyQuery);
  return json(await sharedRead("queues", SHARED_MS, readQueues));
});

async function readQueues() {
  const factory = getQueues();
  // The fixed queues, then one per LLM provider in use (with BullMQ's global limits on it).
  const llm = await llmQueuesInUse(prisma);
  const names = [...Object.values(QUEUES).map((name) => ({ name, provider: undefined as string | undefined })), ...llm];
  const queues = await Promise.all(
    names.map(async ({ name, provider }) => {
      const q = (held[name] ??= factory.queue(name));
      try {
        const [counts, failed, workers, limits] = await withTimeout(
          Promise.all([
            q.getJobCounts(...STATES),
            q.getFailed(0, 9),
            q.getWorkers().catch(() => null),
            provider ? Promise.all([q.getGlobalRateLimit().catch(() => null), q.getGlobalConcurrency().catch(() => null)]) : null,
          ]),
          5000,
        );
        return {
          name,
          ...(provider ? { provider, limits: { rateLimit: limits?.[0] ?? null, concurrency: limits?.[1] ?? null } } : {}),
          counts,
          workers: workers ? workers.length : null,
          failures: failed.filter(Boolean).map((j) => ({ id: j.id, name: j.name, reason: j.failedReason, attempts: j.attemptsMade, failedAt: j.finishedOn ? new Date(j.finishedOn) : null, data: redactSecrets(j.data) })),
        };
      } catch (error) {
        return { name, error: `queue backend unavailable: ${(error as Error).message.split("\n")[0]}`, counts: null, workers: null, failures: [] };
      }
    }),
  );
  const workers = await prisma.workerHeartbeat.findMany({ where: { lastSeenAt: { gt: new Date(Date.now() - STALE_MS) } }, orderBy: { startedAt: "asc" } });
  return { backend: factory.settings.backend, queues, workers };
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
