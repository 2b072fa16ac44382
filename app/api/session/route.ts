import { ApiError } from "@/lib/api/errors";
import { json, otherMethods, parseBody, route } from "@/lib/api/http";
import { SessionBody } from "@/lib/api/schemas";
import { apiToken, checkAttempts, recordWrongToken, SESSION_COOKIE, SESSION_TTL_SECONDS, sessionValue, tokenMatches } from "@/lib/api/auth";
import { requestScheme } from "@/lib/api/edge";

export const dynamic = "force-dynamic";

/** `Secure` whenever the browser reached us over TLS, also through a trusted TLS-terminating proxy (QD_TRUST_PROXY). */
const secure = (req: Request) => (requestScheme(req.headers, new URL(req.url).protocol) === "https:" ? "; Secure" : "");

/**
 * POST /api/session { token } → sets the HTTP-only session cookie (the dashboard's login),
 * valid for SESSION_TTL_SECONDS. 401 for a wrong token, 429 after too many wrong ones;
 * 200 { auth: false } when the server has no QD_API_TOKEN.
 */
export const POST = route(
  async (req) => {
    const { token } = await parseBody(req, SessionBody);
    const configured = apiToken();
    if (!configured) return json({ auth: false });
    checkAttempts(req);
    if (!tokenMatches(token)) {
      recordWrongToken(req);
      throw new ApiError(401, "the token is not valid");
    }
    const expires = new Date(Date.now() + SESSION_TTL_SECONDS * 1000).toUTCString();
    return json({ auth: true }, 200, {
      "set-cookie": `${SESSION_COOKIE}=${sessionValue(configured)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_SECONDS}; Expires=${expires}${secure(req)}`,
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
