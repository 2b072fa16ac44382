import { readEnv } from "@/lib/config";
import net from "node:net";
import os from "node:os";

/**
 * The checks every request passes before any page or route runs (proxy.ts):
 *
 * - Host: only names this server answers to (loopback names, IP literals, this
 *   machine's hostname, the configured HOST, and QD_ALLOWED_HOSTS). A DNS-rebinding
 *   page reaches us under its own name (Host: evil.example), so it is refused and
 *   can read nothing.
 * - State-changing requests (anything but GET/HEAD/OPTIONS) from a browser must come
 *   from our own origin: `Origin` must be this server, and `Sec-Fetch-Site` must not
 *   say cross-site. Clients that are not browsers (curl, the Python client) send
 *   neither header and are unaffected.
 * - An /api request that carries a body must say it is JSON. A page can send
 *   `text/plain` or no type at all without a CORS preflight; a JSON type forces one,
 *   which this server never grants.
 *
 * Pure functions of the request headers and the environment, so they are tested directly.
 */
export interface EdgeRequest {
  method: string;
  /** Path of the request URL (`/api/experiments`). */
  pathname: string;
  headers: Headers;
}

export interface EdgeRefusal {
  status: 403 | 415;
  code: "forbidden" | "unsupported_media_type";
  message: string;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "::1"]);
const ANY_INTERFACE = new Set(["0.0.0.0", "::", ""]);

/** `Host` header → lower-case name without port or IPv6 brackets; null when malformed. */
export function hostName(host: string): string | null {
  const h = host.trim().toLowerCase();
  if (!h) return null;
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end > 0 ? h.slice(1, end) : null;
  }
  const colon = h.indexOf(":");
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** The names (besides IP literals and loopback) this server answers to. */
export function allowedHostNames(env: Record<string, string | undefined> = process.env): Set<string> {
  const names = new Set<string>(LOOPBACK_NAMES);
  const host = (env.HOST ?? "").trim().toLowerCase();
  if (!ANY_INTERFACE.has(host)) names.add(host.replace(/^\[|\]$/g, ""));
  try {
    const own = os.hostname().toLowerCase();
    if (own) names.add(own);
  } catch {
    /* no hostname: loopback and IP literals still work */
  }
  for (const n of readEnv(env).QD_ALLOWED_HOSTS) {
    const name = n.toLowerCase();
    if (name) names.add(hostName(name) ?? name);
  }
  return names;
}

/**
 * Whether `Host` names this server. IP literals are always accepted: DNS rebinding
 * needs a name the attacker controls, and a page served from an IP literal of ours
 * is our own origin. `QD_ALLOWED_HOSTS=*` accepts every name (behind a proxy that
 * checks it already).
 */
export function hostAllowed(host: string | null, env: Record<string, string | undefined> = process.env): boolean {
  if (!host) return false;
  const name = hostName(host);
  if (name === null) return false;
  if (net.isIP(name) !== 0) return true;
  if (name.endsWith(".localhost") || name === "localhost") return true;
  if (readEnv(env).QD_ALLOWED_HOSTS.includes("*")) return true;
  return allowedHostNames(env).has(name.replace(/\.$/, ""));
}

/** Behind a TLS-terminating proxy (QD_TRUST_PROXY=1) the scheme the browser used is in x-forwarded-proto. */
export function trustProxy(env: Record<string, string | undefined> = process.env): boolean {
  return readEnv(env).QD_TRUST_PROXY;
}

/** `https:` or `http:`: the scheme the client used to reach us. */
export function requestScheme(headers: Headers, urlProtocol: string, env: Record<string, string | undefined> = process.env): "https:" | "http:" {
  if (trustProxy(env)) {
    const forwarded = (headers.get("x-forwarded-proto") ?? "").split(",")[0]!.trim().toLowerCase();
    if (forwarded === "https" || forwarded === "http") return `${forwarded}:`;
  }
  return urlProtocol === "https:" ? "https:" : "http:";
}

/** The first refusal that applies to this request, or null when it may proceed. */
export function checkEdge(req: EdgeRequest, env: Record<string, string | undefined> = process.env): EdgeRefusal | null {
  const host = req.headers.get("host");
  // Behind a trusted proxy the name the browser used is in x-forwarded-host (nginx, for one, sends the upstream's name as Host).
  const publicHost = (trustProxy(env) && req.headers.get("x-forwarded-host")?.split(",")[0]!.trim()) || host;
  for (const h of new Set([host, publicHost])) {
    if (!hostAllowed(h, env)) {
      return {
        status: 403,
        code: "forbidden",
        message: `this server does not answer to the host name "${hostName(h ?? "") ?? h ?? ""}"; if that is your server's name, add it to QD_ALLOWED_HOSTS`,
      };
    }
  }
  const method = req.method.toUpperCase();
  if (!SAFE_METHODS.has(method)) {
    const cross = crossOrigin(req.headers, publicHost!);
    if (cross) return { status: 403, code: "forbidden", message: `cross-site request refused: ${cross}; state-changing requests must come from this server's own pages or from a non-browser client` };
  }
  if (req.pathname.startsWith("/api/") && hasBody(req.headers)) {
    const type = (req.headers.get("content-type") ?? "").toLowerCase();
    if (!isJsonType(type)) {
      return {
        status: 415,
        code: "unsupported_media_type",
        message: type ? `content-type must be application/json (got "${type.split(";")[0]!.trim()}")` : "the request has a body but no content-type: send content-type application/json",
      };
    }
  }
  return null;
}

export const isJsonType = (type: string) => /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type.trim());

function hasBody(headers: Headers): boolean {
  const length = headers.get("content-length");
  if (length !== null) return Number(length) > 0;
  return headers.has("transfer-encoding");
}

/** Why the browser request is cross-origin, or null when it is ours (or not from a browser). */
function crossOrigin(headers: Headers, host: string): string | null {
  const site = (headers.get("sec-fetch-site") ?? "").toLowerCase();
  if (site === "cross-site" || site === "same-site") return `Sec-Fetch-Site is ${site}`;
  const origin = headers.get("origin");
  if (origin === null) return null;
  if (origin === "null") return "Origin is null (a sandboxed or file: page)";
  let originHost: string;
  try {
    const u = new URL(origin);
    if (u.protocol !== "http:" && u.protocol !== "https:") return `Origin ${origin} is not a web page`;
    originHost = u.host;
  } catch {
    return `Origin "${origin}" is not a URL`;
  }
  // Same origin = same host and port as the request (the Host header was checked above).
  return sameHost(originHost, host) ? null : `Origin ${origin} is not this server`;
}

function sameHost(originHost: string, host: string): boolean {
  const norm = (h: string) => {
    const lower = h.trim().toLowerCase();
    // Default ports: URL drops :80/:443 from Origin, a Host header may keep them.
    return lower.replace(/:(80|443)$/, "");
  };
  return norm(originHost) === norm(host);
}
