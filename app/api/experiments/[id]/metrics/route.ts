import { otherMethods, parseParams, parseQuery, route } from "@/lib/api/http";
import { ExperimentParams, MetricsQuery } from "@/lib/api/schemas";
import { metricsResponse } from "@/lib/api/metrics";

export const dynamic = "force-dynamic";

/**
 * GET /api/experiments/:id/metrics?after=N&limit=1000
 * Snapshots taken after N evaluations, oldest first → { snapshots, last, more }.
 * Poll incrementally with after = last. (One body per state of the snapshots, shared by readers: lib/api/metrics.ts.)
 */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const { after, limit } = parseQuery(req, MetricsQuery);
  return metricsResponse(req, id, after, limit);
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
