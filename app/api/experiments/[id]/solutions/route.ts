import { json, MAX_LARGE_BODY, otherMethods, parseBody, parseParams, parseQuery, route } from "@/lib/api/http";
import { ExperimentParams, SolutionsQuery, SubmitBody } from "@/lib/api/schemas";
import { submit } from "@/lib/api/candidates";
import { listEvaluations } from "@/lib/api/evaluations";

export const dynamic = "force-dynamic";

/**
 * POST /api/experiments/:id/solutions { solutions: [{ genome, parentIds? }], idempotencyKey? }
 * Built-in domains: evaluated now → 200 { mode: "evaluated", results: [{ id, status, cell, fitness }], … }.
 * External domains: stored as pending candidates → 201 { mode: "pending", candidates } (tell their results).
 * Worker-evaluated domains (command/webhook/javascript evaluators, llm-code, llm-text): queued for the
 * experiment's evaluator → 202 { mode: "queued", candidates: [{ id }] } (each appears under /api/solutions/:id once evaluated).
 */
export const POST = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const body = await parseBody(req, SubmitBody, { maxBytes: MAX_LARGE_BODY });
  const out = await submit(id, body.solutions, body.idempotencyKey);
  return json(out, out.mode === "pending" ? 201 : out.mode === "queued" ? 202 : 200);
});

/**
 * GET /api/experiments/:id/solutions?status=failed|evaluated&limit=50&cursor=…
 * Evaluated and failed candidates, newest first → { solutions: [{ id, status, fitness, descriptors, cell,
 * operator, error, logs (cut at 4,000 characters; logsTruncated), evalMs, metrics, elite, createdAt }], nextCursor }.
 * Failed ones carry the evaluator's reason in `error`. Pass `nextCursor` as `cursor` for the next page.
 */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const q = parseQuery(req, SolutionsQuery);
  return json(await listEvaluations(id, q));
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
