import crypto from "node:crypto";
import { ApiError } from "./errors";

/**
 * API authentication. When QD_API_TOKEN is set, every /api request needs
 * `Authorization: Bearer <token>` or the HTTP-only session cookie that
 * `POST /api/session { token }` sets (the dashboard's login exchanges the token
 * for it). When unset, the API is open (the server should then listen on
 * loopback only).
 */
export const SESSION_COOKIE = "qd_session";

export function apiToken(): string | undefined {
  return process.env.QD_API_TOKEN || undefined;
}

/** The cookie value for a token: an HMAC, so the cookie never carries the token itself. */
export function sessionValue(token: string): string {
  return crypto.createHmac("sha256", token).update("qd-studio-session-v1").digest("base64url");
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export function tokenMatches(candidate: string): boolean {
  const token = apiToken();
  return !!token && safeEqual(candidate, token);
}

export function isAuthorized(req: Request): boolean {
  const token = apiToken();
  if (!token) return true;
  const header = req.headers.get("authorization") ?? "";
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (m && safeEqual(m[1]!, token)) return true;
  const cookie = (req.headers.get("cookie") ?? "").split(/;\s*/).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return !!cookie && safeEqual(cookie.slice(SESSION_COOKIE.length + 1), sessionValue(token));
}

export function checkAuth(req: Request): void {
  if (isAuthorized(req)) return;
  const had = req.headers.has("authorization");
  throw new ApiError(
    401,
    had ? "the bearer token is not valid" : "authentication required: send Authorization: Bearer <QD_API_TOKEN>",
    undefined,
    "unauthorized",
    { "www-authenticate": 'Bearer realm="qd-studio"' },
  );
}
