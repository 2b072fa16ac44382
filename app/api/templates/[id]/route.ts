import { prisma } from "@/lib/db/client";
import { ApiError } from "@/lib/api/errors";
import { json, otherMethods, parseParams, parseQuery, route } from "@/lib/api/http";
import { EmptyQuery, TemplateParams } from "@/lib/api/schemas";
import { loadTemplate } from "@/lib/api/templates";

export const dynamic = "force-dynamic";

/** GET /api/templates/:id → the template. */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, TemplateParams);
  parseQuery(req, EmptyQuery);
  return json(await loadTemplate(id));
});

/** DELETE /api/templates/:id → 204. */
export const DELETE = route(async (_req, ctx) => {
  const { id } = await parseParams(ctx, TemplateParams);
  const deleted = await prisma.experimentTemplate.deleteMany({ where: { id } });
  if (deleted.count === 0) throw new ApiError(404, `template ${id} not found`);
  return new Response(null, { status: 204 });
});

export const { POST, PUT, PATCH } = otherMethods("GET", "DELETE");
