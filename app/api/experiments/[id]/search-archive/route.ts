import { json, otherMethods, parseParams, route } from "@/lib/api/http";
import { ExperimentParams } from "@/lib/api/schemas";
import { searchArchiveReport } from "@/lib/api/search-archive";

export const dynamic = "force-dynamic";

/**
 * GET /api/experiments/:id/search-archive → { experimentId, type, revision, descriptors, total, measures[][], objective[] | null }:
 * the points a proximity archive keeps (with objectives), or a density archive's reservoir, at most 5,000 of them
 * (evenly sampled), or a discount archive's model on a 60 × 60 lattice (objective = the discount). 404 for runs on
 * a grid or CVT archive.
 */
export const GET = route(async (_req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  return json(await searchArchiveReport(id));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
