import { prisma } from "@/lib/db/client";
import { ApiError } from "./errors";
import { decodeCursor, encodeCursor } from "./experiments";

/**
 * What the user's evaluator did with a run's candidates: the evaluated and
 * failed solutions, newest first, and the metric keys it has produced so far.
 */

/** Logs longer than this are cut in list responses (the full text is at GET /api/solutions/:id). */
export const LIST_LOG_CHARS = 4000;

export interface EvaluationRow {
  id: string;
  status: "evaluated" | "failed" | "invalid" | "duplicate";
  fitness: number | null;
  descriptors: number[];
  cell: number | null;
  operator: string;
  error: string | null;
  logs: string | null;
  logsTruncated: boolean;
  evalMs: number | null;
  metrics: Record<string, unknown> | null;
  elite: boolean;
  duplicateOf: string | null;
  similarity: number | null;
  createdAt: Date;
}

async function assertExperiment(id: string) {
  const e = await prisma.experiment.findUnique({ where: { id }, select: { id: true } });
  if (!e) throw new ApiError(404, `experiment ${id} not found`);
}

/** Keyset page over (createdAt desc, id desc), one or both statuses. */
export async function listEvaluations(id: string, q: { status?: ("evaluated" | "failed" | "invalid" | "duplicate")[]; limit: number; cursor?: string }) {
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  await assertExperiment(id);
  const statuses = q.status?.length ? q.status : ["evaluated", "failed", "invalid", "duplicate"];
  const rows = await prisma.$queryRawUnsafe<(Omit<EvaluationRow, "logsTruncated" | "elite"> & { logsLength: number | null; eliteRevision: bigint | null })[]>(
    `SELECT id, status::text AS status, fitness, descriptors, cell, operator, error,
            left(logs, ${LIST_LOG_CHARS}) AS logs, length(logs) AS "logsLength", "evalMs", metrics, "eliteRevision", "createdAt",
            "duplicateOf"::text AS "duplicateOf", similarity, model, "promptTokens", "completionTokens", "costUsd"
       FROM "Solution"
      WHERE "experimentId" = $1::uuid
        AND status::text = ANY($2::text[])
        AND ($3::timestamptz IS NULL OR ("createdAt", id) < ($3::timestamptz, $4::uuid))
      ORDER BY "createdAt" DESC, id DESC
      LIMIT $5`,
    id,
    statuses,
    after?.createdAt ?? null,
    after?.id ?? null,
    q.limit + 1,
  );
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    solutions: page.map(({ logsLength, eliteRevision, ...r }) => ({
      ...r,
      logsTruncated: (logsLength ?? 0) > LIST_LOG_CHARS,
      elite: eliteRevision !== null,
    })),
    nextCursor: more && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

export interface MetricKey {
  key: string;
  /** Solutions whose metrics carry this key. */
  count: number;
  /** Range of its numeric values so far (null when none is a number). */
  min: number | null;
  max: number | null;
}

/** The keys of the evaluator's `metrics` over the run's stored solutions, most frequent first. */
export async function metricKeys(id: string): Promise<{ keys: MetricKey[]; solutions: number; stages: { stage: number; count: number }[] }> {
  await assertExperiment(id);
  const [keys, [total], stages] = await Promise.all([
    prisma.$queryRawUnsafe<MetricKey[]>(
      `SELECT k.key, count(*)::int AS count,
              min(CASE WHEN jsonb_typeof(s.m -> k.key) = 'number' THEN (s.m ->> k.key)::float8 END) AS min,
              max(CASE WHEN jsonb_typeof(s.m -> k.key) = 'number' THEN (s.m ->> k.key)::float8 END) AS max
         FROM (SELECT metrics AS m FROM "Solution"
                WHERE "experimentId" = $1::uuid AND metrics IS NOT NULL AND jsonb_typeof(metrics) = 'object') s,
              LATERAL jsonb_object_keys(s.m) AS k(key)
        GROUP BY k.key
        ORDER BY count(*) DESC, k.key
        LIMIT 500`,
      id,
    ),
    prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "Solution" WHERE "experimentId" = $1::uuid AND metrics IS NOT NULL AND jsonb_typeof(metrics) = 'object'`,
      id,
    ),
    // Program domain with an evaluation cascade: how many evaluated candidates stopped at each stage.
    prisma.$queryRawUnsafe<{ stage: number; count: number }[]>(
      `SELECT (metrics ->> 'stage')::float8::int AS stage, count(*)::int AS count FROM "Solution"
        WHERE "experimentId" = $1::uuid AND status = 'evaluated' AND jsonb_typeof(metrics -> 'stage') = 'number'
        GROUP BY 1 ORDER BY 1`,
      id,
    ),
  ]);
  return { keys, solutions: total?.n ?? 0, stages };
}
