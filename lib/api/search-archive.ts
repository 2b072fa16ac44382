import { prisma } from "@/lib/db/client";
import { loadSearchState } from "@/lib/experiments/search-state";
import { effectiveDescriptors, type ExperimentSpec } from "@/lib/experiments/config";
import { isSearchArchiveConfig } from "@/lib/registry/archives";
import { unpackState } from "@/lib/qd/archive/state-codec";
import type { z } from "zod";
import { ApiError, notFound } from "./errors";
import type { SearchArchiveReport as SearchArchiveSchema } from "./responses";

/** Points returned at most: an even sample of the archive beyond that (a scatter shows no more). */
export const MAX_SEARCH_POINTS = 5000;

export type SearchArchiveReport = z.infer<typeof SearchArchiveSchema>;

/** GET /api/experiments/:id/search-archive: what the proximity / density archive of a run holds now. */
export async function searchArchiveReport(id: string): Promise<SearchArchiveReport> {
  const exp = await prisma.experiment.findUnique({ where: { id }, select: { config: true, seed: true } });
  if (!exp) throw notFound("experiment");
  const config = exp.config as unknown as ExperimentSpec;
  if (!isSearchArchiveConfig(config.archive)) throw new ApiError(404, `experiment has a ${config.archive.type} archive; only proximity and density archives have a search archive`);
  const descriptors = effectiveDescriptors(config).map((d) => ({ name: d.name, min: d.min, max: d.max }));
  const stored = await loadSearchState(prisma, id, config, exp.seed);
  const empty = { experimentId: id, type: config.archive.type, revision: 0, descriptors, total: 0, measures: [], objective: config.archive.type === "proximity" ? [] : null };
  if (!stored || stored.revision === 0) return empty;
  const { meta, arrays } = unpackState(stored.state);
  const md = descriptors.length;
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
