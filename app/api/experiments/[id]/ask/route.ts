import { json, otherMethods, parseBody, parseParams, route } from "@/lib/api/http";
import { AskBody, ExperimentParams } from "@/lib/api/schemas";
import { ask } from "@/lib/api/candidates";
import { askBinaryResponse } from "@/lib/api/ask-binary";

export const dynamic = "force-dynamic";

/**
 * POST /api/experiments/:id/ask { count, ttlSeconds? } → { candidates: [{ id, genome, parentIds, operator }], budgetRemaining, pending, batchId, expiresAt }
 * At most the unreserved budget; an empty list means the budget is spent or reserved by untold candidates.
 * `"encoding": "base64"` → { candidates: [], ids, dim, genomes (float64 LE, row-major, base64), parentIds, operator, … }.
 * `"encoding": "binary"` → application/octet-stream: one JSON header line, then the raw genome and parent blocks (lib/api/ask-binary.ts).
 */
export const POST = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const { count, encoding, ttlSeconds } = await parseBody(req, AskBody);
  if (encoding === "binary") return askBinaryResponse(await ask(id, count, "binary", ttlSeconds));
  return json(await ask(id, count, encoding, ttlSeconds));
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
