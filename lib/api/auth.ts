import { readEnv } from "@/lib/config";
import crypto from "node:crypto";
import { ApiError } from "./errors";
import { blockedFor, clientKey, recordFailure } from "./attempts";

/**
 * API authentication. When QD_API_TOKEN is set, every /api request needs
 * `Authorization: Bearer <token>` or the HTTP-only session cookie that
 * `POST /api/session { token }` sets (the dashboard's login exchanges the token
 * for it). When unset, the API is open (the server should then listen on
 * loopback only).
 */
export const SESSION_COOKIE = "qd_session";

export function apiToken(): string | undefined {
  return readEnv().QD_API_TOKEN;
}

/** How long a session cookie is valid (the cookie's Max-Age and the server-side check agree). */
export const SESSION_TTL_SECONDS = 7 * 24 * 3600;

/**
 * A session cookie value: `<issued-at seconds>.<HMAC(token, issued-at)>`. The cookie never
 * carries the token, stops working SESSION_TTL_SECONDS after it was issued, and stops
 * working at once when the token changes.
 */
export function sessionValue(token: string, issuedAt = Math.floor(Date.now() / 1000)): string {
  return `${issuedAt}.${crypto.createHmac("sha256", token).update(`qd-studio-session-v2:${issuedAt}`).digest("base64url")}`;
}

/** Whether a cookie value is a live session for the current token. */
export function sessionValid(value: string | undefined, token: string, now = Date.now() / 1000): boolean {
  const m = /^(\d{1,12})\.[A-Za-z0-9_-]+$/.exec(value ?? "");
  if (!m) return false;
  const issuedAt = Number(m[1]);
  if (issuedAt > now + 60 || now - issuedAt > SESSION_TTL_SECONDS) return false;
  return safeEqual(value!, sessionValue(token, issuedAt));
}

/** The session cookie's value in a Cookie header, if any. */
export function sessionCookie(req: Request): string | undefined {
  const cookie = (req.headers.get("cookie") ?? "").split(/;\s*/).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return cookie?.slice(SESSION_COOKIE.length + 1);
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

function bearerOf(req: Request): string | null {
  const m = /^Bearer\s+(.+)$/i.exec((req.headers.get("authorization") ?? "").trim());
  return m ? m[1]! : null;
}

/** 429 when this client (or everyone together) has sent too many wrong tokens lately. */
export function checkAttempts(req: Request): void {
  const wait = blockedFor(clientKey(req.headers));
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    throw new ApiError(429, `too many wrong tokens; try again in ${seconds} s`, undefined, "rate_limited", { "retry-after": String(seconds) });
  }
}

/** Counts a wrong token against this client. */
export function recordWrongToken(req: Request): void {
  recordFailure(clientKey(req.headers));
}

/**
 * A live session cookie passes; a bearer token is checked only while this client is
 * under the wrong-token limit (a wrong one counts against it); no credentials is a 401.
 */
export function checkAuth(req: Request): void {
  const token = apiToken();
  if (!token) return;
  if (sessionValid(sessionCookie(req), token)) return;
  const bearer = bearerOf(req);
  if (bearer !== null) {
    checkAttempts(req);
    if (safeEqual(bearer, token)) return;
    recordWrongToken(req);
  }
  const had = req.headers.has("authorization");
  throw new ApiError(
    401,
    had ? "the bearer token is not valid" : "authentication required: send Authorization: Bearer <QD_API_TOKEN>",
    undefined,
    "unauthorized",
    { "www-authenticate": 'Bearer realm="qd-studio"' },
  );
}
