import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reply, startOpenAIMock, type OpenAIMock } from "../../tests/helpers/openai-mock";
import { LlmProviderConfig, createLlmClient, retryAfterMs, type LlmProviderConfigInput } from "./client";
import { createRateLimiter } from "./limiter";
import { formatIssues } from "../evaluators/types";

const KEY = "sk-test-SECRET-0123456789";
const env = { QD_TEST_LLM_KEY: KEY };
const msgs = [{ role: "user" as const, content: "Say hi" }];

let mock: OpenAIMock;
beforeAll(async () => {
  mock = await startOpenAIMock();
});
afterAll(() => mock.close());

function client(extra: Partial<LlmProviderConfigInput> = {}) {
  return createLlmClient({ baseURL: mock.baseURL, model: "gpt-4o-mini", apiKeyEnv: "QD_TEST_LLM_KEY", retryBaseMs: 10, timeoutMs: 2000, ...extra } as LlmProviderConfigInput, { env });
}

describe("config", () => {
  it("validates with readable messages and refuses an API key in the config", () => {
    const bad = (v: unknown) => {
      const r = LlmProviderConfig.safeParse(v);
      return r.success ? "" : formatIssues(r.error);
    };
    expect(bad({ baseURL: "http://x/v1", model: "m", apiKey: "sk-123" })).toContain("the API key must not be in the config");
    expect(bad({ baseURL: "http://x/v1" })).toContain("model: either model or models is required");
    expect(bad({ baseURL: "http://x/v1", model: "a", models: [{ model: "b", weight: 1 }] })).toContain("not both");
    expect(bad({ baseURL: "ftp://x", model: "m" })).toContain("baseURL must be an http(s) URL");
    expect(bad({ baseURL: "http://x/v1", model: "m", apiKeyEnv: "sk-live-abc" })).toContain("apiKeyEnv must be the NAME of an environment variable");
    expect(bad({ baseURL: "http://x/v1", models: [{ model: "a", weight: 0 }] })).toContain("weight must be > 0");
    const ok = LlmProviderConfig.parse({ baseURL: "http://x/v1", model: "m" });
    expect(ok).toMatchObject({ timeoutMs: 120_000, maxRetries: 3, sendSeed: true, maxTokensParam: "max_tokens" });
  });

  it("Retry-After parsing: seconds, HTTP date, retry-after-ms", () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(retryAfterMs(h({ "retry-after": "2" }))).toBe(2000);
    expect(retryAfterMs(h({ "retry-after": "0.5" }))).toBe(500);
    expect(retryAfterMs(h({ "retry-after-ms": "120", "retry-after": "9" }))).toBe(120);
    expect(retryAfterMs(h({ "retry-after": new Date(10_000 + 3000).toUTCString() }), 10_000)).toBe(3000);
    expect(retryAfterMs(h({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfterMs(h({}))).toBeUndefined();
  });
});

describe("calls against the local mock", () => {
  it("returns text, tokens, cost and model; sends model, messages, temperature, max tokens and seed", async () => {
    mock.setScript([reply.text("hi there", { promptTokens: 1000, completionTokens: 500 })]);
    const c = client({ temperature: 0.7, maxTokens: 256 });
    const r = await c.complete({ messages: msgs, seed: 12345 });
    expect(r).toMatchObject({ ok: true, text: "hi there", model: "gpt-4o-mini", promptTokens: 1000, completionTokens: 500, attempts: 1, finishReason: "stop", usageReported: true });
    expect(r.costUsd).toBeCloseTo((1000 * 0.15 + 500 * 0.6) / 1e6, 15);
    const req = mock.completions.at(-1)!;
    expect(req.body).toMatchObject({ model: "gpt-4o-mini", messages: msgs, temperature: 0.7, max_tokens: 256, seed: 12345 });
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("price overrides and models without a price (cost 0); estimated usage when the server sends none", async () => {
    mock.setScript([reply.text("x", { promptTokens: 2_000_000, completionTokens: 1_000_000 }), reply.text("y"), { type: "no-usage", content: "abcdefgh" }]);
    const priced = client({ model: "local-coder", prices: { "local-coder": { prompt: 0.5, completion: 1 } } });
    expect(await priced.complete({ messages: msgs })).toMatchObject({ ok: true, costUsd: 2 });
    expect(await client({ model: "local-coder" }).complete({ messages: msgs })).toMatchObject({ ok: true, costUsd: 0 });
    expect(await client({ model: "local-coder" }).complete({ messages: msgs })).toMatchObject({ ok: true, usageReported: false, completionTokens: 2, promptTokens: 2 });
  });

  it("429 with Retry-After is retried after the delay", async () => {
    mock.setScript([reply.rateLimited(1), reply.text("after the wait")]);
    const t0 = Date.now();
    const r = await client().complete({ messages: msgs });
    const waited = Date.now() - t0;
    expect(r).toMatchObject({ ok: true, text: "after the wait", attempts: 2 });
    expect(waited).toBeGreaterThanOrEqual(950);
    const [a, b] = mock.completions.slice(-2);
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(950);
  });

  it("retry-after-ms is honoured; a Retry-After above maxRetryDelayMs fails fast with retryAfterMs", async () => {
    mock.setScript([reply.rateLimited(undefined, { retryAfterMs: 150 }), reply.text("ok")]);
    const t0 = Date.now();
    expect(await client().complete({ messages: msgs })).toMatchObject({ ok: true, attempts: 2 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    mock.setScript([reply.rateLimited(3600)]);
    const r = await client({ maxRetryDelayMs: 5000 }).complete({ messages: msgs });
    expect(r).toMatchObject({ ok: false, attempts: 1, error: { kind: "rate-limited", status: 429, retryAfterMs: 3_600_000, retryable: true, fatal: false } });
    if (!r.ok) expect(r.error.message).toContain("exceeds maxRetryDelayMs");
  });

  it("500 then success; 5xx until maxRetries is a server error", async () => {
    mock.setScript([reply.serverError(500), reply.serverError(503), reply.text("finally")]);
    expect(await client().complete({ messages: msgs })).toMatchObject({ ok: true, text: "finally", attempts: 3 });
    mock.setScript([reply.serverError(), reply.serverError(), reply.serverError()]);
    const r = await client({ maxRetries: 2 }).complete({ messages: msgs });
    expect(r).toMatchObject({ ok: false, attempts: 3, promptTokens: 0, costUsd: 0, error: { kind: "server", status: 500, retryable: true, fatal: false } });
    if (!r.ok) expect(r.error.message).toMatch(/^HTTP 500: The server had an error.*\(after 3 attempts\)$/);
  });

  it("a hanging server times out (and the timeout is retried)", async () => {
    mock.setScript([reply.hang(), reply.hang()]);
    const t0 = Date.now();
    const r = await client({ timeoutMs: 200, maxRetries: 1 }).complete({ messages: msgs });
    expect(r).toMatchObject({ ok: false, attempts: 2, error: { kind: "timeout", message: expect.stringContaining("no answer within 200 ms"), retryable: true } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    mock.setScript([reply.hang(), reply.text("second try")]);
    expect(await client({ timeoutMs: 200, maxRetries: 1 }).complete({ messages: msgs })).toMatchObject({ ok: true, text: "second try", attempts: 2 });
  });

  it("auth and bad requests are fatal and not retried; quota exhaustion is auth", async () => {
    mock.setScript([reply.status(401, `Incorrect API key provided: ${KEY}.`)]);
    const a = await client().complete({ messages: msgs });
    expect(a).toMatchObject({ ok: false, attempts: 1, error: { kind: "auth", status: 401, fatal: true, retryable: false } });
    if (!a.ok) {
      expect(a.error.message).toBe("HTTP 401: Incorrect API key provided: [redacted].");
      expect(JSON.stringify(a)).not.toContain(KEY);
    }
    mock.setScript([reply.status(404, "The model `nope` does not exist")]);
    expect(await client({ model: "nope" }).complete({ messages: msgs })).toMatchObject({ ok: false, attempts: 1, error: { kind: "bad-request", status: 404, fatal: true } });
    mock.setScript([{ type: "status", status: 429, body: { error: { message: "You exceeded your current quota", code: "insufficient_quota" } } }]);
    expect(await client().complete({ messages: msgs })).toMatchObject({ ok: false, attempts: 1, error: { kind: "auth", fatal: true } });
  });

  it("a missing key variable fails without any request; no apiKeyEnv sends a placeholder", async () => {
    const before = mock.requests.length;
    const r = await createLlmClient({ baseURL: mock.baseURL, model: "m", apiKeyEnv: "QD_TEST_NOT_SET" }, { env: {} }).complete({ messages: msgs });
    expect(r).toMatchObject({ ok: false, attempts: 0, error: { kind: "auth", fatal: true, message: "environment variable QD_TEST_NOT_SET (apiKeyEnv) is not set" } });
    expect(mock.requests.length).toBe(before);
    mock.setScript([reply.text("local")]);
    // the openai package's own OPENAI_API_KEY default must not be used either
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = "sk-from-process-env";
    try {
      expect(await createLlmClient({ baseURL: mock.baseURL, model: "m" }).complete({ messages: msgs })).toMatchObject({ ok: true, text: "local" });
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
    expect(mock.completions.at(-1)!.headers.authorization).toBe("Bearer sk-no-key");
  });

  it("malformed bodies and unreachable servers are typed errors", async () => {
    mock.setScript([reply.malformed()]);
    const m = await client({ maxRetries: 0 }).complete({ messages: msgs });
    expect(m).toMatchObject({ ok: false, error: { kind: "server" } });
    mock.setScript([{ type: "raw", status: 200, body: JSON.stringify({ id: "x", choices: [] }), contentType: "application/json" }]);
    expect(await client({ maxRetries: 0 }).complete({ messages: msgs })).toMatchObject({ ok: false, error: { kind: "server", message: expect.stringContaining("no choices") } });
    const dead = await startOpenAIMock();
    const url = dead.baseURL;
    await dead.close();
    const r = await createLlmClient({ baseURL: url, model: "m", maxRetries: 1, retryBaseMs: 5 }).complete({ messages: msgs });
    expect(r).toMatchObject({ ok: false, attempts: 2, error: { kind: "network", retryable: true, fatal: false } });
  });

  it("weighted model choice is seeded and follows the weights", async () => {
    const c = client({ model: undefined, models: [{ model: "gpt-4o-mini", weight: 3 }, { model: "gpt-4o", weight: 1 }] });
    const picks = Array.from({ length: 2000 }, (_, s) => c.pickModel(s));
    expect(picks).toEqual(Array.from({ length: 2000 }, (_, s) => c.pickModel(s)));
    const share = picks.filter((m) => m === "gpt-4o-mini").length / picks.length;
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.8);
    const seed = picks.indexOf("gpt-4o");
    mock.setScript((req) => reply.text(`model was ${req.body.model}`));
    expect(await c.complete({ messages: msgs, seed })).toMatchObject({ ok: true, text: "model was gpt-4o", model: "gpt-4o" });
  });

  it("the in-process limiter bounds concurrency and spaces request starts", async () => {
    mock.setScript(() => ({ type: "content", content: "ok", delayMs: 60 }));
    const c = client({ concurrency: 1 });
    const n0 = mock.completions.length;
    await Promise.all([1, 2, 3].map((s) => c.complete({ messages: msgs, seed: s })));
    const ats = mock.completions.slice(n0).map((r) => r.at);
    expect(ats[1]! - ats[0]!).toBeGreaterThanOrEqual(55);
    expect(ats[2]! - ats[1]!).toBeGreaterThanOrEqual(55);

    mock.setScript(() => reply.text("ok"));
    // One start every 100 ms: the k-th call cannot be granted before t0 + k × 100 ms, however late the
    // event loop runs (gaps between observed times carry a loaded machine's jitter; these bounds do not).
    const spacing = createRateLimiter({ requestsPerMinute: 600 });
    const granted: number[] = [];
    const timed = { ...spacing, acquire: async (signal?: AbortSignal) => { const release = await spacing.acquire(signal); granted.push(Date.now()); return release; } };
    const rpm = createLlmClient({ baseURL: mock.baseURL, model: "m", retryBaseMs: 5 }, { limiter: timed });
    const t0 = Date.now();
    await Promise.all([1, 2, 3, 4].map((s) => rpm.complete({ messages: msgs, seed: s })));
    granted.sort((a, b) => a - b);
    expect(granted).toHaveLength(4);
    granted.forEach((t, k) => expect(t - t0).toBeGreaterThanOrEqual(k * 100 - 2));

    // a 429's Retry-After holds back the other callers sharing the limiter
    const shared = createRateLimiter({});
    mock.setScript([reply.rateLimited(undefined, { retryAfterMs: 300 }), reply.text("a"), reply.text("b")]);
    const c1 = createLlmClient({ baseURL: mock.baseURL, model: "m", retryBaseMs: 5 }, { limiter: shared });
    const n2 = mock.completions.length;
    const p1 = c1.complete({ messages: msgs });
    await new Promise((r) => setTimeout(r, 100));
    const p2 = c1.complete({ messages: msgs });
    await Promise.all([p1, p2]);
    const [first, ...rest] = mock.completions.slice(n2).map((r) => r.at);
    for (const t of rest) expect(t - first!).toBeGreaterThanOrEqual(280);
  });

  it("the API key appears only in the Authorization header", async () => {
    mock.setScript([reply.text("fine"), reply.rateLimited(undefined, { retryAfterMs: 10 }), reply.text("fine again")]);
    const c = client();
    const results = [await c.complete({ messages: msgs }), await c.complete({ messages: msgs })];
    const wire = mock.wire;
    const authCount = mock.requests.filter((r) => r.headers.authorization === `Bearer ${KEY}`).length;
    expect(wire.split(KEY).length - 1).toBe(authCount);
    for (const r of mock.requests) {
      expect(r.rawBody).not.toContain(KEY);
      expect(r.url).not.toContain(KEY);
      const { authorization: _a, ...rest } = r.headers;
      expect(JSON.stringify(rest)).not.toContain(KEY);
    }
    expect(JSON.stringify(results)).not.toContain(KEY);
    expect(JSON.stringify(c.config)).not.toContain(KEY);
  });
});
