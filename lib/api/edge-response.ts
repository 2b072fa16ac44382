import { checkEdge } from "./edge";

/**
 * The answer to a request the edge checks refuse (lib/api/edge.ts), or null when it may proceed.
 * One place for the proxy (proxy.ts) and the web server's direct path for polled reads
 * (lib/runtime/fast-reads.ts), so a refusal looks the same whichever serves the request.
 */
export function edgeRefusalResponse(method: string, pathname: string, headers: Headers): Response | null {
  const refusal = checkEdge({ method, pathname, headers });
  if (!refusal) return null;
  const cacheControl = { "cache-control": "no-store" };
  if (pathname.startsWith("/api/")) return Response.json({ error: { code: refusal.code, message: refusal.message } }, { status: refusal.status, headers: cacheControl });
  return new Response(`${refusal.message}\n`, { status: refusal.status, headers: { ...cacheControl, "content-type": "text/plain; charset=utf-8" } });
}
