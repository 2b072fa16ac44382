import { newSolutionId } from "@/lib/db/solution-id";
import type { prisma } from "@/lib/db/client";

/**
 * Ask/tell storage: an asked batch is ONE row ("AskBatch": genomes as one float64 block, parents,
 * operator, seed, expiry, and per-candidate outcomes once told). Candidate i of a batch is named by
 * the batch's UUID with its last 4 hex digits replaced by i, so a told id leads to its batch and
 * index with no row per candidate, and ids stay plain UUIDs (the Solution id of a candidate that
 * becomes an elite). Batch ids are time-ordered UUIDs (v7, lib/db/solution-id.ts) with those 16 bits
 * zero, so a batch's candidates land at the right edge of Solution's primary key, in order.
 */

type Tx = typeof prisma;

/** How long asked candidates reserve budget unless the ask says otherwise. */
export const DEFAULT_ASK_TTL_SECONDS = 24 * 3600;
/** Expired batches are kept this much longer, so a late tell hears "expired" rather than "unknown". */
const KEEP_EXPIRED_SECONDS = 24 * 3600;

export const Outcome = { Untold: 0, New: 1, Improved: 2, NotAdded: 3, Failed: 4 } as const;
export const OUTCOME_NAMES = ["untold", "new", "improved", "not_added", "failed"] as const;

export function newBatchId(): string {
  const id = newSolutionId();
  return `${id.slice(0, 32)}0000`;
}

export function candidateId(batchId: string, index: number): string {
  return `${batchId.slice(0, 32)}${index.toString(16).padStart(4, "0")}`;
}

/** The batch and index a candidate id names (any UUID parses; whether the batch exists is the caller's question). */
export function splitCandidateId(id: string): { batchId: string; index: number } {
  const lower = id.toLowerCase();
  return { batchId: `${lower.slice(0, 32)}0000`, index: parseInt(lower.slice(32), 16) };
}

export interface NewAskBatch {
  experimentId: string;
  genomes: Float64Array;
  count: number;
  dim: number;
  parents: string[][];
  operator: string;
  seed: number | null;
  ttlSeconds: number;
}

/** Stores one asked batch; returns its id, expiry and the parents block it wrote (count × parentsPer 16-byte UUIDs, zero = none). */
export async function insertAskBatch(tx: Tx, b: NewAskBatch): Promise<{ batchId: string; expiresAt: Date; parents: Buffer; parentsPer: number }> {
  const batchId = newBatchId();
  const parentsPer = Math.max(0, ...b.parents.map((p) => p.length));
  // Parents as 16-byte UUIDs: one binary block to write and to slice (a text[] of 20,000 ids costs more to parse than the rest of a tell).
  const parents = Buffer.alloc(b.count * parentsPer * 16);
  const raw = new Map<string, Buffer>();
  for (let i = 0; i < b.count; i++) {
    for (let j = 0; j < parentsPer; j++) {
      const id = b.parents[i]?.[j];
      if (!id) continue;
      let u = raw.get(id);
      if (!u) raw.set(id, (u = Buffer.from(id.replace(/-/g, ""), "hex")));
      u.copy(parents, (i * parentsPer + j) * 16);
    }
  }
  const cells = new Int32Array(b.count).fill(-1);
  const [row] = await tx.$queryRawUnsafe<{ expiresAt: Date }[]>(
    `INSERT INTO "AskBatch" (id, "experimentId", count, dim, genomes, parents, "parentsPer", operator, seed, outcomes, cells, fitness, "expiresAt")
     VALUES ($1::uuid, $2::uuid, $3::int, $4::int, $5, $6, $7::int, $8, $9::bigint, $10, $11, $12, now() + make_interval(secs => $13::float8))
     RETURNING "expiresAt"`,
    batchId,
    b.experimentId,
    b.count,
    b.dim,
    bytes(b.genomes, b.count * b.dim),
    new Uint8Array(parents.buffer, parents.byteOffset, parents.length),
    parentsPer,
    b.operator,
    b.seed,
    new Uint8Array(b.count),
    bytes(cells, b.count),
    new Uint8Array(b.count * 8),
    b.ttlSeconds,
  );
  return { batchId, expiresAt: new Date(row!.expiresAt), parents, parentsPer };
}

function bytes(a: Float64Array | Int32Array, n: number): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, n * a.BYTES_PER_ELEMENT);
}

/**
 * Candidates handed out and not told yet, over the batches that have not expired: the budget they
 * reserve. Call under the experiment's row lock (ask and tell both take it first), so the figure
 * and the expiry decisions of concurrent tells agree.
 */
export async function reservedCount(tx: Tx, experimentId: string): Promise<number> {
  const [r] = await tx.$queryRawUnsafe<{ n: number }[]>(
    `SELECT coalesce(sum(count - told), 0)::int AS n FROM "AskBatch" WHERE "experimentId" = $1::uuid AND "expiresAt" > now()`,
    experimentId,
  );
  return r!.n;
}

/** Drops batches long expired (under the experiment lock, like every AskBatch write). */
export async function pruneExpired(tx: Tx, experimentId: string): Promise<void> {
  await tx.$executeRawUnsafe(`DELETE FROM "AskBatch" WHERE "experimentId" = $1::uuid AND "expiresAt" < now() - make_interval(secs => $2::float8)`, experimentId, KEEP_EXPIRED_SECONDS);
}

export interface StoredAskBatch {
  id: string;
  experimentId: string;
  count: number;
  dim: number;
  parentsPer: number;
  operator: string;
  outcomes: Uint8Array;
  cells: Int32Array;
  fitness: Float64Array;
  told: number;
  expiresAt: Date;
  expired: boolean;
}

/** The batches of the given ids, locked for this transaction (`lock`), without their genomes. */
export async function loadAskBatches(tx: Tx, batchIds: string[], lock: boolean): Promise<Map<string, StoredAskBatch>> {
  const rows = await tx.$queryRawUnsafe<(Omit<StoredAskBatch, "cells" | "fitness"> & { cells: Uint8Array; fitness: Uint8Array })[]>(
    `SELECT id::text, "experimentId"::text AS "experimentId", count, dim, "parentsPer", operator, outcomes, cells, fitness, told, "expiresAt",
            "expiresAt" <= now() AS expired
     FROM "AskBatch" WHERE id = ANY($1::uuid[]) ${lock ? "FOR UPDATE" : ""}`,
    batchIds,
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        ...r,
        outcomes: Uint8Array.from(r.outcomes),
        cells: new Int32Array(Uint8Array.from(r.cells).buffer),
        fitness: new Float64Array(Uint8Array.from(r.fitness).buffer),
        expiresAt: new Date(r.expiresAt),
      },
    ]),
  );
}

/** Genomes (float64 LE bytes each) and parent ids of some candidates, read as slices of their batches' blocks. */
export async function candidateSlices(tx: Tx, picks: { batchId: string; index: number }[]): Promise<{ genome: Uint8Array; parents: string[] }[]> {
  if (!picks.length) return [];
  const rows = await tx.$queryRawUnsafe<{ k: bigint | number | string; g: Uint8Array; p: Uint8Array }[]>(
    `SELECT x.k, substring(b.genomes FROM x.i * b.dim * 8 + 1 FOR b.dim * 8) AS g,
            substring(b.parents FROM x.i * b."parentsPer" * 16 + 1 FOR b."parentsPer" * 16) AS p
     FROM unnest($1::uuid[], $2::int[]) WITH ORDINALITY AS x(bid, i, k) JOIN "AskBatch" b ON b.id = x.bid`,
    picks.map((p) => p.batchId),
    picks.map((p) => p.index),
  );
  const out: { genome: Uint8Array; parents: string[] }[] = new Array(picks.length);
  for (const r of rows) out[Number(r.k) - 1] = { genome: Uint8Array.from(r.g), parents: uuidsOf(r.p) };
  return out;
}

function uuidsOf(block: Uint8Array): string[] {
  const out: string[] = [];
  const hex = Buffer.from(block.buffer, block.byteOffset, block.byteLength).toString("hex");
  for (let o = 0; o < hex.length; o += 32) {
    const x = hex.slice(o, o + 32);
    if (!/^0+$/.test(x)) out.push(`${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`);
  }
  return out;
}

/** Writes back the outcomes of told candidates (and how many of each batch are told). */
export async function saveOutcomes(tx: Tx, batches: StoredAskBatch[]): Promise<void> {
  for (const b of batches) {
    await tx.$executeRawUnsafe(
      `UPDATE "AskBatch" SET outcomes = $2, cells = $3, fitness = $4, told = $5 WHERE id = $1::uuid`,
      b.id,
      b.outcomes,
      bytes(b.cells, b.count),
      bytes(b.fitness, b.count),
      b.told,
    );
  }
}
