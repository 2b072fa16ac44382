import { z } from "zod";
import { LifecycleError } from "@/lib/experiments/lifecycle";
import { ApiError, validationError } from "./errors";
import { checkAuth } from "./auth";
import { isJsonType } from "./edge";

/** What Next.js passes a route handler as its second argument. */
export interface RouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

type Handler = (req: Request, ctx: RouteContext) => Promise<Response> | Response;

export interface RouteOptions {
  /** Skips the bearer-token check (the session exchange itself). */
  public?: boolean;
}

/**
 * Wraps a route handler: authentication, then the handler, with every error
 * mapped to the API's JSON error shape. Bad input is always a 4xx; a 500 only
 * ever means a bug or a dependency outage (and says which, without internals).
 */
export function route(handler: Handler, options: RouteOptions = {}) {
  return async (req: Request, ctx: RouteContext): Promise<Response> => {
    try {
      if (!options.public) checkAuth(req);
      return await handler(req, ctx);
    } catch (error) {
      return errorResponse(error, req);
    }
  };
}

export function errorResponse(error: unknown, req?: Request): Response {
  const e = toApiError(error);
  if (e.status >= 500) console.error(`[api] ${req?.method ?? ""} ${req ? new URL(req.url).pathname : ""} failed:`, error);
  const body: { error: { code: string; message: string; issues?: unknown } } = { error: { code: e.code, message: e.message } };
  if (e.issues?.length) body.error.issues = e.issues;
  const text = JSON.stringify(body);
  return new Response(text, { status: e.status, headers: { "content-type": "application/json", "cache-control": noStore(text.length), ...e.headers } });
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof LifecycleError) return new ApiError(error.status, error.message);
  if (error instanceof z.ZodError) return validationError("", error);
  const code = (error as { code?: unknown })?.code;
  const message = String((error as Error)?.message ?? error);
  // Prisma: record to update/delete does not exist.
  if (code === "P2025") return new ApiError(404, "not found");
  // Serialisation conflicts and lock timeouts under load: the client may retry.
  if (code === "P2034" || code === "40001" || code === "40P01") return new ApiError(503, "the database was busy; retry the request", undefined, "unavailable", { "retry-after": "1" });
  if (/ECONNREFUSED|Can't reach database|Connection terminated|connect ETIMEDOUT/.test(message)) {
    return new ApiError(503, "a back-end dependency (database or queue) is unreachable; retry later", undefined, "unavailable", { "retry-after": "5" });
  }
  return new ApiError(500, "internal error (see the server log)", undefined, "internal");
}

/**
 * Bodies shorter than this are sent uncompressed. `next start` gzips every compressible response it
 * streams, at level 6, whatever its size: a fresh zlib stream per response, which for the few-KB
 * answers the dashboard polls cost more server CPU than it saves on the wire (bench/request-overhead.ts).
 * `no-transform` is how a response opts out of it (and asks proxies not to compress it either).
 */
export const COMPRESS_MIN_CHARS = 16 * 1024;

/** Cache-Control for an API answer of `length` characters that must not be cached. */
export function noStore(length: number): string {
  return length < COMPRESS_MIN_CHARS ? "no-store, no-transform" : "no-store";
}

/** JSON response; bigints (revisions, event ids) become numbers. */
export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const body = stringify(data);
  return new Response(body, { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": noStore(body.length), ...headers } });
}

export function stringify(data: unknown): string {
  return JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? Number(v) : v));
}

/** Body size limits (bytes). */
export const MAX_BODY = 1 << 20;
export const MAX_LARGE_BODY = 8 << 20;

/**
 * Reads and parses a JSON body: 415 for a non-JSON content type, 413 over
 * `maxBytes` (checked against Content-Length and while streaming), 400 for
 * malformed JSON, then the schema (400 with located issues).
 */
export async function parseBody<S extends z.ZodType>(req: Request, schema: S, opts: { maxBytes?: number; optional?: boolean; quick?: (raw: unknown) => z.infer<S> | null } = {}): Promise<z.infer<S>> {
  const raw = await readJson(req, opts.maxBytes ?? MAX_BODY, opts.optional ?? false);
  // A hand-written check for large well-formed bodies; anything it does not accept goes through the schema.
  const quick = opts.quick?.(raw);
  if (quick) return quick;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ApiError(400, `the request body must be a JSON object (got ${Array.isArray(raw) ? "an array" : raw === null ? "null" : `a ${typeof raw}`})`, [{ path: "body", message: "must be a JSON object" }], "validation_failed");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw validationError("body", parsed.error);
  return parsed.data;
}

export async function readJson(req: Request, maxBytes: number, optional: boolean): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const text = await readText(req, maxBytes);
  if (!text.trim()) {
    if (optional) return {};
    throw new ApiError(400, "the request body is empty: send a JSON object with content-type application/json", undefined, "invalid_json");
  }
  // A body without a JSON type is what a cross-site page can send without a CORS preflight.
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (!type) throw new ApiError(415, "the request has a body but no content-type: send content-type application/json");
  if (!isJsonType(type)) throw new ApiError(415, `content-type must be application/json (got "${type.split(";")[0]!.trim()}")`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, `the request body is not valid JSON: ${(error as Error).message}`, undefined, "invalid_json");
  }
}

const tooLarge = (max: number) => new ApiError(413, `the request body is larger than the limit of ${(max / (1 << 20)).toFixed(0)} MiB`);

async function readText(req: Request, maxBytes: number): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const buf = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) (buf.set(c, o), (o += c.byteLength));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    throw new ApiError(400, "the request body is not valid UTF-8", undefined, "invalid_json");
  }
}

/** Query string → object (a repeated key becomes an array), then the schema (400 with `query.<name>` issues). */
export function parseQuery<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const params = new URL(req.url).searchParams;
  const raw: Record<string, string | string[]> = {};
  for (const [k, v] of params) {
    const prev = raw[k];
    raw[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw validationError("query", parsed.error);
  return parsed.data;
}

/** Route parameters; a malformed id is a 404 (it names no resource), like an unknown one. */
export async function parseParams<S extends z.ZodType>(ctx: RouteContext, schema: S): Promise<z.infer<S>> {
  const raw = await ctx.params;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const e = validationError("params", parsed.error, 404);
    throw new ApiError(404, e.message, e.issues, "not_found");
  }
  return parsed.data;
}

const ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = (typeof ALL_METHODS)[number];

/**
 * 405 handlers (JSON, with an `Allow` header) for the methods a route does not implement:
 *   export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
 */
export function otherMethods(...allowed: Method[]): Record<Method, (req: Request) => Response> {
  const allow = [...allowed, ...(allowed.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const handler = (req: Request) =>
    errorResponse(new ApiError(405, `${req.method} is not allowed on ${new URL(req.url).pathname}; use ${allowed.join(" or ")}`, undefined, "method_not_allowed", { allow }), req);
  return Object.fromEntries(ALL_METHODS.map((m) => [m, handler])) as Record<Method, (req: Request) => Response>;
}
