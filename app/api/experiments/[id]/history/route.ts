import { json, otherMethods, parseParams, parseQuery, route } from "@/lib/api/http";
import { ExperimentParams, HistoryQuery } from "@/lib/api/schemas";
import { archiveHistory } from "@/lib/api/history";

export const dynamic = "force-dynamic";

/**
 * GET /api/experiments/:id/history?after=-1&limit=500000 → the archive's accepted writes in revision order, columnar:
 * { after, nextAfter, cells, cell, fitness, revision, createdAt, snapshots: { evaluations, createdAt } | null }.
 */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  return json(await archiveHistory(id, parseQuery(req, HistoryQuery)));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
