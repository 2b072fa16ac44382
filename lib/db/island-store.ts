import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { IslandsConfig } from "@/lib/experiments/config";
import type { CandidateBatch, StoredElite } from "./archive-store";

/** How many islands stagnation may grow the experiment to (default: twice the initial count, at most 64). */
export const maxIslands = (i: IslandsConfig) => i.spawnOnStagnation?.maxIslands ?? Math.min(64, Math.max(i.count, 2 * i.count));

/**
 * Islands in PostgreSQL: each island's archive is a set of "IslandElite" rows, written in the job's
 * commit transaction next to "Elite" (the union archive). Everything here runs under the experiment's
 * row lock taken by commitBatch, so a migration round or an island spawn is claimed by moving a counter
 * on that row: however many workers commit, each round happens exactly once, and a replayed batch
 * (already in the ledger) never reaches this code.
 */

/** Experiment columns the island rules read (from the row commitBatch locked). */
export interface IslandRow {
  islandCount: number;
  migrations: number;
  lastImprovementAt: number;
  maxFitness: number | null;
}

/**
 * Records which island made each stored candidate of the batch (evaluated, failed, invalid or
 * duplicate), so the budget splits per island; seeds go to every island and stay untagged.
 */
export async function tagIsland(tx: PrismaClient, batch: CandidateBatch, islandCount: number): Promise<void> {
  const island = Math.min(Math.max(0, batch.island ?? 0), islandCount - 1);
  const ids = batch.solutionIds.filter((_, i) => batch.extras?.[i]?.operator !== "seed");
  for (const f of batch.failures ?? []) if (f.operator !== "seed") ids.push(f.id);
  if (!ids.length) return;
  await tx.$executeRawUnsafe(`UPDATE "Solution" SET island = $3 WHERE "experimentId" = $1::uuid AND id = ANY($2::uuid[]) AND island IS NULL`, batch.experimentId, ids, island);
}

/**
 * The batch's candidates offered to its island's archive (seeds to every island: each starts from the
 * initial population). Solutions accepted by an island but not by the union archive are still elites
 * (of their island): they get the write's revision, so lineage and "elite" flags stay right.
 */
export async function upsertIslandElites(tx: PrismaClient, batch: CandidateBatch, islandCount: number, revision: bigint): Promise<number> {
  if (!batch.cells.length) return 0;
  const island = Math.min(Math.max(0, batch.island ?? 0), islandCount - 1);
  const everywhere = batch.cells.map((_, i) => batch.extras?.[i]?.operator === "seed");
  const [r] = await tx.$queryRawUnsafe<{ accepted: number }[]>(
    `WITH c AS (
       SELECT ($2::int[])[i] AS cell, ($3::float8[])[i] AS fitness, ($4::float8[])[(i - 1) * $5 + 1 : i * $5] AS descriptors,
              ($6::uuid[])[i] AS sid, ($7::boolean[])[i] AS everywhere
       FROM generate_subscripts($2::int[], 1) AS i
     ),
     t AS (
       SELECT c.*, isl FROM c CROSS JOIN LATERAL unnest(CASE WHEN c.everywhere THEN ARRAY(SELECT generate_series(0, $9 - 1)) ELSE ARRAY[$8::int] END) AS isl
     ),
     best AS (SELECT DISTINCT ON (isl, cell) * FROM t ORDER BY isl, cell, fitness DESC),
     up AS (
       INSERT INTO "IslandElite" ("experimentId", island, cell, "solutionId", fitness, descriptors, revision)
       SELECT $1::uuid, isl, cell, sid, fitness, descriptors, $10::bigint FROM best
       ON CONFLICT ("experimentId", island, cell) DO UPDATE
         SET "solutionId" = excluded."solutionId", fitness = excluded.fitness, descriptors = excluded.descriptors, revision = excluded.revision
         WHERE excluded.fitness > "IslandElite".fitness
       RETURNING "solutionId"
     ),
     marked AS (UPDATE "Solution" SET "eliteRevision" = $10::bigint WHERE id IN (SELECT "solutionId" FROM up) AND "eliteRevision" IS NULL RETURNING 1)
     SELECT (SELECT count(*) FROM up)::int AS accepted, (SELECT count(*) FROM marked)::int AS marked`,
    batch.experimentId,
    batch.cells,
    batch.fitness,
    batch.descriptors,
    batch.measureDim,
    batch.solutionIds,
    everywhere,
    island,
    islandCount,
    revision,
  );
  return r?.accepted ?? 0;
}

/**
 * The island rules after a batch moved the counters: due migration rounds (one per `migrationInterval`
 * evaluations crossed), then a new island when the best fitness has not risen for
 * `spawnOnStagnation.evaluations`. Writes get their own archive revision, so a worker that skips its
 * own write's rows when refreshing still sees migrants arriving in its island.
 */
export async function applyIslandRules(
  tx: PrismaClient,
  id: string,
  config: IslandsConfig,
  before: IslandRow,
  after: { evaluations: number; maxFitness: number | null },
): Promise<{ migrations: number; spawned: number[] }> {
  const improved = after.maxFitness !== null && (before.maxFitness === null || after.maxFitness > before.maxFitness);
  let lastImprovementAt = improved ? after.evaluations : before.lastImprovementAt;
  const due = Math.floor(after.evaluations / config.migrationInterval);
  const rounds = Math.max(0, due - before.migrations);
  const stagnation = config.spawnOnStagnation;
  const spawn = !!stagnation && after.evaluations - lastImprovementAt >= stagnation.evaluations && before.islandCount < maxIslands(config);
  if (!rounds && !spawn) {
    if (improved) await tx.$executeRawUnsafe(`UPDATE "Experiment" SET "lastImprovementAt" = $2 WHERE id = $1::uuid`, id, lastImprovementAt);
    return { migrations: 0, spawned: [] };
  }
  const [{ archiveRevision: revision }] = (await tx.$queryRawUnsafe<{ archiveRevision: bigint }[]>(
    `UPDATE "Experiment" SET "archiveRevision" = "archiveRevision" + 1 WHERE id = $1::uuid RETURNING "archiveRevision"`,
    id,
  )) as [{ archiveRevision: bigint }];
  let islands = before.islandCount;
  let accepted = 0;
  for (let r = before.migrations + 1; r <= due; r++) {
    const m = await migrate(tx, id, islands, config.migrants, config.topology, revision);
    accepted += m.accepted;
    await event(tx, id, "migration", { round: r, evaluations: after.evaluations, islands, topology: config.topology, offered: m.offered, accepted: m.accepted });
  }
  const spawned: number[] = [];
  if (spawn) {
    const seeded = await seedIsland(tx, id, islands, stagnation!.seedWith, revision);
    spawned.push(islands);
    await event(tx, id, "island", { island: islands, evaluations: after.evaluations, reason: `no better fitness for ${after.evaluations - lastImprovementAt} evaluations`, seedWith: stagnation!.seedWith, seeded });
    islands += 1;
    lastImprovementAt = after.evaluations; // the new island gets a full stagnation window
  }
  await tx.$executeRawUnsafe(
    `UPDATE "Experiment" SET "islandCount" = $2, migrations = GREATEST(migrations, $3), "migrantsAccepted" = "migrantsAccepted" + $4, "lastImprovementAt" = $5 WHERE id = $1::uuid`,
    id,
    islands,
    due,
    accepted,
    lastImprovementAt,
  );
  return { migrations: rounds, spawned };
}

/**
 * One migration round: the best `migrants` elites of every island (as they stood before the round)
 * are offered to its neighbours and inserted by the elite rule. The same solution moves (no copy).
 */
async function migrate(tx: PrismaClient, id: string, islands: number, migrants: number, topology: "ring" | "all", revision: bigint) {
  if (islands < 2) return { offered: 0, accepted: 0 };
  const [r] = await tx.$queryRawUnsafe<{ offered: number; accepted: number }[]>(
    `WITH src AS (
       SELECT island, cell, "solutionId", fitness, descriptors, row_number() OVER (PARTITION BY island ORDER BY fitness DESC, cell) AS rank
       FROM "IslandElite" WHERE "experimentId" = $1::uuid AND island < $3
     ),
     offers AS (
       SELECT s.*, d AS dest FROM src s CROSS JOIN LATERAL generate_series(0, $3 - 1) AS d
       WHERE s.rank <= $2 AND d <> s.island AND ($4 = 'all' OR d = (s.island + 1) % $3)
     ),
     best AS (SELECT DISTINCT ON (dest, cell) * FROM offers ORDER BY dest, cell, fitness DESC),
     up AS (
       INSERT INTO "IslandElite" ("experimentId", island, cell, "solutionId", fitness, descriptors, revision)
       SELECT $1::uuid, dest, cell, "solutionId", fitness, descriptors, $5::bigint FROM best
       ON CONFLICT ("experimentId", island, cell) DO UPDATE
         SET "solutionId" = excluded."solutionId", fitness = excluded.fitness, descriptors = excluded.descriptors, revision = excluded.revision
         WHERE excluded.fitness > "IslandElite".fitness
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM offers)::int AS offered, (SELECT count(*) FROM up)::int AS accepted`,
    id,
    migrants,
    islands,
    topology,
    revision,
  );
  return r ?? { offered: 0, accepted: 0 };
}

/** A spawned island starts from the initial population (the evaluated seeds) or from the best elite of the run. */
async function seedIsland(tx: PrismaClient, id: string, island: number, seedWith: "initial" | "best", revision: bigint): Promise<number> {
  const source =
    seedWith === "best"
      ? `SELECT cell, "solutionId", fitness, descriptors FROM "Elite" WHERE "experimentId" = $1::uuid ORDER BY fitness DESC, cell LIMIT 1`
      : `SELECT DISTINCT ON (cell) cell, id AS "solutionId", fitness, descriptors FROM "Solution"
          WHERE "experimentId" = $1::uuid AND operator = 'seed' AND status = 'evaluated' AND cell IS NOT NULL AND fitness IS NOT NULL
          ORDER BY cell, fitness DESC`;
  return tx.$executeRawUnsafe(
    `INSERT INTO "IslandElite" ("experimentId", island, cell, "solutionId", fitness, descriptors, revision)
     SELECT $1::uuid, $2, cell, "solutionId", fitness, descriptors, $3::bigint FROM (${source}) s
     ON CONFLICT DO NOTHING`,
    id,
    island,
    revision,
  );
}

async function event(tx: PrismaClient, id: string, type: string, payload: object) {
  await tx.$executeRawUnsafe(`INSERT INTO "ExperimentEvent" ("experimentId", type, payload) VALUES ($1::uuid, $2, $3::jsonb)`, id, type, JSON.stringify(payload));
}

/** An island's elites written after `revision` (the worker cache's incremental refresh); vector genomes come from the solution. */
export async function islandElitesSince(prisma: PrismaClient, experimentId: string, island: number, revision: bigint, skipRevision = -1n): Promise<StoredElite[]> {
  return prisma.$queryRawUnsafe<StoredElite[]>(
    `SELECT e.cell, e.fitness, e.descriptors, s."genomeVector", e."solutionId"::text AS "solutionId", e.revision
     FROM "IslandElite" e JOIN "Solution" s ON s.id = e."solutionId"
     WHERE e."experimentId" = $1::uuid AND e.island = $2 AND e.revision > $3 AND e.revision <> $4 ORDER BY e.revision`,
    experimentId,
    island,
    revision,
    skipRevision,
  );
}

export interface IslandSummary {
  island: number;
  elites: number;
  maxFitness: number | null;
  /** Σ(fitness − offset) over the island's elites (the run's QD-score offset). */
  qdScore: number;
}

/** Per-island counts for the API and the dashboard (islands that exist, empty ones included). */
export async function islandSummaries(prisma: PrismaClient, experimentId: string, islandCount: number, qdOffset: number): Promise<IslandSummary[]> {
  const rows = await prisma.$queryRawUnsafe<{ island: number; elites: number; maxFitness: number | null; sum: number }[]>(
    `SELECT island, count(*)::int AS elites, max(fitness) AS "maxFitness", coalesce(sum(fitness), 0)::float8 AS sum
     FROM "IslandElite" WHERE "experimentId" = $1::uuid GROUP BY island ORDER BY island`,
    experimentId,
  );
  const by = new Map(rows.map((r) => [r.island, r]));
  return Array.from({ length: islandCount }, (_, island) => {
    const r = by.get(island);
    return { island, elites: r?.elites ?? 0, maxFitness: r?.maxFitness ?? null, qdScore: r ? r.sum - qdOffset * r.elites : 0 };
  });
}
