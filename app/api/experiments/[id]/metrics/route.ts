import { prisma } from "@/lib/db/client";
import { ApiError } from "@/lib/api/errors";
import { json, otherMethods, parseParams, parseQuery, route } from "@/lib/api/http";
import { ExperimentParams, MetricsQuery } from "@/lib/api/schemas";

export const dynamic = "force-dynamic";

/**
 * GET /api/experiments/:id/metrics?after=N&limit=1000
 * Snapshots taken after N evaluations, oldest first → { snapshots, last, more }.
 * Poll incrementally with after = last.
 */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const { after, limit } = parseQuery(req, MetricsQuery);
  const rows = await prisma.metricSnapshot.findMany({
    where: { experimentId: id, evaluations: { gt: after } },
    orderBy: { evaluations: "asc" },
    take: limit + 1,
    omit: { experimentId: true },
  });
  if (rows.length === 0 && !(await prisma.experiment.findUnique({ where: { id }, select: { id: true } }))) throw new ApiError(404, `experiment ${id} not found`);
  const more = rows.length > limit;
  const snapshots = rows.slice(0, limit);
  return json({ snapshots, last: snapshots.at(-1)?.evaluations ?? after, more });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
