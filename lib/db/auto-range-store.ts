import type { PrismaClient } from "@/lib/generated/prisma/client";
import { cellFunction, grownBounds, outsideBounds, rebin, type GridBounds, type StoredPoint } from "@/lib/qd/archive/auto-range";
import type { CandidateBatch } from "./archive-store";
import type { RebinEvent } from "@/lib/api/event-payloads";

/**
 * `"range": "auto"` descriptor rows, in PostgreSQL. Called once per commit from commitBatch, inside
 * its transaction and after it took the experiment's row lock, so bounds, cells and elites move
 * for one writer at a time (no lost update whatever the number of workers).
 *
 * The Descriptor rows hold the current bounds (the dashboard draws its axes from them). A worker
 * may have binned its candidates with bounds that are stale by now, so the cells of the batch are
 * always recomputed here from the descriptor values. When a value falls outside, the bounds grow
 * to cover every value seen (with headroom) and the archive is re-binned from the stored
 * solutions: each gets its new cell, and each new cell's elite is the best solution in it; the
 * other solutions stay stored (lineage and history keep them).
 */

export interface AutoRangeConfig {
  descriptors?: { range?: "auto" }[];
}

/** Which descriptor rows have `"range": "auto"` (none: the caller skips this module). */
export function autoDimensions(config: AutoRangeConfig): boolean[] | null {
  const auto = (config.descriptors ?? []).map((d) => d.range === "auto");
  return auto.some(Boolean) ? auto : null;
}

/**
 * Recomputes the batch's cells under the current bounds, growing them (and re-binning the
 * stored archive) first when the batch has a value outside. `empty`: no elite yet, so the
 * first values set the bounds. Returns whether the archive was re-binned.
 */
export async function applyAutoRange(tx: PrismaClient, experimentId: string, auto: boolean[], batch: CandidateBatch, revision: bigint, empty: boolean): Promise<boolean> {
  let bounds = await currentBounds(tx, experimentId);
  let rebinned = false;
  if (batch.cells.length > 0 && (empty || outsideBounds(bounds, auto, batch.descriptors))) {
    const stored = empty ? [] : await storedPoints(tx, experimentId, auto.length);
    const values = stored.flatMap((p) => p.descriptors).concat(batch.descriptors);
    bounds = grownBounds(bounds, auto, values);
    await saveBounds(tx, experimentId, bounds);
    if (stored.length > 0) {
      await rewriteArchive(tx, experimentId, stored, bounds, revision);
      rebinned = true;
    }
    await tx.$executeRawUnsafe(
      `INSERT INTO "ExperimentEvent" ("experimentId", type, payload) VALUES ($1::uuid, 'rebin', $2::jsonb)`,
      experimentId,
      JSON.stringify({ ranges: bounds.lower.map((lo, k) => [lo, bounds.upper[k]!]), rebinned } satisfies RebinEvent),
    );
  }
  const cellOf = cellFunction(bounds);
  batch.cells = batch.cells.map((_, i) => cellOf(batch.descriptors, i * batch.measureDim));
  return rebinned;
}

export async function currentBounds(tx: PrismaClient, experimentId: string): Promise<GridBounds> {
  const rows = await tx.$queryRawUnsafe<{ min: number; max: number; bins: number }[]>(
    `SELECT min, max, bins FROM "Descriptor" WHERE "experimentId" = $1::uuid ORDER BY index`,
    experimentId,
  );
  return { lower: rows.map((r) => r.min), upper: rows.map((r) => r.max), bins: rows.map((r) => r.bins) };
}

async function saveBounds(tx: PrismaClient, experimentId: string, b: GridBounds) {
  await tx.$executeRawUnsafe(
    `UPDATE "Descriptor" d SET min = t.lo, max = t.hi FROM unnest($2::float8[], $3::float8[]) WITH ORDINALITY AS t(lo, hi, k)
     WHERE d."experimentId" = $1::uuid AND d.index = t.k - 1`,
    experimentId,
    b.lower,
    b.upper,
  );
}

/** Every evaluated solution with a full descriptor vector, oldest first (ties in a cell keep the first). */
async function storedPoints(tx: PrismaClient, experimentId: string, dim: number): Promise<StoredPoint[]> {
  return tx.$queryRawUnsafe<StoredPoint[]>(
    `SELECT id::text AS id, fitness, descriptors FROM "Solution"
     WHERE "experimentId" = $1::uuid AND status = 'evaluated' AND fitness IS NOT NULL AND cardinality(descriptors) = $2
     ORDER BY "createdAt", "eliteRevision" NULLS LAST, id`,
    experimentId,
    dim,
  );
}

/** New cells for every stored solution, the best of each cell as its elite, and the counters recomputed from them. */
async function rewriteArchive(tx: PrismaClient, experimentId: string, points: StoredPoint[], bounds: GridBounds, revision: bigint) {
  const { cells, elites } = rebin(points, bounds);
  await tx.$executeRawUnsafe(
    `UPDATE "Solution" s SET cell = t.cell FROM unnest($2::uuid[], $3::int[]) AS t(id, cell)
     WHERE s.id = t.id AND s."experimentId" = $1::uuid AND s.cell IS DISTINCT FROM t.cell`,
    experimentId,
    points.map((p) => p.id),
    cells,
  );
  const winners = [...elites.entries()];
  await tx.$executeRawUnsafe(`DELETE FROM "Elite" WHERE "experimentId" = $1::uuid`, experimentId);
  await tx.$executeRawUnsafe(
    `INSERT INTO "Elite" ("experimentId", cell, "solutionId", fitness, descriptors, "genomeVector", revision, "updatedAt")
     SELECT $1::uuid, t.cell, s.id, s.fitness, s.descriptors, s."genomeVector", $4, now()
     FROM unnest($2::int[], $3::uuid[]) AS t(cell, id) JOIN "Solution" s ON s.id = t.id`,
    experimentId,
    winners.map(([c]) => c),
    winners.map(([, i]) => points[i]!.id),
    revision,
  );
  // A solution that becomes an elite by the re-binning counts as accepted by this write (history, lineage views).
  await tx.$executeRawUnsafe(
    `UPDATE "Solution" SET "eliteRevision" = $3 WHERE id = ANY($2::uuid[]) AND "experimentId" = $1::uuid AND "eliteRevision" IS NULL`,
    experimentId,
    winners.map(([, i]) => points[i]!.id),
    revision,
  );
  await tx.$executeRawUnsafe(
    `UPDATE "Experiment" x SET "numElites" = t.n, "sumFitness" = t.s, "qdScore" = t.s - x."qdOffset" * t.n, "maxFitness" = t.m
     FROM (SELECT count(*)::int AS n, coalesce(sum(fitness ORDER BY cell), 0) AS s, max(fitness) AS m FROM "Elite" WHERE "experimentId" = $1::uuid) t
     WHERE x.id = $1::uuid`,
    experimentId,
  );
}
