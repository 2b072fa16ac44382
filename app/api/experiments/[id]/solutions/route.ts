import { json, MAX_LARGE_BODY, otherMethods, parseBody, parseParams, route } from "@/lib/api/http";
import { ExperimentParams, SubmitBody } from "@/lib/api/schemas";
import { submit } from "@/lib/api/candidates";

export const dynamic = "force-dynamic";

/**
 * POST /api/experiments/:id/solutions { solutions: [{ genome, parentIds? }], idempotencyKey? }
 * Built-in domains: evaluated now → 200 { mode: "evaluated", results: [{ id, status, cell, fitness }], … }.
 * External domains: stored as pending candidates → 201 { mode: "pending", candidates } (tell their results).
 */
export const POST = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const body = await parseBody(req, SubmitBody, { maxBytes: MAX_LARGE_BODY });
  const out = await submit(id, body.solutions, body.idempotencyKey);
  return json(out, out.mode === "pending" ? 201 : 200);
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
