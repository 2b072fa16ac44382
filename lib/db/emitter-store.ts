import type { PrismaClient } from "@/lib/generated/prisma/client";
import { thresholdStep } from "@/lib/qd/archive/threshold";
import { moveBandit, type BanditCommit } from "./bandit-store";

/**
 * CMA-ME / CMA-MAE / CMA-MEGA state in PostgreSQL: each emitter chain's state
 * (EmitterState) and CMA-MAE's per-cell thresholds (CellThreshold), both
 * written inside commitBatch's transaction. The chain moves by compare-and-set
 * on its own row, before the experiment's row lock (nothing else writes that
 * row); thresholds are updated under the experiment's row lock, which
 * serialises every writer of the experiment, so their read-modify-write never
 * loses a concurrent update.
 */

export interface CmaCommit {
  /** The emitter (chain) this job belongs to: k mod count. */
  emitter: number;
  /** Jobs of the chain committed before this one (k div count): the compare-and-set expects exactly it. */
  generation: number;
  /** The emitter's state after this job (lib/experiments/cma.ts encodeState). */
  state: unknown;
  /**
   * CMA-MAE: the candidates of each ask/tell step that may beat their cell's stored threshold (the
   * worker leaves out those at or below the threshold it saw: thresholds only rise), applied in order.
   */
  /** Bandit runs (ME-MAP-Elites): the job's slot, successes and restart, applied to the bandit's counts in the same transaction. */
  bandit?: BanditCommit;
  thresholds?: {
    learningRate: number;
    thresholdMin: number;
    steps: { cells: number[]; objectives: number[] }[];
  };
}

/** Another job already moved this emitter's chain: the transaction must not commit. */
export class EmitterChainConflict extends Error {}

export async function moveEmitterChain(tx: PrismaClient, experimentId: string, cma: CmaCommit): Promise<void> {
  // Compare-and-set: generation g → g + 1 only if the stored chain is at g (or absent and g = 0).
  // A replayed or duplicate job finds the chain elsewhere and rolls its whole commit back.
  const moved = await tx.$executeRawUnsafe(
    `INSERT INTO "EmitterState" ("experimentId", emitter, generation, state) VALUES ($1::uuid, $2, $3 + 1, $4::jsonb)
     ON CONFLICT ("experimentId", emitter) DO UPDATE SET generation = excluded.generation, state = excluded.state, "updatedAt" = now()
     WHERE "EmitterState".generation = $3`,
    experimentId,
    cma.emitter,
    cma.generation,
    JSON.stringify(cma.state),
  );
  if (moved !== 1) throw new EmitterChainConflict(`emitter ${cma.emitter} of experiment ${experimentId} is not at generation ${cma.generation}`);
  if (cma.bandit) await moveBandit(tx, experimentId, cma.bandit);
}

/** Applies a job's threshold steps to the stored thresholds. Call under the experiment's row lock. */
export async function updateThresholds(tx: PrismaClient, experimentId: string, revision: bigint, t: NonNullable<CmaCommit["thresholds"]>) {
  const touched = [...new Set(t.steps.flatMap((s) => s.cells.filter((c) => c >= 0)))];
  if (!touched.length) return;
  const rows = await tx.$queryRawUnsafe<{ cell: number; threshold: number }[]>(
    `SELECT cell, threshold FROM "CellThreshold" WHERE "experimentId" = $1::uuid AND cell = ANY($2::int[])`,
    experimentId,
    touched,
  );
  const stored = new Map(rows.map((r) => [r.cell, r.threshold]));
  for (const s of t.steps) thresholdStep(stored, s.cells, s.objectives, s.cells.length, t.learningRate, t.thresholdMin);
  // Every touched cell that has a threshold is written at this revision, moved or not: the worker
  // that ran the job moved its local copies of them, and re-reads them all by revision.
  const cells = touched.filter((c) => stored.has(c));
  if (!cells.length) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO "CellThreshold" ("experimentId", cell, threshold, revision)
     SELECT $1::uuid, c, t, $4 FROM unnest($2::int[], $3::float8[]) AS u(c, t)
     ON CONFLICT ("experimentId", cell) DO UPDATE SET threshold = excluded.threshold, revision = excluded.revision`,
    experimentId,
    cells,
    cells.map((c) => stored.get(c)!),
    revision,
  );
}

export async function loadEmitterState(prisma: PrismaClient, experimentId: string, emitter: number): Promise<{ generation: number; state: unknown } | null> {
  return prisma.emitterState.findUnique({ where: { experimentId_emitter: { experimentId, emitter } }, select: { generation: true, state: true } });
}

/** Thresholds written after `revision` (all of them for -1), in revision order: a cache's incremental refresh. */
export async function thresholdsSince(prisma: PrismaClient, experimentId: string, revision: bigint): Promise<{ cell: number; threshold: number; revision: bigint }[]> {
  return prisma.$queryRawUnsafe(
    `SELECT cell, threshold, revision FROM "CellThreshold" WHERE "experimentId" = $1::uuid AND revision > $2 ORDER BY revision`,
    experimentId,
    revision,
  );
}

/**
 * The next job of every emitter chain that is not committed yet: e + count·generation(e),
 * below the run's total. Exactly the jobs that may run now (one per chain).
 */
export async function chainHeads(prisma: PrismaClient, experimentId: string, count: number, totalJobs: number): Promise<{ k: number }[]> {
  return prisma.$queryRawUnsafe(
    `SELECT h.k FROM (
       SELECT e + $2::int * coalesce(s.generation, 0) AS k
       FROM generate_series(0, $2::int - 1) AS e
       LEFT JOIN "EmitterState" s ON s."experimentId" = $1::uuid AND s.emitter = e
     ) h
     WHERE h.k < $3::int
       AND NOT EXISTS (SELECT 1 FROM "ProcessedBatch" p WHERE p."experimentId" = $1::uuid AND p."batchId" = 'j' || h.k)
     ORDER BY h.k`,
    experimentId,
    count,
    totalJobs,
  );
}
