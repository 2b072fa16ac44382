import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { edgeRefusalResponse } from "@/lib/api/edge-response";

/**
 * The polled reads served straight from node:http, without Next.js's per-request machinery (router,
 * proxy adapter, app-route runtime, its web-stream piping): under a live run that floor was ~70% of
 * the web server's CPU (docs/scaling.md). The handlers are the build's own route modules
 * (.next/server/app/…/route.js, the instances Next.js loads: one archive copy, one SSE poller, one
 * pool), called with a standard Request, after the same edge checks the proxy (proxy.ts) applies to
 * /api. Anything not matched exactly (other methods, HEAD, trailing slashes, odd encodings) goes to
 * Next.js, so only these GETs take the direct path.
 */
export interface FastRead {
  /** The route's directory under app/ (`api/experiments/[id]/archive`). */
  page: string;
  params: Record<string, string>;
  pathname: string;
  /** The request's URL as the handler sees it. */
  url: string;
}

const ROUTES: { pattern: RegExp; page: string; params: string[] }[] = [
  { pattern: /^\/api\/experiments$/, page: "api/experiments", params: [] },
  { pattern: /^\/api\/experiments\/([^/]+)$/, page: "api/experiments/[id]", params: ["id"] },
  { pattern: /^\/api\/experiments\/([^/]+)\/archive$/, page: "api/experiments/[id]/archive", params: ["id"] },
  { pattern: /^\/api\/experiments\/([^/]+)\/metrics$/, page: "api/experiments/[id]/metrics", params: ["id"] },
  { pattern: /^\/api\/experiments\/([^/]+)\/events$/, page: "api/experiments/[id]/events", params: ["id"] },
  { pattern: /^\/api\/queues$/, page: "api/queues", params: [] },
];

/** The direct-path route for a request line and Host, or null to hand the request to Next.js. */
export function matchFastRead(method: string | undefined, url: string | undefined, host: string | undefined): FastRead | null {
  if (method !== "GET" || !url || url[0] !== "/") return null;
  const q = url.indexOf("?");
  const pathname = q < 0 ? url : url.slice(0, q);
  for (const route of ROUTES) {
    const m = route.pattern.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    for (let i = 0; i < route.params.length; i++) {
      const raw = m[i + 1]!;
      // Next.js decodes a dynamic segment; one it might treat differently (bad escapes, encoded slashes, dot segments) stays with it.
      if (raw === "." || raw === "..") return null;
      let value: string;
      try {
        value = decodeURIComponent(raw);
      } catch {
        return null;
      }
      if (value.includes("/")) return null;
      params[route.params[i]!] = value;
    }
    // The edge checks refuse a missing or foreign Host; Next.js answers one that makes no URL.
    const full = `http://${host ?? "localhost"}${url}`;
    if (host !== undefined && !URL.canParse(full)) return null;
    return { page: route.page, params, pathname, url: full };
  }
  return null;
}

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

interface AppRouteEntry {
  routeModule: { ensureUserland(): Promise<void>; userland: { GET?: Handler } };
}

/** Loads the GET handlers from a build's route modules (Node's require cache: the same instances Next.js uses). */
export function buildHandlers(root: string): (page: string) => Promise<Handler> {
  const requireFromRoot = createRequire(path.join(root, "package.json"));
  const loaded = new Map<string, Promise<Handler>>();
  return (page) => {
    let handler = loaded.get(page);
    if (!handler) {
      handler = (async () => {
        const entry = requireFromRoot(path.join(root, ".next", "server", "app", page, "route.js")) as AppRouteEntry;
        await entry.routeModule.ensureUserland();
        const get = entry.routeModule.userland.GET;
        if (typeof get !== "function") throw new Error(`the build's ${page} route has no GET handler`);
        return get;
      })();
      handler.catch(() => loaded.delete(page));
      loaded.set(page, handler);
    }
    return handler;
  };
}

export interface FastReadServer {
  /** The port the server listens on (Next.js's x-forwarded-port). */
  port: number;
  handler(page: string): Promise<Handler>;
  /** Next.js's response compression (next/dist/compiled/compression), applied as `next start` applies it. */
  compress(req: IncomingMessage, res: ServerResponse): void;
}

/** Serves a matched read: edge checks, the route's handler, its Response written to `res`. */
export async function serveFastRead(req: IncomingMessage, res: ServerResponse, read: FastRead, server: FastReadServer): Promise<void> {
  server.compress(req, res);
  // What Next.js's base server fills in before a handler sees the request (auth's per-client attempt limit reads x-forwarded-for).
  const h = req.headers;
  h["x-forwarded-host"] ??= h.host;
  h["x-forwarded-port"] ??= String(server.port);
  h["x-forwarded-proto"] ??= "http";
  h["x-forwarded-for"] ??= req.socket.remoteAddress;
  const headers = new Headers();
  for (const [name, value] of Object.entries(h)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  const abort = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  const refusal = edgeRefusalResponse("GET", read.pathname, headers);
  if (refusal) return writeResponse(res, refusal, false);
  let response: Response;
  try {
    response = await (await server.handler(read.page))(new Request(read.url, { headers, signal: abort.signal }), { params: Promise.resolve(read.params) });
  } catch (error) {
    // route() maps every handler error to a JSON answer; this is a failure around it (a missing build).
    console.error(`[web] GET ${read.pathname} failed:`, error);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
    return;
  }
  await writeResponse(res, response, true);
}

/** The Vary header Next.js puts on every answer of an app route (its client router's request headers). */
export const NEXT_ROUTE_VARY = "rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch";

async function writeResponse(res: ServerResponse, response: Response, fromRoute: boolean): Promise<void> {
  res.statusCode = response.status;
  if (fromRoute) res.setHeader("vary", NEXT_ROUTE_VARY);
  for (const [name, value] of response.headers) {
    if (name === "set-cookie") continue;
    res.setHeader(name, name === "vary" && fromRoute ? `${NEXT_ROUTE_VARY}, ${value}` : value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader("set-cookie", cookies);
  const body = response.body;
  if (!body) {
    res.end();
    return;
  }
  if (!(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    // A whole answer: one write, with its length.
    res.end(Buffer.from(await response.arrayBuffer()));
    return;
  }
  // A stream (SSE): chunk by chunk, waiting for the socket to drain, until either side ends it.
  const reader = body.getReader();
  const closed = once(res, "close").then(() => reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) await Promise.race([once(res, "drain"), closed]);
    }
  } catch {
    /* the client went away, or the stream failed: end the response either way */
  }
  if (!res.destroyed) res.end();
}
