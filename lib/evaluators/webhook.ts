/**
 * Webhook evaluator: POSTs candidates as JSON to a user's HTTP endpoint.
 *
 * Body: single mode `{"id": "...", "genome": ...}`; batch mode `{"candidates": [{"id","genome"}, ...]}`.
 * Response (2xx, JSON): single `{"fitness", "descriptors"?, "metrics"?}` (or `{"error": "..."}`),
 * batch `{"results": [ ... ]}` in the same order.
 *
 * Signature scheme (when `secretEnv` is set):
 *   X-QD-Timestamp: <unix time in seconds>
 *   X-QD-Signature: sha256=<hex HMAC-SHA256(secret, `${timestamp}.${rawBody}`)>
 * The receiver recomputes the HMAC over the exact raw body bytes, compares in constant time and
 * rejects timestamps more than 5 minutes away from its clock (replay protection); see
 * `verifySignature()`. Every attempt (retry) is signed afresh with a new timestamp.
 * The secret is read from the worker's environment variable named by `secretEnv` (which must
 * start with `QD_WEBHOOK_SECRET`, so a config cannot make the worker key an HMAC with, say,
 * DATABASE_URL); it is never sent.
 *
 * Retries: network errors, HTTP 5xx and 429 are retried up to `retries` times with exponential
 * backoff (`backoffMs * 2^attempt`, ±20 % jitter, capped at `maxBackoffMs`); a `Retry-After`
 * header (seconds or HTTP date) on 429/503 is honoured (capped at `maxBackoffMs`). Timeouts
 * (`timeoutMs` per attempt, via AbortController) are not retried unless `retryOnTimeout`, since
 * the receiver may still be working on the request. Other 4xx fail at once.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { WebhookEvaluatorConfig } from "./schemas";
import { type Candidate, type EvalResult, type Evaluator, type ResultReader, chunk, descriptorCountField, parseLenientJson, toResult } from "./types";
import { CANCELLED_ERROR, createEvaluationSlots, evaluateEach, type EvaluationSlots } from "./concurrency";
import { sleep } from "../llm/limiter";

export { WebhookEvaluatorConfig };

export const SIGNATURE_HEADER = "X-QD-Signature";
export const TIMESTAMP_HEADER = "X-QD-Timestamp";

/** `sha256=<hex>` over `${timestamp}.${body}`. */
export function sign(body: string | Uint8Array, timestamp: string | number, secret: string): string {
  const h = createHmac("sha256", secret);
  h.update(`${timestamp}.`);
  h.update(body);
  return `sha256=${h.digest("hex")}`;
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;
function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (k.toLowerCase() === want) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/**
 * For receivers: check `X-QD-Signature` against the raw request body (string or bytes, exactly as
 * received) and `X-QD-Timestamp` (must be within `toleranceSec`, default 300, of `nowSec`).
 * `headers` may be a fetch `Headers` or Node's `req.headers`. Constant-time comparison.
 */
export function verifySignature(
  body: string | Uint8Array,
  headers: HeaderBag,
  secret: string,
  opts: { toleranceSec?: number; nowSec?: number } = {},
): boolean {
  const ts = header(headers, TIMESTAMP_HEADER);
  const sig = header(headers, SIGNATURE_HEADER);
  if (!ts || !sig || !/^\d{1,12}$/.test(ts) || !secret) return false;
  const now = opts.nowSec ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(ts)) > (opts.toleranceSec ?? 300)) return false;
  const expected = Buffer.from(sign(body, ts, secret));
  const got = Buffer.from(sig);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

class HttpFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

function parseRetryAfter(v: string | null): number | undefined {
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}

async function readBounded(res: Response, max: number): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const parts: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > max) {
      await reader.cancel().catch(() => undefined);
      throw new HttpFailure(`response too large: more than ${max} bytes`, false);
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString("utf8");
}


/** `deps.read`: the output contract (default: `{ fitness, descriptors?, metrics? }`). */
export function createWebhookEvaluator(input: WebhookEvaluatorConfig, deps: { fetch?: typeof fetch; env?: Record<string, string | undefined>; slots?: EvaluationSlots; read?: ResultReader } = {}): Evaluator {
  const cfg = WebhookEvaluatorConfig.parse(input);
  const read = deps.read ?? toResult;
  const doFetch = deps.fetch ?? fetch;
  let closed = false;
  const inflight = new Set<AbortController>();
  // Shared by every evaluate() call in flight (jobs of one experiment overlap in a worker).
  const own = createEvaluationSlots(cfg.concurrency);

  /** One POST with retries. Resolves to the parsed JSON body, or throws HttpFailure. */
  async function post(body: string, signal?: AbortSignal): Promise<unknown> {
    let secret: string | undefined;
    if (cfg.secretEnv) {
      secret = (deps.env ?? process.env)[cfg.secretEnv];
      if (!secret) throw new HttpFailure(`webhook secret environment variable ${cfg.secretEnv} is not set on the worker`, false);
    }
    let lastError = "no attempt";
    for (let attempt = 0; attempt <= cfg.retries; attempt++) {
      if (closed) throw new HttpFailure("evaluator is closed", false);
      if (signal?.aborted) throw new HttpFailure(CANCELLED_ERROR, false);
      let retryAfterMs: number | undefined;
      try {
        return await attemptOnce(body, secret, signal);
      } catch (e) {
        const f = e instanceof HttpFailure ? e : new HttpFailure(String(e), false);
        lastError = f.message;
        if (!f.retryable || attempt === cfg.retries) throw new HttpFailure(attempt > 0 ? `${f.message} (after ${attempt + 1} attempts)` : f.message, false);
        retryAfterMs = f.retryAfterMs;
      }
      const backoff = cfg.backoffMs * 2 ** attempt * (0.8 + 0.4 * Math.random());
      await sleep(Math.min(cfg.maxBackoffMs, retryAfterMs ?? backoff), signal).catch(() => undefined);
    }
    throw new HttpFailure(lastError, false);
  }

  async function attemptOnce(body: string, secret: string | undefined, signal?: AbortSignal): Promise<unknown> {
    const headers: Record<string, string> = { ...cfg.headers, "content-type": "application/json", "user-agent": "qd-studio-webhook/1" };
    if (secret) {
      const ts = String(Math.floor(Date.now() / 1000));
      headers[TIMESTAMP_HEADER] = ts;
      headers[SIGNATURE_HEADER] = sign(body, ts, secret);
    }
    const ac = new AbortController();
    inflight.add(ac);
    // The caller's cancellation aborts this request too.
    const cancel = () => ac.abort();
    signal?.addEventListener("abort", cancel, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ac.abort();
    }, cfg.timeoutMs);
    try {
      let res: Response;
      try {
        res = await doFetch(cfg.url, { method: "POST", body, headers, signal: ac.signal, redirect: "error" });
      } catch (e) {
        if (timedOut) throw new HttpFailure(`timed out after ${cfg.timeoutMs} ms`, cfg.retryOnTimeout);
        if (closed) throw new HttpFailure("evaluator is closed", false);
        if (signal?.aborted) throw new HttpFailure(CANCELLED_ERROR, false);
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        throw new HttpFailure(`network error: ${cause?.code ?? cause?.message ?? (e as Error).message}`, true);
      }
      let text: string;
      try {
        text = await readBounded(res, cfg.maxResponseBytes);
      } catch (e) {
        if (timedOut) throw new HttpFailure(`timed out after ${cfg.timeoutMs} ms`, cfg.retryOnTimeout);
        if (e instanceof HttpFailure) throw e;
        throw new HttpFailure(`network error while reading the response: ${(e as Error).message}`, true);
      }
      if (res.status === 429 || res.status >= 500) {
        throw new HttpFailure(`HTTP ${res.status}${text ? `: ${text.slice(0, 300)}` : ""}`, true, parseRetryAfter(res.headers.get("retry-after")));
      }
      if (res.status < 200 || res.status >= 300) throw new HttpFailure(`HTTP ${res.status}${text ? `: ${text.slice(0, 300)}` : ""}`, false);
      try {
        return parseLenientJson(text);
      } catch {
        throw new HttpFailure(`bad JSON in response: ${JSON.stringify(text.slice(0, 200))}`, false);
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", cancel);
      inflight.delete(ac);
    }
  }

  const fail = (n: number, error: string, ms: number): EvalResult[] => Array.from({ length: n }, () => ({ ok: false as const, error, ms }));

  async function evalSingle(c: Candidate, signal?: AbortSignal): Promise<EvalResult> {
    const t0 = performance.now();
    try {
      const v = await post(JSON.stringify({ id: c.id, genome: c.genome }), signal);
      return read(v, { descriptorCount: cfg.descriptorCount, ms: performance.now() - t0 });
    } catch (e) {
      return { ok: false, error: (e as Error).message, ms: performance.now() - t0 };
    }
  }

  async function evalBatch(cs: Candidate[], signal?: AbortSignal): Promise<EvalResult[]> {
    const t0 = performance.now();
    try {
      const v = (await post(JSON.stringify({ candidates: cs.map((c) => ({ id: c.id, genome: c.genome })) }), signal)) as { results?: unknown };
      const ms = (performance.now() - t0) / cs.length;
      if (!v || typeof v !== "object" || !Array.isArray(v.results)) return fail(cs.length, 'bad response: batch mode expects {"results": [...]}', ms);
      if (v.results.length !== cs.length) return fail(cs.length, `bad response: expected ${cs.length} results, got ${v.results.length}`, ms);
      return v.results.map((raw) => read(raw, { descriptorCount: cfg.descriptorCount, ms }));
    } catch (e) {
      return fail(cs.length, (e as Error).message, (performance.now() - t0) / cs.length);
    }
  }

  return {
    async evaluate(candidates, { signal } = {}) {
      if (closed) return fail(candidates.length, "evaluator is closed", 0);
      if (candidates.length === 0) return [];
      const run = { concurrency: cfg.concurrency, slots: [own, deps.slots], signal };
      if (!cfg.batch) return evaluateEach(candidates, run, (c) => evalSingle(c, signal), (_c, error) => fail(1, error, 0)[0]!);
      const chunks = chunk(candidates, cfg.batchSize ?? candidates.length);
      return (await evaluateEach(chunks, run, (cs) => evalBatch(cs, signal), (cs, error) => fail(cs.length, error, 0))).flat();
    },
    async close() {
      closed = true;
      for (const ac of inflight) ac.abort();
    },
  };
}
