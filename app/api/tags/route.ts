import { json, otherMethods, parseQuery, route } from "@/lib/api/http";
import { EmptyQuery } from "@/lib/api/schemas";
import { tagCounts } from "@/lib/api/experiments";

export const dynamic = "force-dynamic";

/** GET /api/tags → { tags: [{ tag, count }] }: every tag on an experiment, most used first. */
export const GET = route(async (req) => {
  parseQuery(req, EmptyQuery);
  return json({ tags: await tagCounts() });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
