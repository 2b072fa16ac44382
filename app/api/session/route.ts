import { ApiError } from "@/lib/api/errors";
import { json, otherMethods, parseBody, route } from "@/lib/api/http";
import { SessionBody } from "@/lib/api/schemas";
import { apiToken, SESSION_COOKIE, sessionValue, tokenMatches } from "@/lib/api/auth";

export const dynamic = "force-dynamic";

const secure = (req: Request) => (new URL(req.url).protocol === "https:" ? "; Secure" : "");

/**
 * POST /api/session { token } → sets the HTTP-only session cookie (the dashboard's login).
 * 401 for a wrong token; 200 { auth: false } when the server has no QD_API_TOKEN.
 */
export const POST = route(
  async (req) => {
    const { token } = await parseBody(req, SessionBody);
    const configured = apiToken();
    if (!configured) return json({ auth: false });
    if (!tokenMatches(token)) throw new ApiError(401, "the token is not valid");
    return json({ auth: true }, 200, {
      "set-cookie": `${SESSION_COOKIE}=${sessionValue(configured)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${30 * 24 * 3600}${secure(req)}`,
    });
  },
  { public: true },
);

/** DELETE /api/session: logs out (clears the cookie). */
export const DELETE = route(
  async (req) => new Response(null, { status: 204, headers: { "set-cookie": `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure(req)}` } }),
  { public: true },
);

export const { GET, PUT, PATCH } = otherMethods("POST", "DELETE");
