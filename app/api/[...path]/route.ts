import { ApiError } from "@/lib/api/errors";
import { route } from "@/lib/api/http";

export const dynamic = "force-dynamic";

/** Any other /api path: a JSON 404 (after the auth check, so it reveals nothing to strangers). */
const notFound = route(async (req) => {
  throw new ApiError(404, `no API endpoint at ${new URL(req.url).pathname} (see GET /api/openapi.json)`);
});

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
