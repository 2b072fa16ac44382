/**
 * A small local OpenAI-compatible server for tests (no network, no real model).
 *
 *   const mock = await startOpenAIMock([reply.code("function pack() { ... }"), reply.rateLimited(1), reply.text("hi")]);
 *   // client config: { baseURL: mock.baseURL, model: "mock-model", apiKeyEnv: "MOCK_KEY" }
 *   mock.requests[0].body.messages      // what the client sent
 *   mock.requests[0].headers.authorization
 *   await mock.close();
 *
 * It listens on 127.0.0.1 on a random port and answers `POST /v1/chat/completions` from a
 * *script*: either a queue of replies (consumed in order; an exhausted queue answers 500 with
 * "mock script exhausted") or a function `(request, index) => MockReply`. `GET /v1/models` lists
 * the models. Every request is recorded (method, url, headers, parsed body, raw body).
 * `POST /v1/embeddings` answers deterministic unit vectors (see mockEmbedding): texts that share most
 * of their tokens get nearby vectors, the same text always the same one.
 *
 * Usage numbers are deterministic: by default prompt_tokens = ceil(chars of all messages / 4)
 * and completion_tokens = ceil(chars of the reply / 4); a reply may set them explicitly.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type MockReply =
  | { type: "content"; content: string; promptTokens?: number; completionTokens?: number; model?: string; finishReason?: string; delayMs?: number }
  | { type: "status"; status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { type: "raw"; status?: number; body: string; contentType?: string }
  | { type: "hang" }
  | { type: "no-usage"; content: string };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  rawBody: string;
  at: number;
}

export type MockScript = MockReply[] | ((req: RecordedRequest, index: number) => MockReply);

export interface OpenAIMock {
  /** e.g. http://127.0.0.1:54321/v1 — what goes into the provider config's baseURL. */
  baseURL: string;
  port: number;
  requests: RecordedRequest[];
  /** Chat-completion requests only. */
  readonly completions: RecordedRequest[];
  /** Embeddings requests only. */
  readonly embeddings: RecordedRequest[];
  /** Replace the script (resets the queue position, keeps recorded requests). */
  setScript(script: MockScript): void;
  /** Append replies to a queue script. */
  enqueue(...replies: MockReply[]): void;
  /** Every raw byte the server received (headers and bodies), for leak checks. */
  readonly wire: string;
  close(): Promise<void>;
}

/** Builders for scripted replies. */
export const reply = {
  content: (content: string, opts: Omit<Extract<MockReply, { type: "content" }>, "type" | "content"> = {}): MockReply => ({ type: "content", content, ...opts }),
  /** A reply with the code in a ```javascript fence and a line of prose around it. */
  code: (code: string, opts: { lang?: string; promptTokens?: number; completionTokens?: number; model?: string } = {}): MockReply => ({
    type: "content",
    content: `Here is an improved version.\n\n\`\`\`${opts.lang ?? "javascript"}\n${code.replace(/\n$/, "")}\n\`\`\`\n\nThis should score higher.`,
    ...(opts.promptTokens !== undefined ? { promptTokens: opts.promptTokens } : {}),
    ...(opts.completionTokens !== undefined ? { completionTokens: opts.completionTokens } : {}),
    ...(opts.model ? { model: opts.model } : {}),
  }),
  /** SEARCH/REPLACE blocks (OpenEvolve/Aider format). */
  diff: (blocks: Array<[search: string, replace: string]>, opts: { promptTokens?: number; completionTokens?: number } = {}): MockReply => ({
    type: "content",
    content:
      "I will change the following:\n\n" +
      blocks.map(([s, r]) => `<<<<<<< SEARCH\n${s}\n=======\n${r}\n>>>>>>> REPLACE`).join("\n\n") +
      "\n",
    ...opts,
  }),
  text: (text: string, opts: { promptTokens?: number; completionTokens?: number } = {}): MockReply => ({ type: "content", content: text, ...opts }),
  garbage: (): MockReply => ({ type: "content", content: "I'm sorry, I cannot help with that. ```javasc" }),
  /** 429 with `Retry-After: seconds` (and optionally `retry-after-ms`). */
  rateLimited: (retryAfterSeconds?: number | string, opts: { retryAfterMs?: number } = {}): MockReply => ({
    type: "status",
    status: 429,
    headers: {
      ...(retryAfterSeconds !== undefined ? { "retry-after": String(retryAfterSeconds) } : {}),
      ...(opts.retryAfterMs !== undefined ? { "retry-after-ms": String(opts.retryAfterMs) } : {}),
    },
    body: { error: { message: "Rate limit reached for requests", type: "requests", code: "rate_limit_exceeded" } },
  }),
  serverError: (status = 500): MockReply => ({ type: "status", status, body: { error: { message: "The server had an error while processing your request.", type: "server_error" } } }),
  status: (status: number, message = `mock error ${status}`): MockReply => ({ type: "status", status, body: { error: { message, type: "invalid_request_error" } } }),
  /** Never answers (until the server closes). */
  hang: (): MockReply => ({ type: "hang" }),
  /** 200 with a body that is not JSON. */
  malformed: (): MockReply => ({ type: "raw", status: 200, body: "{ this is not json", contentType: "application/json" }),
};

const approxTokens = (s: string) => Math.ceil(s.length / 4);

/** Dimensions of the mock's embeddings. */
export const MOCK_EMBEDDING_DIM = 64;

/**
 * The mock's embedding of a text: token unigrams and bigrams hashed (FNV-1a) into signed buckets,
 * scaled to unit length. Deterministic, and similar texts get a high cosine, like a real model.
 */
export function mockEmbedding(text: string, dim = MOCK_EMBEDDING_DIM): number[] {
  const v = new Array<number>(dim).fill(0);
  const toks = text.match(/\w+|[^\s\w]/g) ?? [];
  const add = (feature: string) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < feature.length; i++) h = Math.imul(h ^ feature.charCodeAt(i), 0x01000193);
    h >>>= 0;
    v[h % dim] = v[h % dim]! + (h & 0x80000000 ? -1 : 1);
  };
  toks.forEach((t, i) => {
    add(t);
    if (i > 0) add(`${toks[i - 1]} ${t}`);
  });
  const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0)) || 1;
  return v.map((x) => x / n);
}

export async function startOpenAIMock(script: MockScript = [], opts: { models?: string[] } = {}): Promise<OpenAIMock> {
  let current: MockScript = script;
  let queue: MockReply[] = Array.isArray(script) ? [...script] : [];
  let index = 0;
  const requests: RecordedRequest[] = [];
  let wire = "";
  let seq = 0;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(text);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      wire += `${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${rawBody}\n`;
      let body: any = undefined;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      const rec: RecordedRequest = { method: req.method ?? "", url: req.url ?? "", headers: { ...req.headers }, body, rawBody, at: Date.now() };
      requests.push(rec);
      const path = (req.url ?? "").split("?")[0];
      if (req.method === "GET" && path === "/v1/models") {
        return send(res, 200, { object: "list", data: (opts.models ?? ["mock-model"]).map((id) => ({ id, object: "model", owned_by: "mock" })) });
      }
      if (req.method === "POST" && path === "/v1/embeddings") {
        const input = typeof body?.input === "string" ? [body.input] : body?.input;
        if (!Array.isArray(input) || input.length === 0 || !input.every((x: unknown) => typeof x === "string")) {
          return send(res, 400, { error: { message: "input must be a string or a non-empty array of strings", type: "invalid_request_error" } });
        }
        return send(res, 200, {
          object: "list",
          model: body.model ?? "mock-embedding",
          data: input.map((text: string, index: number) => ({ object: "embedding", index, embedding: mockEmbedding(text) })),
          usage: { prompt_tokens: input.reduce((a: number, t: string) => a + approxTokens(t), 0), total_tokens: input.reduce((a: number, t: string) => a + approxTokens(t), 0) },
        });
      }
      if (req.method !== "POST" || path !== "/v1/chat/completions") {
        return send(res, 404, { error: { message: `no route ${req.method} ${path}`, type: "invalid_request_error" } });
      }
      if (!body || !Array.isArray(body.messages)) {
        return send(res, 400, { error: { message: "messages is required", type: "invalid_request_error" } });
      }
      const i = index++;
      let r: MockReply | undefined;
      if (typeof current === "function") r = current(rec, i);
      else r = queue.shift();
      if (!r) return send(res, 500, { error: { message: "mock script exhausted", type: "server_error" } });
      const respond = () => {
        switch (r!.type) {
          case "hang":
            return; // keep the socket open; close() destroys it
          case "raw":
            res.writeHead(r!.status ?? 200, { "content-type": r!.contentType ?? "text/plain" });
            return res.end(r!.body);
          case "status":
            return send(res, r!.status, r!.body ?? { error: { message: `status ${r!.status}` } }, r!.headers);
          case "content":
          case "no-usage": {
            const content = r!.content;
            const promptChars = body.messages.map((m: { content?: unknown }) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content ?? ""))).join("\n");
            const pt = r!.type === "content" && r!.promptTokens !== undefined ? r!.promptTokens : approxTokens(promptChars);
            const ct = r!.type === "content" && r!.completionTokens !== undefined ? r!.completionTokens : approxTokens(content);
            return send(res, 200, {
              id: `chatcmpl-mock-${++seq}`,
              object: "chat.completion",
              created: 1_700_000_000 + seq,
              model: (r!.type === "content" && r!.model) || body.model || "mock-model",
              choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: (r!.type === "content" && r!.finishReason) || "stop" }],
              ...(r!.type === "content" ? { usage: { prompt_tokens: pt, completion_tokens: ct, total_tokens: pt + ct } } : {}),
            });
          }
        }
      };
      const delay = r.type === "content" || r.type === "status" ? r.delayMs ?? 0 : 0;
      if (delay > 0) setTimeout(respond, delay);
      else respond();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    get completions() {
      return requests.filter((r) => r.method === "POST" && r.url.startsWith("/v1/chat/completions"));
    },
    get embeddings() {
      return requests.filter((r) => r.method === "POST" && r.url.startsWith("/v1/embeddings"));
    },
    get wire() {
      return wire;
    },
    setScript(s: MockScript) {
      current = s;
      queue = Array.isArray(s) ? [...s] : [];
    },
    enqueue(...replies: MockReply[]) {
      if (typeof current === "function") {
        current = [];
        queue = [];
      }
      queue.push(...replies);
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
