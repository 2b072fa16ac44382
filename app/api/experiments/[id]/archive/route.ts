import { otherMethods, parseParams, parseQuery, route } from "@/lib/api/http";
import { ArchiveQuery, ExperimentParams } from "@/lib/api/schemas";
import { elitesJson, geometryJson } from "@/lib/api/archive";
import { loadConfig } from "@/lib/api/experiments";

export const dynamic = "force-dynamic";

/**
 * GET /api/experiments/:id/archive[?after=<revision>]
 * → { experimentId, geometry, elites: { revision, count, cell[], fitness[], descriptors[][], solutionId[] } }
 * Columnar (one array per field, index i = one elite), ordered by cell. `after`: only elites
 * written after that archive revision (pass `elites.revision` from the previous call).
 */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const { after } = parseQuery(req, ArchiveQuery);
  const config = await loadConfig(id);
  const elites = await elitesJson(id, after);
  const body = `{"experimentId":${JSON.stringify(id)},"geometry":${geometryJson(id, config)},"elites":${elites}}`;
  return new Response(body, { headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" } });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
