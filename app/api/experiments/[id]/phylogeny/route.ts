import { json, otherMethods, parseParams, parseQuery, route } from "@/lib/api/http";
import { ExperimentParams, PhylogenyQuery } from "@/lib/api/schemas";
import { phylogeny } from "@/lib/api/phylogeny";

export const dynamic = "force-dynamic";

/**
 * GET /api/experiments/:id/phylogeny?offset=0&limit=100000 → the ancestry DAG of the current elites, columnar:
 * { total, offset, nextOffset, elites, ids, parentStart, parents, fitness, cell, operators, operator, models, model, createdAt, elite }.
 */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  return json(await phylogeny(id, parseQuery(req, PhylogenyQuery)));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
