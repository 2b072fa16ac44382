import { json, otherMethods, parseParams, parseQuery, route } from "@/lib/api/http";
import { EmptyQuery, ExperimentParams } from "@/lib/api/schemas";
import { metricKeys } from "@/lib/api/evaluations";

export const dynamic = "force-dynamic";

/**
 * GET /api/experiments/:id/metrics/keys
 * The keys of the evaluator's `metrics` the run's solutions have produced so far
 * → { keys: [{ key, count, min, max }], solutions } (most frequent first).
 */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  parseQuery(req, EmptyQuery);
  return json(await metricKeys(id));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
