import { json, otherMethods, parseBody, parseParams, route } from "@/lib/api/http";
import { AskBody, ExperimentParams } from "@/lib/api/schemas";
import { ask } from "@/lib/api/candidates";

export const dynamic = "force-dynamic";

/**
 * POST /api/experiments/:id/ask { count } → { candidates: [{ id, genome, parentIds, operator }], budgetRemaining, pending }
 * At most the unreserved budget; an empty list means the budget is spent or reserved by untold candidates.
 */
export const POST = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const { count } = await parseBody(req, AskBody);
  return json(await ask(id, count));
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
