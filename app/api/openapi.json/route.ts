import { json, otherMethods, route } from "@/lib/api/http";
import { openApiDocument } from "@/lib/api/openapi";

export const dynamic = "force-dynamic";

let cached: unknown;

/** GET /api/openapi.json: OpenAPI 3.1, generated from the request schemas. */
export const GET = route(async () => json((cached ??= openApiDocument()), 200, { "cache-control": "public, max-age=60" }), { public: true });

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
