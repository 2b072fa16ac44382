import { prisma } from "@/lib/db/client";
import { ApiError } from "@/lib/api/errors";
import { json, otherMethods, parseBody, parseParams, parseQuery, route } from "@/lib/api/http";
import { EmptyQuery, ExperimentParams, PatchExperimentBody } from "@/lib/api/schemas";
import { experimentResponse } from "@/lib/api/experiments";

export const dynamic = "force-dynamic";

/** GET /api/experiments/:id: configuration, status, counters and metrics. */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  parseQuery(req, EmptyQuery);
  return json(await experimentResponse(id));
});

/** PATCH /api/experiments/:id { name?, notes? } */
export const PATCH = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const body = await parseBody(req, PatchExperimentBody);
  const updated = await prisma.experiment.updateMany({ where: { id }, data: body });
  if (updated.count === 0) throw new ApiError(404, `experiment ${id} not found`);
  return json(await experimentResponse(id));
});

/** DELETE /api/experiments/:id → 204; 409 while it is running or queued (pause or cancel it first). */
export const DELETE = route(async (_req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const deleted = await prisma.experiment.deleteMany({ where: { id, status: { notIn: ["running", "queued"] } } });
  if (deleted.count === 0) {
    const e = await prisma.experiment.findUnique({ where: { id }, select: { status: true } });
    if (!e) throw new ApiError(404, `experiment ${id} not found`);
    throw new ApiError(409, `cannot delete an experiment that is ${e.status}: pause or cancel it first`);
  }
  return new Response(null, { status: 204 });
});

export const { POST, PUT } = otherMethods("GET", "PATCH", "DELETE");
