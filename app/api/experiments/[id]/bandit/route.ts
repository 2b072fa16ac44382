import { json, otherMethods, parseParams, route } from "@/lib/api/http";
import { ExperimentParams } from "@/lib/api/schemas";
import { banditReport } from "@/lib/api/bandit";

export const dynamic = "force-dynamic";

/**
 * GET /api/experiments/:id/bandit → { numActive, reselect, zeta, jobs, reselections, selections, successes, groups[], members[] }:
 * a bandit run's emitter pool (ME-MAP-Elites) with, per member, its kind, whether a slot runs it now, its selections
 * (evaluations), successes (candidates the archive took) and success rate. 404 for runs without the bandit scheduler.
 */
export const GET = route(async (_req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  return json(await banditReport(id));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
