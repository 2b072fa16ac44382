/**
 * OpenAI-compatible chat client with our own retries, limits and accounting.
 *
 *   const client = createLlmClient({ baseURL: "http://127.0.0.1:11434/v1", model: "qwen2.5-coder", apiKeyEnv: "OLLAMA_KEY" });
 *   const r = await client.complete({ messages: [{ role: "user", content: "..." }], seed: 7 });
 *   // r: { ok: true, text, model, promptTokens, completionTokens, costUsd, ms, attempts, finishReason }
 *   //   | { ok: false, error: { kind, message, status?, retryAfterMs?, retryable, fatal }, model, ..., ms, attempts }
 *
 * - Uses the official `openai` package (`new OpenAI({ baseURL, apiKey, timeout, maxRetries: 0 })`);
 *   the package's own retries are off, ours honour `Retry-After` / `retry-after-ms` on 429 and
 *   5xx, back off exponentially (seeded jitter) otherwise, and retry timeouts and connection errors.
 * - The API key is read from the environment variable *named* by `apiKeyEnv` when the client is
 *   created; it is only ever sent in the Authorization header and is scrubbed from every error
 *   message. Without `apiKeyEnv` a placeholder key is sent (local servers ignore it). The package's
 *   own environment defaults (OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID, ...) are not used.
 * - `models: [{ model, weight }]` picks a model per call, weighted, from a seeded Rng (the
 *   request's `seed`), so a run is reproducible. `seed` is also sent to the API (`sendSeed`).
 * - Limits: an in-process limiter (concurrency, requests per minute, shared 429 back-off).
 *   Distributed limits are BullMQ's job (see limiter.ts); pass `deps.limiter` to share one.
 * - Errors never throw: they come back typed. `fatal` errors (auth, bad-request) mean "pause the
 *   run, the provider will not work until someone fixes the config"; retryable ones were already
 *   retried `maxRetries` times.
 */
import OpenAI from "openai";
import { z } from "zod";
import { Rng } from "../qd/rng";
import { createRateLimiter, sleep, type RateLimiter } from "./limiter";
import { costOf, type PriceTable as PriceTableT } from "./pricing";
import { providerSchema, providerShape } from "./schemas";
import { apiKeyEnvRefusal } from "../secret-env";

export { providerSchema, providerShape };

export const LlmProviderConfig = providerSchema(providerShape);
/** What a user writes (defaults optional). */
export type LlmProviderConfigInput = z.input<typeof LlmProviderConfig>;
/** After parsing (defaults filled). */
export type LlmProviderConfig = z.output<typeof LlmProviderConfig>;

export type LlmErrorKind = "rate-limited" | "timeout" | "server" | "network" | "auth" | "bad-request" | "aborted";

export interface LlmError {
  kind: LlmErrorKind;
  /** Human-readable reason (never contains the API key). */
  message: string;
  /** HTTP status, when the server answered. */
  status?: number;
  /** What the server asked us to wait (429/503 Retry-After), in ms. */
  retryAfterMs?: number;
  /** Whether trying again later can help (rate-limited, timeout, server, network). */
  retryable: boolean;
  /** The provider cannot work as configured (auth, bad-request): pause the run with this reason. */
  fatal: boolean;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface CompleteRequest {
  messages: ChatMessage[];
  /** Seeds the model choice and jitter; sent as the API's `seed` unless `sendSeed: false`. */
  seed?: number;
  /** Force a model (skips the weighted choice). */
  model?: string;
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

interface CallStats {
  /** The model asked for (or, on success, the model the server reports). */
  model: string;
  /** The configured model the call was routed to (the bandit's arm), whatever name the server reports. */
  arm: string;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  /** Wall time including retries and waits. */
  ms: number;
  /** HTTP attempts made. */
  attempts: number;
}

export type CompleteResult =
  | ({ ok: true; text: string; finishReason: string | null; /** false when the server sent no usage (tokens estimated as chars/4) */ usageReported: boolean } & CallStats)
  | ({ ok: false; error: LlmError } & CallStats);

export interface LlmClient {
  complete(req: CompleteRequest): Promise<CompleteResult>;
  /** The parsed config (no key in it). */
  readonly config: LlmProviderConfig;
  readonly limiter: RateLimiter;
  /** The model a call with this seed would use (weighted choice). */
  pickModel(seed?: number): string;
}

export interface LlmClientDeps {
  /** Where apiKeyEnv is looked up (default process.env). */
  env?: Record<string, string | undefined>;
  /** Share a limiter between clients of the same provider (default: one per client from the config). */
  limiter?: RateLimiter;
  /** Custom fetch (tests, proxies). */
  fetch?: typeof fetch;
}

/** Weighted choice of a model. */
export function chooseModel(models: Array<{ model: string; weight?: number }>, rng: Rng): string {
  if (models.length === 1) return models[0]!.model;
  const total = models.reduce((s, m) => s + (m.weight ?? 1), 0);
  let x = rng.random() * total;
  for (const m of models) {
    x -= m.weight ?? 1;
    if (x < 0) return m.model;
  }
  return models[models.length - 1]!.model;
}

/** Parse `retry-after-ms` / `retry-after` (seconds or HTTP date) into ms. */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined | null, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Math.ceil(Number(ms));
  const ra = headers.get("retry-after");
  if (ra === null || ra.trim() === "") return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.ceil(Number(ra) * 1000);
  const t = Date.parse(ra);
  if (Number.isFinite(t)) return Math.max(0, t - now);
  return undefined;
}

const KEY_PLACEHOLDER = "sk-no-key";

function errorOf(kind: LlmErrorKind, message: string, extra: { status?: number; retryAfterMs?: number } = {}): LlmError {
  const retryable = kind === "rate-limited" || kind === "timeout" || kind === "server" || kind === "network";
  return { kind, message, ...extra, retryable, fatal: kind === "auth" || kind === "bad-request" };
}

function serverMessage(e: InstanceType<typeof OpenAI.APIError>): string {
  const body = e.error as { message?: unknown } | undefined;
  const m = body && typeof body.message === "string" ? body.message : e.message;
  return String(m).slice(0, 500);
}

/** Map anything the openai package throws to a typed error. */
export function classifyError(e: unknown, timeoutMs: number): LlmError {
  if (e instanceof OpenAI.APIUserAbortError || (e instanceof Error && e.name === "AbortError")) return errorOf("aborted", "request aborted");
  if (e instanceof OpenAI.APIConnectionTimeoutError) return errorOf("timeout", `no answer within ${timeoutMs} ms`);
  if (e instanceof OpenAI.APIConnectionError) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return errorOf("network", `cannot reach the provider: ${cause?.code ?? cause?.message ?? e.message}`);
  }
  if (e instanceof OpenAI.APIError && typeof e.status === "number") {
    const status = e.status;
    const ra = retryAfterMs(e.headers ?? null);
    const msg = serverMessage(e);
    const extra = { status, ...(ra !== undefined ? { retryAfterMs: ra } : {}) };
    if (status === 429) {
      if (e.code === "insufficient_quota" || /quota/i.test(msg)) return errorOf("auth", `HTTP 429 (quota exhausted): ${msg}`, extra);
      return errorOf("rate-limited", `HTTP 429: ${msg}`, extra);
    }
    if (status === 401 || status === 403) return errorOf("auth", `HTTP ${status}: ${msg}`, extra);
    if (status === 408) return errorOf("timeout", `HTTP 408: ${msg}`, extra);
    if (status === 409 || status >= 500) return errorOf("server", `HTTP ${status}: ${msg}`, extra);
    return errorOf("bad-request", `HTTP ${status}: ${msg}`, extra);
  }
  const m = e instanceof Error ? e.message : String(e);
  return errorOf("server", `malformed response: ${m.slice(0, 300)}`);
}

export function createLlmClient(input: LlmProviderConfigInput | LlmProviderConfig, deps: LlmClientDeps = {}): LlmClient {
  const config = LlmProviderConfig.parse(input);
  const env = deps.env ?? process.env;
  const limiter = deps.limiter ?? createRateLimiter({ requestsPerMinute: config.requestsPerMinute, concurrency: config.concurrency });
  const models = config.models ?? [{ model: config.model!, weight: 1 }];
  const prices: PriceTableT = config.prices ?? {};

  // Each model may have its own endpoint and key (an ensemble across providers); the provider's are the default.
  interface Route {
    baseURL: string;
    keyName?: string;
    key?: string;
    refused: string | null;
  }
  const routeOf = (m: { baseURL?: string; apiKeyEnv?: string }): Route => {
    const keyName = m.apiKeyEnv ?? config.apiKeyEnv;
    // A worker reading its own environment re-checks the allow-list: a config stored before
    // the rule, or written to the database directly, still cannot reach the server's secrets.
    const refused = keyName !== undefined && !deps.env ? apiKeyEnvRefusal(keyName, process.env) : null;
    return { baseURL: m.baseURL ?? config.baseURL, keyName, key: keyName && !refused ? env[keyName] : undefined, refused };
  };
  const routes = new Map(models.map((m) => [m.model, routeOf(m)]));
  const defaultRoute = routeOf({});
  const secrets = [...new Set([defaultRoute, ...routes.values()].map((r) => r.key).filter((k): k is string => !!k && k.length >= 4))];
  const scrub = (s: string) => secrets.reduce((out, secret) => out.split(secret).join("[redacted]"), s);

  const sdks = new Map<string, OpenAI>();
  const sdk = (r: Route) => {
    const id = `${r.baseURL}\n${r.keyName ?? ""}`;
    let c = sdks.get(id);
    if (!c)
      sdks.set(
        id,
        (c = new OpenAI({
          baseURL: r.baseURL,
          apiKey: r.key ?? KEY_PLACEHOLDER,
          organization: null,
          project: null,
          adminAPIKey: null,
          webhookSecret: null,
          timeout: config.timeoutMs,
          maxRetries: 0,
          logLevel: "off",
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        })),
      );
    return c;
  };

  const pickModel = (seed?: number) => chooseModel(models, new Rng(seed ?? 0));

  async function complete(req: CompleteRequest): Promise<CompleteResult> {
    const t0 = performance.now();
    const rng = new Rng(req.seed ?? 0);
    const model = req.model ?? chooseModel(models, rng);
    // A model outside the list (the judge's own model) goes to the provider's endpoint.
    const route = routes.get(model) ?? defaultRoute;
    const stats = (attempts: number): CallStats => ({ model, arm: model, promptTokens: 0, completionTokens: 0, costUsd: 0, ms: performance.now() - t0, attempts });
    if (route.refused) return { ok: false, error: errorOf("auth", route.refused), ...stats(0) };
    if (route.keyName !== undefined && (route.key === undefined || route.key.trim() === ""))
      return { ok: false, error: errorOf("auth", `environment variable ${route.keyName} (apiKeyEnv) is not set`), ...stats(0) };

    const temperature = req.temperature ?? config.temperature;
    const maxTokens = req.maxTokens ?? config.maxTokens;
    const body: Record<string, unknown> = {
      model,
      messages: req.messages,
      ...(temperature !== undefined ? { temperature } : {}),
      ...(maxTokens !== undefined ? { [config.maxTokensParam]: maxTokens } : {}),
      ...(config.sendSeed && req.seed !== undefined ? { seed: Math.abs(Math.floor(req.seed)) % 2 ** 31 } : {}),
    };

    let attempts = 0;
    for (;;) {
      let release: (() => void) | null = null;
      let err: LlmError;
      try {
        release = await limiter.acquire(req.signal);
        attempts++;
        const resp = (await sdk(route).chat.completions.create(body as never, { signal: req.signal })) as unknown as OpenAI.Chat.Completions.ChatCompletion;
        release();
        release = null;
        if (!resp || typeof resp !== "object" || !Array.isArray(resp.choices)) throw new Error("response is not a chat completion");
        const choice = resp.choices[0];
        if (!choice) throw new Error("response has no choices");
        const content = choice.message?.content;
        const text = typeof content === "string" ? content : "";
        const usage = resp.usage;
        const usageReported = !!usage && typeof usage.prompt_tokens === "number";
        const promptTokens = usageReported ? Math.max(0, usage!.prompt_tokens) : Math.ceil(req.messages.reduce((s, m) => s + m.content.length, 0) / 4);
        const completionTokens = usageReported ? Math.max(0, usage!.completion_tokens ?? 0) : Math.ceil(text.length / 4);
        const reportedModel = typeof resp.model === "string" && resp.model ? resp.model : model;
        let costUsd = costOf(reportedModel, { promptTokens, completionTokens }, prices);
        if (costUsd === 0 && reportedModel !== model) costUsd = costOf(model, { promptTokens, completionTokens }, prices);
        return {
          ok: true,
          text,
          finishReason: choice.finish_reason ?? null,
          usageReported,
          model: reportedModel,
          arm: model,
          promptTokens,
          completionTokens,
          costUsd,
          ms: performance.now() - t0,
          attempts,
        };
      } catch (e) {
        release?.();
        err = classifyError(e, config.timeoutMs);
        err.message = scrub(err.message);
      }
      if (!err.retryable || attempts > config.maxRetries) {
        if (err.retryable && attempts > 1) err.message += ` (after ${attempts} attempts)`;
        return { ok: false, error: err, ...stats(attempts) };
      }
      let delay: number;
      if (err.retryAfterMs !== undefined) {
        if (err.retryAfterMs > config.maxRetryDelayMs) {
          err.message += ` (Retry-After ${Math.round(err.retryAfterMs / 1000)} s exceeds maxRetryDelayMs)`;
          return { ok: false, error: err, ...stats(attempts) };
        }
        delay = err.retryAfterMs;
        if (err.kind === "rate-limited") limiter.blockFor(delay);
      } else {
        const base = Math.min(30_000, config.retryBaseMs * 2 ** (attempts - 1));
        delay = Math.round(base * (0.75 + 0.5 * rng.random()));
      }
      try {
        await sleep(delay, req.signal);
      } catch {
        return { ok: false, error: errorOf("aborted", "request aborted"), ...stats(attempts) };
      }
    }
  }

  return { complete, config, limiter, pickModel };
}
