import { json, otherMethods, parseBody, parseQuery, route } from "@/lib/api/http";
import { CreateTemplateBody, EmptyQuery } from "@/lib/api/schemas";
import { listTemplates, saveTemplate } from "@/lib/api/templates";

export const dynamic = "force-dynamic";

/** GET /api/templates → { templates: [{ id, name, description, config, createdAt, updatedAt }] }, most recently saved first. */
export const GET = route(async (req) => {
  parseQuery(req, EmptyQuery);
  return json({ templates: await listTemplates() });
});

/** POST /api/templates { name, description?, config, replace? } → 201 with the template; 409 when the name is taken (unless replace). */
export const POST = route(async (req) => {
  const body = await parseBody(req, CreateTemplateBody);
  const t = await saveTemplate(body);
  return json(t, 201, { location: `/api/templates/${t.id}` });
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
