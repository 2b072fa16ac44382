import { prisma } from "@/lib/db/client";
import { loadSearchState } from "@/lib/experiments/search-state";
import { effectiveDescriptors, type ExperimentSpec } from "@/lib/experiments/config";
import { isSearchArchiveConfig } from "@/lib/registry/archives";
import { discountSurface } from "@/lib/qd/archive/discount";
import { unpackState } from "@/lib/qd/archive/state-codec";
import type { z } from "zod";
import { ApiError, notFound } from "./errors";
import type { SearchArchiveReport as SearchArchiveSchema } from "./responses";

/** Points returned at most: an even sample of the archive beyond that (a scatter shows no more). */
export const MAX_SEARCH_POINTS = 5000;

export type SearchArchiveReport = z.infer<typeof SearchArchiveSchema>;

/** Points per axis of the discount surface (2-D: 60 × 60 = 3,600, under MAX_SEARCH_POINTS). */
export const DISCOUNT_LATTICE = 60;

/**
 * A discount archive keeps no points: its report is the model's discount on a lattice over the
 * first two descriptors (cell centres, row by row; further descriptors at their mid-range).
 */
function discountReport(state: Uint8Array, descriptors: { min: number; max: number }[]) {
  const md = descriptors.length;
  const side = md === 1 ? MAX_SEARCH_POINTS : DISCOUNT_LATTICE;
  const count = md === 1 ? side : side * side;
  const at = new Float64Array(count * md);
  const centre = (d: { min: number; max: number }, i: number) => d.min + ((i + 0.5) / side) * (d.max - d.min);
  for (let j = 0; j < count; j++) {
    for (let k = 0; k < md; k++) {
      const d = descriptors[k]!;
      at[j * md + k] = k === 0 ? centre(d, j % side) : k === 1 ? centre(d, Math.floor(j / side)) : (d.min + d.max) / 2;
    }
  }
  const discount = discountSurface(state, at, count);
  const measures: number[][] = [];
  for (let j = 0; j < count; j++) measures.push(Array.from(at.subarray(j * md, (j + 1) * md)));
  return { total: count, measures, objective: Array.from(discount) };
}

/** GET /api/experiments/:id/search-archive: what the proximity / density archive of a run holds now (discount: its model's surface). */
export async function searchArchiveReport(id: string): Promise<SearchArchiveReport> {
  const exp = await prisma.experiment.findUnique({ where: { id }, select: { config: true, seed: true } });
  if (!exp) throw notFound("experiment");
  const config = exp.config as unknown as ExperimentSpec;
  if (!isSearchArchiveConfig(config.archive)) throw new ApiError(404, `experiment has a ${config.archive.type} archive; only proximity, density and discount archives have a search archive`);
  const descriptors = effectiveDescriptors(config).map((d) => ({ name: d.name, min: d.min, max: d.max }));
  const stored = await loadSearchState(prisma, id, config, exp.seed);
  const empty = { experimentId: id, type: config.archive.type, revision: 0, descriptors, total: 0, measures: [], objective: config.archive.type === "proximity" ? [] : null };
  if (!stored || stored.revision === 0) return empty;
  const { meta, arrays } = unpackState(stored.state);
  const md = descriptors.length;
  if (meta.kind === "discount") return { ...empty, revision: stored.revision, ...discountReport(stored.state, descriptors) };
  const proximity = meta.kind === "proximity";
  const total = (proximity ? meta.n : meta.occupied) as number;
  const meas = proximity ? arrays[1]! : arrays[0]!;
  const objs = proximity ? arrays[2]! : null;
  // An even sample by integer arithmetic (a float step can overshoot the cap by one).
  const count = Math.min(total, MAX_SEARCH_POINTS);
  const measures: number[][] = [];
  const objective: number[] | null = objs ? [] : null;
  for (let j = 0; j < count; j++) {
    const i = Math.floor((j * total) / count);
    measures.push(Array.from(meas.subarray(i * md, (i + 1) * md)));
    objective?.push(objs![i]!);
  }
  return { ...empty, revision: stored.revision, total, measures, objective };
}
