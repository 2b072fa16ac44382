import { json, otherMethods, parseParams, route } from "@/lib/api/http";
import { PromptVariantParams } from "@/lib/api/schemas";
import { promptVariant } from "@/lib/api/prompts";

export const dynamic = "force-dynamic";

/**
 * GET /api/experiments/:id/prompts/:variant → one prompt variant: its text, record, the meta-prompt and reply that
 * wrote it, its children counted by status and the 20 most recent ones.
 */
export const GET = route(async (_req, ctx) => {
  const { id, variant } = await parseParams(ctx, PromptVariantParams);
  return json(await promptVariant(id, variant));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
