import { gridCellOf, makeArchive, type ArchiveBase } from "@/lib/qd";
import { prisma } from "@/lib/db/client";
import { effectiveDescriptors, type ExperimentSpec } from "@/lib/experiments/config";
import { stringify } from "./http";

/**
 * The archive's geometry and cell index function, rebuilt from the stored
 * configuration. Grid: arithmetic. CVT: centroids from k-means with the
 * experiment's seed (the same cells every worker builds), computed once per
 * experiment and kept in memory.
 */
export interface ArchiveIndex {
  geometry: GridGeometry | CvtGeometry;
  measureDim: number;
  cells: number;
  cellOf(values: ArrayLike<number>, offset?: number): number;
}

export interface GridGeometry {
  type: "grid";
  cells: number;
  descriptors: { name: string; min: number; max: number; bins: number }[];
  /** Bins per descriptor; a cell is the row-major (C order) index of its bins. */
  dims: number[];
  ranges: [number, number][];
}

export interface CvtGeometry {
  type: "cvt";
  cells: number;
  descriptors: { name: string; min: number; max: number; bins: number }[];
  ranges: [number, number][];
  /** cells × descriptors: centroid of each cell. */
  centroids: number[][];
}

const cache = new Map<string, { index: ArchiveIndex; json: string }>();
const MAX_CACHED = 64;

export function archiveIndex(experimentId: string, config: ExperimentSpec): ArchiveIndex {
  return cached(experimentId, config).index;
}

/** The geometry as a JSON string (CVT centroids are large: serialise once). */
export function geometryJson(experimentId: string, config: ExperimentSpec): string {
  return cached(experimentId, config).json;
}

function cached(experimentId: string, config: ExperimentSpec) {
  let hit = cache.get(experimentId);
  if (hit) {
    cache.delete(experimentId);
    cache.set(experimentId, hit); // LRU order
    return hit;
  }
  const index = build(config);
  hit = { index, json: stringify(index.geometry) };
  cache.set(experimentId, hit);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return hit;
}

function build(config: ExperimentSpec): ArchiveIndex {
  const descriptors = effectiveDescriptors(config).map((d) => ({ name: d.name, min: d.min, max: d.max, bins: d.bins }));
  const ranges = descriptors.map((d) => [d.min, d.max] as [number, number]);
  if (config.archive.type === "grid") {
    const dims = Int32Array.from(descriptors.map((d) => d.bins));
    const lower = Float64Array.from(descriptors.map((d) => d.min));
    const interval = Float64Array.from(descriptors.map((d) => d.max - d.min));
    const cells = descriptors.reduce((n, d) => n * d.bins, 1);
    return {
      geometry: { type: "grid", cells, descriptors, dims: [...dims], ranges },
      measureDim: descriptors.length,
      cells,
      // Same arithmetic (and epsilon) as the grid archive the workers use.
      cellOf: (v, o = 0) => gridCellOf(v, o, dims, lower, interval, 1e-6),
    };
  }
  // Solution dim 1: only the index function and the centroids are needed here.
  const archive: ArchiveBase = makeArchive({ type: "cvt", cells: config.archive.cells, samples: config.archive.samples }, descriptors, 1, { seed: config.seed });
  const centroidsFlat = (archive as unknown as { centroids: Float64Array }).centroids;
  const md = descriptors.length;
  const centroids: number[][] = [];
  for (let c = 0; c < archive.cells; c++) centroids.push(Array.from(centroidsFlat.subarray(c * md, (c + 1) * md)));
  return {
    geometry: { type: "cvt", cells: archive.cells, descriptors, ranges, centroids },
    measureDim: md,
    cells: archive.cells,
    cellOf: (v, o = 0) => archive.cellOf(v, o),
  };
}

/**
 * All elites (or those written after revision `after`) in columnar form, built
 * by PostgreSQL as one JSON text that is passed through untouched:
 *   { revision, count, cell: [], fitness: [], descriptors: [[]], solutionId: [] }
 */
export async function elitesJson(experimentId: string, after?: number): Promise<string> {
  const [row] = await prisma.$queryRawUnsafe<{ json: string }[]>(
    `SELECT json_build_object(
        'revision', (SELECT "archiveRevision" FROM "Experiment" WHERE id = $1::uuid),
        'count', count(*),
        'cell', coalesce(array_agg(cell), '{}'),
        'fitness', coalesce(array_agg(fitness), '{}'),
        'descriptors', coalesce(json_agg(descriptors), '[]'),
        'solutionId', coalesce(array_agg("solutionId"), '{}')
      )::text AS json
     FROM (SELECT cell, fitness, descriptors, "solutionId" FROM "Elite"
           WHERE "experimentId" = $1::uuid AND revision > $2::bigint ORDER BY cell) e`,
    experimentId,
    after ?? -1,
  );
  return row!.json;
}
