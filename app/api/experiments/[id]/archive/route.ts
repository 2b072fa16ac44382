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
 * `format=columns`: the same content as typed-array columns, gzipped, as application/octet-stream
 * (lib/api/archive-columns.ts; about half the bytes of the gzipped JSON, a quarter of the plain JSON; made once per revision).
 */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const { after, island, format } = parseQuery(req, ArchiveQuery);
  return archiveResponse(req, id, after, island, format);
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
