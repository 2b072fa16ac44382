import { json, otherMethods, parseParams, route } from "@/lib/api/http";
import { ExperimentParams } from "@/lib/api/schemas";
import { promptsReport } from "@/lib/api/prompts";

export const dynamic = "force-dynamic";

/**
 * GET /api/experiments/:id/prompts → evolving prompts: { evolve, config, variants: [{ variant, parentVariant, text, summary,
 * pulls, gain, improvements, gainPerPull, value, model, promptTokens, completionTokens, costUsd, createdAt }] }.
 */
export const GET = route(async (_req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  return json(await promptsReport(id));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
