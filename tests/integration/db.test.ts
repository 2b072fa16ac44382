// Database layer: committed migrations apply to a fresh database, the Prisma client reads and writes
// the model, and the archive's raw-SQL elite upsert keeps the best candidate under concurrency.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, type PrismaClient } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { encodeVector, decodeVector } from "@/lib/db/vector-codec";

let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase({ prefix: "qd_test_db" });
  prisma = createPrismaClient(db.url);
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

/** The archive's insert-or-replace-if-strictly-better, as workers run it. Returns rows written (0 or 1). */
function upsertElite(
  client: PrismaClient,
  e: { experimentId: string; cell: number; solutionId: string; fitness: number; descriptors: number[]; revision: bigint },
): Promise<number> {
  return client.$executeRaw`
    INSERT INTO "Elite" ("experimentId", cell, "solutionId", fitness, descriptors, "genomeVector", revision, "updatedAt")
    VALUES (${e.experimentId}::uuid, ${e.cell}, ${e.solutionId}::uuid, ${e.fitness},
            ${e.descriptors}::double precision[], ${encodeVector(e.descriptors)}, ${e.revision}, now())
    ON CONFLICT ("experimentId", cell) DO UPDATE
      SET "solutionId" = excluded."solutionId", fitness = excluded.fitness, descriptors = excluded.descriptors,
          "genomeVector" = excluded."genomeVector", revision = excluded.revision, "updatedAt" = excluded."updatedAt"
      WHERE excluded.fitness > "Elite".fitness`;
}

describe("database", () => {
  it("applies migrations idempotently", async () => {
    const rows = await prisma.$queryRaw<{ migration_name: string; finished_at: Date | null }[]>`
      SELECT migration_name, finished_at FROM "_prisma_migrations" ORDER BY migration_name`;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
    await migrateDatabase(db.url); // second run: no-op
    const again = await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "_prisma_migrations"`;
    expect(Number(again[0].n)).toBe(rows.length);
  });

  it("reports a clear error for an unreachable database", async () => {
    await expect(migrateDatabase("postgresql://postgres@127.0.0.1:1/nowhere")).rejects.toThrow(
      /Applying database migrations failed[\s\S]*P1001/,
    );
  });

  it("creates and reads back an experiment with descriptors, an elite and a snapshot", async () => {
    const experiment = await prisma.experiment.create({
      data: {
        name: "rastrigin smoke",
        config: { domain: { type: "rastrigin", dims: 2 } },
        domainType: "rastrigin",
        archiveType: "grid",
        emitterType: "gaussian",
        seed: 42,
        batchSize: 8,
        budgetEvaluations: 1000,
        cells: 100,
        descriptors: {
          create: [
            { index: 0, name: "x", min: -5, max: 5, bins: 10 },
            { index: 1, name: "y", min: -5, max: 5, bins: 10, source: "metric", metricKey: "y" },
          ],
        },
      },
    });
    expect(experiment.status).toBe("draft");
    expect(experiment.archiveRevision).toBe(0n);

    const solution = await prisma.solution.create({
      data: {
        experimentId: experiment.id,
        genomeKind: "vector",
        genomeVector: encodeVector([0.5, -1.25]),
        fitness: 0.75,
        descriptors: [0.5, -1.25],
        cell: 54,
        operator: "init",
        eliteRevision: 1n,
      },
    });
    await prisma.elite.create({
      data: {
        experimentId: experiment.id,
        cell: 54,
        solutionId: solution.id,
        fitness: 0.75,
        descriptors: [0.5, -1.25],
        genomeVector: encodeVector([0.5, -1.25]),
        revision: 1n,
      },
    });
    await prisma.metricSnapshot.create({
      data: { experimentId: experiment.id, evaluations: 8, coverage: 0.01, qdScore: 0.75, normQdScore: 0.0075, maxFitness: 0.75, meanFitness: 0.75, numElites: 1 },
    });

    const loaded = await prisma.experiment.findUniqueOrThrow({
      where: { id: experiment.id },
      include: { descriptors: { orderBy: { index: "asc" } }, elites: true, snapshots: true, solutions: true },
    });
    expect(loaded.config).toEqual({ domain: { type: "rastrigin", dims: 2 } });
    expect(loaded.descriptors.map((d) => [d.index, d.name, d.bins, d.source])).toEqual([
      [0, "x", 10, "domain"],
      [1, "y", 10, "metric"],
    ]);
    expect(loaded.elites).toHaveLength(1);
    expect(loaded.elites[0]).toMatchObject({ cell: 54, solutionId: solution.id, fitness: 0.75, descriptors: [0.5, -1.25], revision: 1n });
    expect(loaded.snapshots[0]).toMatchObject({ evaluations: 8, numElites: 1, qdScore: 0.75 });
    expect(loaded.solutions[0]).toMatchObject({ genomeVector: encodeVector([0.5, -1.25]), status: "evaluated", parentIds: [] });

    // Deleting the experiment cascades.
    await prisma.experiment.delete({ where: { id: experiment.id } });
    expect(await prisma.elite.count({ where: { experimentId: experiment.id } })).toBe(0);
  });

  it("keeps the best elite under concurrent raw-SQL upserts", async () => {
    const experiment = await prisma.experiment.create({
      data: {
        name: "upsert race",
        config: {},
        domainType: "rastrigin",
        archiveType: "grid",
        emitterType: "gaussian",
        seed: 1,
        batchSize: 4,
        budgetEvaluations: 100,
        cells: 10,
      },
    });
    // A second client (its own pool) stands in for another worker process.
    const other = createPrismaClient(db.url);
    try {
      const candidates = Array.from({ length: 40 }, (_, i) => ({
        experimentId: experiment.id,
        cell: 3,
        solutionId: randomUUID(),
        fitness: ((i * 37) % 40) / 10, // a permutation of 0.0 .. 3.9
        descriptors: [i, -i],
        revision: BigInt(i + 1),
      }));
      const best = candidates.reduce((a, b) => (b.fitness > a.fitness ? b : a));
      await Promise.all(candidates.map((c, i) => upsertElite(i % 2 ? other : prisma, c)));

      const elites = await prisma.elite.findMany({ where: { experimentId: experiment.id } });
      expect(elites).toHaveLength(1);
      expect(elites[0]).toMatchObject({ cell: 3, fitness: best.fitness, solutionId: best.solutionId, descriptors: best.descriptors });

      // Not strictly better (equal or worse): nothing is written.
      expect(await upsertElite(prisma, { ...best, solutionId: randomUUID() })).toBe(0);
      expect(await upsertElite(prisma, { ...best, solutionId: randomUUID(), fitness: 0 })).toBe(0);
      expect(await upsertElite(prisma, { ...best, solutionId: randomUUID(), fitness: best.fitness + 1 })).toBe(1);
    } finally {
      await other.$disconnect();
    }
  });
});
