import { NextResponse, type NextRequest } from "next/server";
import { apiToken, SESSION_COOKIE, sessionValue } from "@/lib/api/auth";

/**
 * With QD_API_TOKEN set, the dashboard's pages need the session cookie too
 * (the API routes check it themselves and answer 401): without it, a page
 * redirects to /login, which exchanges the token for the cookie.
 */
export function proxy(request: NextRequest) {
  const token = apiToken();
  if (!token) return NextResponse.next();
  if (request.cookies.get(SESSION_COOKIE)?.value === sessionValue(token)) return NextResponse.next();
  const login = new URL("/login", request.url);
  login.searchParams.set("next", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(login);
}

export const config = {
  // Everything but the API (authenticated per route), the login page and static assets.
  matcher: ["/((?!api/|login|_next/|favicon).*)"],
};
