import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { applyBanditJob, initialBandit, type BanditJob, type BanditParams, type BanditRow } from "@/lib/qd/bandit-slots";

/**
 * The bandit scheduler's state in PostgreSQL: one EmitterState row per experiment at emitter -1
 * (chains use 0…count-1), moved inside the job's commit transaction under that row's lock, after
 * the ledger insert and the chain's compare-and-set: two commits can never both read the same counts,
 * and a job whose commit rolls back leaves them as they were.
 */
export const BANDIT_ROW = -1;

const StoredBandit = z.object({
  slots: z.array(z.number().int().nonnegative()),
  slotJobs: z.array(z.number().int().nonnegative()),
  success: z.array(z.number()),
  selection: z.array(z.number()),
  reselections: z.number().int().nonnegative().default(0),
});

export interface BanditCommit extends BanditJob {
  params: BanditParams;
}

function parse(state: unknown, p: Pick<BanditParams, "numActive" | "pool">): BanditRow {
  const row = StoredBandit.parse(state);
  if (row.slots.length !== p.numActive || row.success.length !== p.pool) throw new Error(`stored bandit has ${row.slots.length} slots over ${row.success.length} chains, the config ${p.numActive} over ${p.pool}`);
  return row;
}

export async function loadBandit(prisma: PrismaClient, experimentId: string, p: Pick<BanditParams, "numActive" | "pool">): Promise<BanditRow> {
  const row = await prisma.emitterState.findUnique({ where: { experimentId_emitter: { experimentId, emitter: BANDIT_ROW } }, select: { state: true } });
  return row ? parse(row.state, p) : initialBandit(p);
}

/** Applies a committed job to the counts. Call inside the commit's transaction (throws on a stale job: the commit rolls back). */
export async function moveBandit(tx: PrismaClient, experimentId: string, job: BanditCommit): Promise<BanditRow> {
  await tx.$executeRawUnsafe(
    `INSERT INTO "EmitterState" ("experimentId", emitter, generation, state) VALUES ($1::uuid, $2, 0, $3::jsonb) ON CONFLICT DO NOTHING`,
    experimentId,
    BANDIT_ROW,
    JSON.stringify(initialBandit(job.params)),
  );
  const [locked] = await tx.$queryRawUnsafe<{ state: unknown }[]>(
    `SELECT state FROM "EmitterState" WHERE "experimentId" = $1::uuid AND emitter = $2 FOR UPDATE`,
    experimentId,
    BANDIT_ROW,
  );
  const next = applyBanditJob(parse(locked!.state, job.params), job, job.params);
  await tx.$executeRawUnsafe(
    `UPDATE "EmitterState" SET state = $3::jsonb, generation = generation + 1, "updatedAt" = now() WHERE "experimentId" = $1::uuid AND emitter = $2`,
    experimentId,
    BANDIT_ROW,
    JSON.stringify(next),
  );
  return next;
}

/** The next job of every slot not committed yet (s + numActive · slotJobs[s], below the run's total). */
export async function banditHeads(prisma: PrismaClient, experimentId: string, p: Pick<BanditParams, "numActive" | "pool">, totalJobs: number): Promise<{ k: number }[]> {
  const row = await loadBandit(prisma, experimentId, p);
  const heads = row.slotJobs.map((j, s) => s + p.numActive * j).filter((k) => k < totalJobs);
  if (!heads.length) return [];
  const landed = await prisma.$queryRawUnsafe<{ batchId: string }[]>(
    `SELECT "batchId" FROM "ProcessedBatch" WHERE "experimentId" = $1::uuid AND "batchId" = ANY($2::text[])`,
    experimentId,
    heads.map((k) => `j${k}`),
  );
  const done = new Set(landed.map((r) => r.batchId));
  return heads.filter((k) => !done.has(`j${k}`)).map((k) => ({ k }));
}
