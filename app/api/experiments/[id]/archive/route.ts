import { otherMethods, parseParams, parseQuery, route } from "@/lib/api/http";
import { ArchiveQuery, ExperimentParams } from "@/lib/api/schemas";
import { archiveResponse } from "@/lib/api/archive";

export const dynamic = "force-dynamic";

/**
 * GET /api/experiments/:id/archive[?after=<revision>][&island=<k>]
 * → { experimentId, geometry, elites: { revision, count, cell[], fitness[], descriptors[][], solutionId[] } }
 * Columnar (one array per field, index i = one elite), ordered by cell. `after`: only elites
 * written after that archive revision (pass `elites.revision` from the previous call).
 * ETag = the archive revision: If-None-Match answers 304 while nothing changed.
 * `island`: experiments with islands: island k's own archive (default: the union, best per cell).
 */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const { after, island } = parseQuery(req, ArchiveQuery);
  return archiveResponse(req, id, after, island);
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
