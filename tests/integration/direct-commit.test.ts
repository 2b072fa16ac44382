// Issue 15.1: plain numeric batches commit through node-postgres directly (commitBatch's `direct`
// pool) instead of Prisma's transaction. Same batches, one database per path: the stored rows,
// counters, snapshots, events and ledger must be the same, a retried batch must count once, and
// direct and Prisma writers on one experiment must still keep every cell's best. The workers'
// refresh (elitesSince) reads through the same pool: the same rows as through Prisma.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { commitBatch, elitesSince, type CandidateBatch, type CommitResult, type StoredElite } from "@/lib/db/archive-store";
import { createPrismaClient, type PrismaClient } from "@/lib/db/client";
import { createDirectPool } from "@/lib/db/direct-pool";
import { newSolutionId } from "@/lib/db/solution-id";
import { encodeVector } from "@/lib/db/vector-codec";
import { ExperimentConfig } from "@/lib/experiments/config";
import { createExperiment } from "@/lib/experiments/lifecycle";
import { cellBatch } from "../helpers/batches";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

const BATCH = 25;
const BATCHES = 6;
const config = ExperimentConfig.parse({ name: "direct", domain: { type: "sphere", dim: 4 }, batchSize: 10, budget: { evaluations: BATCH * BATCHES }, seed: 3 });

/** A Prisma client that fails the test if a commit takes the Prisma transaction. */
const noPrisma = new Proxy({} as PrismaClient, {
  get: (_t, key) => {
    throw new Error(`the Prisma path was taken (${String(key)})`);
  },
});

/** Deterministic batches (a small LCG): the same in both databases, ids included; later batches descend from earlier rows. */
function batches(experimentId: string): CandidateBatch[] {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const stored: string[] = [];
  return Array.from({ length: BATCHES }, (_, b) => {
    const n = 12;
    const cells = Array.from({ length: n }, () => Math.floor(rand() * 8));
    const fitness = cells.map(() => b + rand() * 10);
    const solutionIds = cells.map(() => newSolutionId());
    const parentIds = cells.flatMap(() => [stored.length ? stored[Math.floor(rand() * stored.length)]! : null, null]);
    stored.push(...solutionIds);
    return {
      experimentId,
      batchId: `j${b}`,
      evaluations: BATCH,
      failed: 0,
      generated: true,
      operator: "iso-line",
      cells,
      fitness,
      descriptors: cells.flatMap((c, i) => [c / 8, fitness[i]! / 100]),
      measureDim: 2,
      genomes: encodeVector(cells.flatMap((c, i) => [c, fitness[i]!, rand(), -rand()])),
      genomeDim: 4,
      parentIds,
      parentsPer: 2,
      solutionIds,
    };
  });
}

/** Everything a commit writes, in a comparable form (no timestamps). */
async function stored(prisma: PrismaClient, experimentId: string) {
  const where = { experimentId };
  const exp = await prisma.experiment.findUniqueOrThrow({ where: { id: experimentId } });
  return {
    experiment: {
      status: exp.status,
      statusReason: exp.statusReason,
      evaluations: exp.evaluations,
      batchesDone: exp.batchesDone,
      numElites: exp.numElites,
      qdScore: exp.qdScore,
      sumFitness: exp.sumFitness,
      maxFitness: exp.maxFitness,
      archiveRevision: exp.archiveRevision,
      finished: exp.finishedAt !== null,
    },
    solutions: (await prisma.solution.findMany({ where, orderBy: { id: "asc" }, omit: { createdAt: true, experimentId: true } })).map((s) => ({ ...s, genomeVector: Buffer.from(s.genomeVector!).toString("hex") })),
    elites: (await prisma.elite.findMany({ where, orderBy: { cell: "asc" }, omit: { updatedAt: true, experimentId: true } })).map((e) => ({ ...e, genomeVector: Buffer.from(e.genomeVector!).toString("hex") })),
    snapshots: await prisma.metricSnapshot.findMany({ where, orderBy: { evaluations: "asc" }, omit: { createdAt: true, experimentId: true } }),
    events: await prisma.experimentEvent.findMany({ where, orderBy: { id: "asc" }, select: { id: true, type: true, payload: true } }),
    ledger: await prisma.processedBatch.findMany({ where, orderBy: { batchId: "asc" }, select: { batchId: true, evaluations: true } }),
  };
}

const withoutHeld = ({ heldMs: _h, ...r }: CommitResult) => r;

describe("direct commit path", () => {
  let dbs: TestDatabase[];
  let clients: PrismaClient[];
  let pools: pg.Pool[];
  beforeAll(async () => {
    dbs = await Promise.all([createTestDatabase({ prefix: "qd_direct" }), createTestDatabase({ prefix: "qd_direct" })]);
    clients = dbs.map((d) => createPrismaClient(d.url));
    pools = dbs.map((d) => createDirectPool(d.url, 2));
  });
  afterAll(async () => {
    await Promise.all((clients ?? []).map((c) => c.$disconnect()));
    await Promise.all((pools ?? []).map((p) => p.end()));
    await Promise.all((dbs ?? []).map((d) => d.drop()));
  });

  it("stores the same rows, counters, snapshots and events as the Prisma transaction, and counts a retried batch once", async () => {
    const [viaPrisma, viaDirect] = clients as [PrismaClient, PrismaClient];
    const expA = await createExperiment(viaPrisma, config);
    const expB = await createExperiment(viaDirect, config);
    // Same experiment id in both databases, so every stored row compares as is.
    await viaDirect.$executeRawUnsafe(`UPDATE "Experiment" SET id = $1::uuid WHERE id = $2::uuid`, expA.id, expB.id);
    for (const p of clients) await p.experiment.update({ where: { id: expA.id }, data: { status: "running" } });
    const jobs = batches(expA.id);
    const snapshotEvery = 2 * BATCH;
    for (const [k, batch] of jobs.entries()) {
      const last = k === jobs.length - 1;
      const a = await commitBatch(viaPrisma, batch, snapshotEvery);
      // The run's last batch completes it: the direct path rolls back and hands it to Prisma (exact totals, status event).
      const b = await commitBatch(last ? viaDirect : noPrisma, batch, snapshotEvery, undefined, pools[1]);
      expect(withoutHeld(b)).toEqual(withoutHeld(a));
      expect(b.heldMs).toBeGreaterThan(0);
      // A retried job (same batch id) is a no-op on either path.
      if (k === 2) {
        const before = await stored(viaDirect, expA.id);
        const again = await commitBatch(noPrisma, batch, snapshotEvery, undefined, pools[1]);
        expect(again.duplicate).toBe(true);
        expect(again.evaluations).toBe(before.experiment.evaluations);
        expect(await stored(viaDirect, expA.id)).toEqual(before);
        expect((await commitBatch(viaPrisma, batch, snapshotEvery)).duplicate).toBe(true);
      }
    }
    const [sa, sb] = await Promise.all([stored(viaPrisma, expA.id), stored(viaDirect, expA.id)]);
    expect(sb).toEqual(sa);
    expect(sb.experiment.status).toBe("completed");
    expect(sb.experiment.evaluations).toBe(BATCH * BATCHES);
    expect(sb.ledger).toHaveLength(BATCHES);
    expect(sb.events.map((e) => e.type)).toContain("status");
    expect(sb.snapshots.length).toBeGreaterThan(2);
    // A worker's refresh reads the same elites through the pool as through Prisma.
    const hex = (rows: StoredElite[]) => rows.map((r) => ({ ...r, genomeVector: Buffer.from(r.genomeVector).toString("hex") }));
    for (const [after, skip] of [[-1n, -1n], [2n, 4n]] as const) {
      const read = hex(await elitesSince(viaDirect, expA.id, after, skip, pools[1]));
      expect(read).toEqual(hex(await elitesSince(viaDirect, expA.id, after, skip)));
      expect(read.length).toBeGreaterThan(0);
    }
    // Lineage: every parent of a stored row is stored.
    const ids = new Set(sb.solutions.map((s) => s.id));
    for (const s of sb.solutions) for (const p of s.parentIds) expect(ids.has(p)).toBe(true);
  });

  it("direct and Prisma writers on one experiment keep every cell's best and exact counters", async () => {
    const prisma = clients[0]!;
    const exp = await createExperiment(prisma, ExperimentConfig.parse({ ...config, budget: { evaluations: 1_000_000 } }));
    await prisma.experiment.update({ where: { id: exp.id }, data: { status: "running" } });
    const writerPools = [createDirectPool(dbs[0]!.url, 1), createDirectPool(dbs[0]!.url, 1)];
    const writerClients = [createPrismaClient(dbs[0]!.url), createPrismaClient(dbs[0]!.url)];
    const best = new Map<number, number>();
    try {
      // Two direct writers and two Prisma writers, 15 batches each, all into 8 cells, at once.
      await Promise.all(
        [0, 1, 2, 3].map(async (w) => {
          for (let b = 0; b < 15; b++) {
            const cells = Array.from({ length: 20 }, () => Math.floor(Math.random() * 8));
            const fitness = cells.map(() => Math.random() * 100);
            cells.forEach((c, i) => best.set(c, Math.max(best.get(c) ?? -Infinity, fitness[i]!)));
            const batch = cellBatch(exp.id, `w${w}-b${b}`, cells, fitness, 20);
            if (w < 2) await commitBatch(noPrisma, batch, 1e9, undefined, writerPools[w]);
            else await commitBatch(writerClients[w - 2]!, batch, 1e9);
          }
        }),
      );
      const elites = await prisma.elite.findMany({ where: { experimentId: exp.id } });
      expect(elites).toHaveLength(best.size);
      for (const e of elites) expect(e.fitness).toBe(best.get(e.cell));
      const after = await prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } });
      expect(after.evaluations).toBe(4 * 15 * 20);
      expect(after.numElites).toBe(best.size);
      expect(after.maxFitness).toBe(Math.max(...best.values()));
      expect(after.archiveRevision).toBe(60n);
    } finally {
      await Promise.all(writerPools.map((p) => p.end()));
      await Promise.all(writerClients.map((c) => c.$disconnect()));
    }
  });
});
