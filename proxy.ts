import { NextResponse, type NextRequest } from "next/server";
import { apiToken, SESSION_COOKIE, sessionValid } from "@/lib/api/auth";
import { edgeRefusalResponse } from "@/lib/api/edge-response";

/**
 * Runs before every page and API route:
 * 1. The edge checks (lib/api/edge.ts): an allowed Host, same-origin browser writes,
 *    JSON bodies on the API. Refused here, before any handler runs.
 * 2. With QD_API_TOKEN set, the dashboard's pages need the session cookie too (the API
 *    routes check it themselves and answer 401): without it, a page redirects to
 *    /login, which exchanges the token for the cookie.
 */
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const refusal = edgeRefusalResponse(request.method, pathname, request.headers);
  if (refusal) return refusal;
  const token = apiToken();
  if (!token || pathname.startsWith("/api/") || pathname === "/login" || pathname.startsWith("/login/")) return NextResponse.next();
  if (sessionValid(request.cookies.get(SESSION_COOKIE)?.value, token)) return NextResponse.next();
  const login = new URL("/login", request.url);
  login.searchParams.set("next", pathname + request.nextUrl.search);
  return NextResponse.redirect(login);
}

export const config = {
  // Everything but the build's static assets (the same for every visitor, no data in them).
  matcher: ["/((?!_next/static|_next/image|favicon).*)"],
};
