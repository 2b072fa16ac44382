import { json, otherMethods, parseParams, parseQuery, route } from "@/lib/api/http";
import { BudgetQuery, ExperimentParams } from "@/lib/api/schemas";
import { budgetReport } from "@/lib/api/budget";

export const dynamic = "force-dynamic";

/**
 * GET /api/experiments/:id/budget?buckets=40 → where the run's evaluations, tokens and money went:
 * { evaluations, costUsd, promptTokens, completionTokens, outcomes, improvements, costPerImprovement,
 *   byModel, byOperator, overEvaluations, evalTime: { p50, p90, p99, max, histogram } } (aggregated in SQL).
 */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const q = parseQuery(req, BudgetQuery);
  return json(await budgetReport(id, q));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
