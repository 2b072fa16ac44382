import { json, otherMethods, parseParams, parseQuery, route } from "@/lib/api/http";
import { EliteListQuery, ExperimentParams } from "@/lib/api/schemas";
import { listElites } from "@/lib/api/elite-table";

export const dynamic = "force-dynamic";

/**
 * GET /api/experiments/:id/elites?sort=fitness&order=desc&limit=50&offset=0&operator=…&model=…&fitnessMin=…&fitnessMax=…&ranges=0:-1:1
 * → { total, offset, limit, facets: { operator, model }, descriptorNames, elites: [{ cell, fitness, descriptors, solutionId,
 *     operator, model, costUsd, evalMs, createdAt, updatedAt }] }
 */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const q = parseQuery(req, EliteListQuery);
  return json(await listElites(id, q));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
