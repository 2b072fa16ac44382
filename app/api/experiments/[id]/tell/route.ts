import { json, MAX_LARGE_BODY, otherMethods, parseBody, parseParams, route } from "@/lib/api/http";
import { ExperimentParams, quickTellBody, TellBody } from "@/lib/api/schemas";
import { tell } from "@/lib/api/candidates";

export const dynamic = "force-dynamic";

/**
 * POST /api/experiments/:id/tell { results: [{ candidateId, fitness, descriptors, metrics?, evalMs? } | { candidateId, error }] }
 * → { duplicate, results: [{ id, status: "new"|"improved"|"not_added"|"failed", cell, fitness }], experimentStatus, evaluations, numElites }
 * Or the binary form of an asked batch: { batchId, start?, fitness, descriptors } (float64 LE blocks, base64).
 * `"answer": "blocks"` → `statuses` (uint8 each) and `cells` (int32 each) as base64 columns instead of `results`.
 * Idempotent: the same set of candidates told again returns the stored statuses (duplicate: true).
 * Unknown candidates → 422; already told in another tell → 409; expired (ask's ttlSeconds) → 410.
 */
export const POST = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const body = await parseBody(req, TellBody, { maxBytes: MAX_LARGE_BODY, quick: quickTellBody });
  return json(await tell(id, body));
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
