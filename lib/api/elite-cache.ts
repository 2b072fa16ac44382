import type { prisma } from "@/lib/db/client";
import { decodeVector } from "@/lib/db/vector-codec";

/**
 * The elites' genomes of recently asked experiments, in the API process. Ask picks parents from the
 * whole archive: reading every elite genome per ask (10,000 × 800 bytes as hex text) cost more than
 * the rest of the ask. Archive writes stamp each Elite row with an increasing revision, so a refresh
 * reads only the rows written since the last one. Callers refresh under the experiment's row lock
 * (no write is in flight then), which makes the cached view exact.
 */

interface ExperimentElites {
  revision: string;
  byCell: Map<number, { id: string; x: Float64Array }>;
  /** Occupied cells in increasing order (the order parents are drawn from). */
  cells: number[];
}

const MAX_EXPERIMENTS = 8;
const cache = new Map<string, ExperimentElites>();

export interface EliteView {
  cells: number[];
  get(cell: number): { id: string; x: Float64Array };
}

/** The experiment's elites now; `numElites` (from the locked experiment row) detects a cache that cannot be caught up. */
export async function currentElites(tx: typeof prisma, experimentId: string, numElites: number): Promise<EliteView> {
  const old = cache.get(experimentId);
  cache.delete(experimentId); // re-inserted below: most recently used last
  let entry = await catchUp(tx, experimentId, old ?? empty());
  // Rows went away (an archive reset) or the counter disagrees: read the table afresh, once.
  if (old && entry.byCell.size !== numElites) entry = await catchUp(tx, experimentId, empty());
  cache.set(experimentId, entry);
  while (cache.size > MAX_EXPERIMENTS) cache.delete(cache.keys().next().value!);
  return { cells: entry.cells, get: (cell) => entry.byCell.get(cell)! };
}

const empty = (): ExperimentElites => ({ revision: "-1", byCell: new Map(), cells: [] });

async function catchUp(tx: typeof prisma, experimentId: string, entry: ExperimentElites): Promise<ExperimentElites> {
  const rows = await tx.$queryRawUnsafe<{ cell: number; solutionId: string; genomeVector: Uint8Array; revision: string | bigint }[]>(
    `SELECT cell, "solutionId"::text AS "solutionId", "genomeVector", revision::text AS revision FROM "Elite" WHERE "experimentId" = $1::uuid AND revision > $2::bigint`,
    experimentId,
    entry.revision,
  );
  let added = false;
  let revision = BigInt(entry.revision);
  for (const r of rows) {
    if (!entry.byCell.has(r.cell)) added = true;
    entry.byCell.set(r.cell, { id: r.solutionId, x: decodeVector(r.genomeVector) });
    if (BigInt(r.revision) > revision) revision = BigInt(r.revision);
  }
  entry.revision = String(revision);
  if (added) entry.cells = [...entry.byCell.keys()].sort((a, b) => a - b);
  return entry;
}
