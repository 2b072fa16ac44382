import { pool } from "./archive";
import { ApiError } from "./errors";
import { COMPRESS_MIN_CHARS, noStore, stringify } from "./http";
import { acceptsGzip, PRECOMPRESSED_HEADER, precompressedBodies } from "./precompressed";
import { gzipSliced } from "./sliced-gzip";

/**
 * GET /api/experiments/:id/metrics, answered from one body per (experiment, after, limit) that changes
 * only when snapshots are added. A dashboard reads the whole curve (up to 1,000 snapshots, ~200 KB) on
 * every poll; mapping 1,001 rows, the JSON and its gzip were most of that read's cost, once per
 * reader. Snapshot rows never change once written (INSERT … ON CONFLICT DO NOTHING, deleted only with
 * their experiment), so a request only counts the rows after `after` (an index range): same count
 * and maximum → the same body; new rows all beyond the cached ones → those rows are appended (or, once
 * the answer is truncated at `limit`, it stays as it is); anything else → read again.
 */
interface SnapshotRow {
  evaluations: number;
  coverage: number;
  qdScore: number;
  normQdScore: number;
  maxFitness: number | null;
  meanFitness: number | null;
  numElites: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  createdAt: Date;
}

interface Answer {
  /** Rows after `after` when read, and the highest evaluation count among them. */
  count: number;
  max: number | null;
  /** The first limit + 1 of them (all of them while there are no more than `limit`). */
  rows: SnapshotRow[];
  body: Buffer;
  /** The body gzipped, made on the first request that accepts it. */
  gzip?: Promise<Buffer>;
}

/** The prisma model's fields in its order, without experimentId: the same JSON as `findMany({ omit: { experimentId: true } })`. */
const COLUMNS = `evaluations, coverage, "qdScore", "normQdScore", "maxFitness", "meanFitness", "numElites", "promptTokens", "completionTokens", "costUsd", "createdAt"`;

/** Distinct (experiment, after, limit) answers kept; a dashboard polls one, scripts page through others. */
const KEEP = 64;
const holder = globalThis as unknown as { __qdMetricsAnswers?: Map<string, Promise<Answer>> };
const answers = (holder.__qdMetricsAnswers ??= new Map());

export async function metricsResponse(req: Request, experimentId: string, after: number, limit: number): Promise<Response> {
  const answer = await currentAnswer(experimentId, after, limit);
  if (answer.rows.length === 0) {
    const { rows } = await pool().query(`SELECT 1 FROM "Experiment" WHERE id = $1::uuid`, [experimentId]);
    if (!rows.length) throw new ApiError(404, `experiment ${experimentId} not found`);
  }
  const headers = { "content-type": "application/json; charset=utf-8", "cache-control": noStore(answer.body.length) };
  if (answer.body.length < COMPRESS_MIN_CHARS || !precompressedBodies() || !acceptsGzip(req)) return new Response(new Uint8Array(answer.body), { headers });
  // Level 1: the repeated keys compress at any level; higher levels cost more CPU for a few % (README, bench/archive-gzip.ts).
  // Gzipped on the web thread a few milliseconds at a time, as the archive is (sliced-gzip.ts: the thread pool's round trip waited longer than the work).
  const zipped = (answer.gzip ??= gzipSliced(answer.body, { level: 1 }));
  zipped.catch(() => {
    if (answer.gzip === zipped) answer.gzip = undefined;
  });
  return new Response(new Uint8Array(await zipped), { headers: { ...headers, [PRECOMPRESSED_HEADER]: "gzip" } });
}

async function currentAnswer(experimentId: string, after: number, limit: number): Promise<Answer> {
  const key = `${experimentId}:${after}:${limit}`;
  const held = answers.get(key);
  const prev = held ? await held.catch(() => undefined) : undefined;
  const { rows } = await pool().query<{ count: number; beyond: number; max: number | null }>(
    `SELECT count(*)::int AS count, count(*) FILTER (WHERE evaluations > $3)::int AS beyond, max(evaluations) AS max
     FROM "MetricSnapshot" WHERE "experimentId" = $1::uuid AND evaluations > $2`,
    [experimentId, after, prev?.max ?? after],
  );
  const now = rows[0]!;
  if (prev && prev.count === now.count && prev.max === now.max) return prev;
  // Concurrent readers that see the same state share one read (the newest one started is what is kept).
  const latest = answers.get(key);
  if (latest && latest !== held) {
    const other = await latest.catch(() => undefined);
    if (other && other.count === now.count && other.max === now.max) return other;
  }
  const next = readAnswer(experimentId, after, limit, prev, now);
  answers.delete(key);
  answers.set(key, next);
  if (answers.size > KEEP) answers.delete(answers.keys().next().value!);
  next.catch(() => {
    if (answers.get(key) === next) answers.delete(key);
  });
  return next;
}

async function readAnswer(experimentId: string, after: number, limit: number, prev: Answer | undefined, now: { count: number; beyond: number; max: number | null }): Promise<Answer> {
  // Every row added since `prev` lies beyond its last one: keep what it has.
  if (prev && prev.max !== null && prev.count + now.beyond === now.count) {
    if (prev.rows.length > limit) return { ...prev, count: now.count, max: now.max };
    const added = await snapshotsAfter(experimentId, prev.max, limit + 1 - prev.rows.length);
    return answerOf([...prev.rows, ...added], after, limit, now);
  }
  return answerOf(await snapshotsAfter(experimentId, after, limit + 1), after, limit, now);
}

async function snapshotsAfter(experimentId: string, after: number, take: number): Promise<SnapshotRow[]> {
  const { rows } = await pool().query<SnapshotRow>(
    `SELECT ${COLUMNS} FROM "MetricSnapshot" WHERE "experimentId" = $1::uuid AND evaluations > $2 ORDER BY evaluations LIMIT $3`,
    [experimentId, after, take],
  );
  return rows;
}

function answerOf(rows: SnapshotRow[], after: number, limit: number, counted: { count: number; max: number | null }): Answer {
  const snapshots = rows.slice(0, limit);
  const body = Buffer.from(stringify({ snapshots, last: snapshots.at(-1)?.evaluations ?? after, more: rows.length > limit }));
  // All rows in hand: their own count and maximum (rows committed since the count are included); truncated: the count taken before.
  if (rows.length <= limit) return { count: rows.length, max: rows.at(-1)?.evaluations ?? null, rows, body };
  return { count: counted.count, max: counted.max, rows, body };
}
