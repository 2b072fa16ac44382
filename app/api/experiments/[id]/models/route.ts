import { json, otherMethods, parseParams, route } from "@/lib/api/http";
import { ExperimentParams } from "@/lib/api/schemas";
import { modelsReport } from "@/lib/api/models";

export const dynamic = "force-dynamic";

/**
 * GET /api/experiments/:id/models → the LLM run's models: { modelSelection, strategy, models: [{ model, provider,
 * weight, pulls, share, costUsd, gain, improvements, gainPerPull, gainPerDollar, value }], series: [{ evaluations, models }] }.
 */
export const GET = route(async (_req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  return json(await modelsReport(id));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
