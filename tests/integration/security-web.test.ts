import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { spawn } from "node:child_process";
import path from "node:path";
import { createTestStack, type TestStack } from "../helpers/stack";
import { freePort, startApiServer, type ApiServer } from "../helpers/server";
import { sessionValue } from "@/lib/api/auth";

/**
 * A hostile client against the web edge (issue 12): a web page the user happens to
 * visit, a DNS-rebinding page, a config that tries to read the server's secrets, configs
 * built to exhaust a worker, an open redirect, a CSV formula, a token guesser. One test
 * per scenario; each fails on the code before the fix.
 *
 * Requests go through node:http so the test controls every header a browser would send
 * (Host, Origin, Sec-Fetch-Site, no Content-Type at all).
 */
let stack: TestStack;
let open: ApiServer;
let secured: ApiServer;
const TOKEN = "edge-test-token-0123456789abcdef";

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

function raw(server: ApiServer, method: string, pathname: string, headers: Record<string, string> = {}, body?: string): Promise<Raw> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, method, path: pathname, headers: { ...(body !== undefined ? { "content-length": String(Buffer.byteLength(body)) } : {}), ...headers } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const json = (server: ApiServer, method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}) =>
  raw(server, method, pathname, { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers }, body === undefined ? undefined : JSON.stringify(body)).then((r) => ({ ...r, body: r.text ? JSON.parse(r.text) : null }));

const sphere = { name: "drive-by", domain: { type: "sphere", dim: 10 }, budget: { evaluations: 100 } };
const command = {
  name: "cmd with a secret",
  domain: { type: "command", command: "cat >/dev/null; echo '{\"fitness\":1,\"descriptors\":[0.5]}'", env: { EVAL_TOKEN: "hunter2-env-value" }, dim: 2, bounds: [-1, 1] },
  descriptors: [{ name: "a", min: 0, max: 1, bins: 4 }],
  budget: { evaluations: 10 },
};
const webhook = {
  name: "webhook with a secret header",
  domain: { type: "webhook", url: "http://127.0.0.1:9/evaluate", headers: { authorization: "Bearer hunter2-header-value" }, dim: 2, bounds: [-1, 1] },
  descriptors: [{ name: "a", min: 0, max: 1, bins: 4 }],
  budget: { evaluations: 10 },
};
const count = () => stack.prisma.experiment.count();

beforeAll(async () => {
  stack = await createTestStack();
  [open, secured] = await Promise.all([startApiServer(stack.env), startApiServer(stack.env, { extraEnv: { QD_API_TOKEN: TOKEN, QD_TRUST_PROXY: "1" } })]);
}, 300_000);

afterAll(async () => {
  await Promise.all([open?.stop(), secured?.stop()]);
  await stack?.stop();
});

describe("cross-site requests and DNS rebinding", () => {
  it("a drive-by POST from another site (no Content-Type, foreign Origin) is refused and creates nothing", async () => {
    const before = await count();
    // What fetch(url, { method: "POST", mode: "no-cors", body: new Blob([json]) }) sends from https://evil.example.
    const r = await raw(open, "POST", "/api/experiments", { origin: "https://evil.example", "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" }, JSON.stringify({ ...sphere, start: true }));
    expect(r.status, r.text).toBe(403);
    expect(JSON.parse(r.text).error).toMatchObject({ code: "forbidden", message: expect.stringMatching(/cross-site request refused/) });
    expect(await count()).toBe(before);
  });

  it("a cross-site form post (text/plain, Origin only) is refused", async () => {
    const before = await count();
    const r = await raw(open, "POST", "/api/experiments", { origin: "http://localhost:8080", "content-type": "text/plain" }, JSON.stringify(sphere));
    expect(r.status, r.text).toBe(403);
    expect(await count()).toBe(before);
  });

  it("a state change from a sandboxed page (Origin: null) is refused", async () => {
    const exp = await json(open, "POST", "/api/experiments", sphere);
    expect(exp.status).toBe(201);
    const r = await raw(open, "DELETE", `/api/experiments/${exp.body.id}`, { origin: "null" });
    expect(r.status, r.text).toBe(403);
    expect(await stack.prisma.experiment.findUnique({ where: { id: exp.body.id } })).not.toBeNull();
  });

  it("a body without any Content-Type is a 415, even from curl", async () => {
    const before = await count();
    const r = await raw(open, "POST", "/api/experiments", {}, JSON.stringify(sphere));
    expect(r.status, r.text).toBe(415);
    expect(JSON.parse(r.text).error.message).toMatch(/no content-type: send content-type application\/json/);
    expect(await count()).toBe(before);
  });

  it("the dashboard's own same-origin requests and plain API clients keep working", async () => {
    const host = new URL(open.url).host;
    const same = await json(open, "POST", "/api/experiments", sphere, { origin: open.url, "sec-fetch-site": "same-origin" });
    expect(same.status, same.text).toBe(201);
    const curl = await json(open, "POST", "/api/experiments", sphere);
    expect(curl.status).toBe(201);
    const byName = await json(open, "GET", "/api/experiments?limit=1", undefined, { host: `localhost:${host.split(":")[1]}` });
    expect(byName.status).toBe(200);
  });

  it("a DNS-rebinding page (Host: its own name) can read neither the API nor the pages", async () => {
    const api = await raw(open, "GET", "/api/experiments", { host: "rebind.evil.example:3000" });
    expect(api.status, api.text).toBe(403);
    expect(JSON.parse(api.text).error.message).toMatch(/does not answer to the host name "rebind\.evil\.example".*QD_ALLOWED_HOSTS/);
    const page = await raw(open, "GET", "/", { host: "rebind.evil.example:3000" });
    expect(page.status).toBe(403);
    expect(page.text).not.toMatch(/drive-by/);
  });
});

describe("secrets stay with their owner", () => {
  it("apiKeyEnv cannot name the server's own variables, or anything but *_API_KEY", async () => {
    const llm = (apiKeyEnv: string) => ({
      name: "exfiltrate",
      domain: { type: "llm-code", task: "circle-packing" },
      emitter: { type: "llm", baseURL: "https://attacker.example/v1", model: "m", apiKeyEnv },
      budget: { evaluations: 10 },
    });
    for (const name of ["DATABASE_URL", "QD_API_TOKEN", "REDIS_URL", "HOME"]) {
      const r = await json(open, "POST", "/api/experiments", llm(name));
      expect(r.status, name).toBe(400);
      expect(r.body.error.issues[0]).toMatchObject({ path: "body.emitter.apiKeyEnv", message: expect.stringMatching(/apiKeyEnv must name a variable ending in _API_KEY .* QD_LLM_KEY_ENVS/) });
    }
    expect((await json(open, "POST", "/api/experiments", llm("OPENAI_API_KEY"))).status).toBe(201);
  });

  it("command env values and webhook header values never leave the server (API, list, live stream, pages)", async () => {
    const cmd = await json(open, "POST", "/api/experiments", command);
    expect(cmd.status, cmd.text).toBe(201);
    const hook = await json(open, "POST", "/api/experiments", webhook);
    expect(hook.status, hook.text).toBe(201);
    expect(cmd.body.config.domain.env).toEqual({ EVAL_TOKEN: "[redacted]" });
    expect(hook.body.config.domain.headers).toEqual({ authorization: "[redacted]" });
    // The stored config keeps the values: the workers need them.
    const stored = await stack.prisma.experiment.findUnique({ where: { id: cmd.body.id } });
    expect(JSON.stringify(stored!.config)).toContain("hunter2-env-value");

    const seen: string[] = [cmd.text, hook.text];
    for (const id of [cmd.body.id, hook.body.id]) {
      seen.push((await raw(open, "GET", `/api/experiments/${id}`)).text);
      seen.push((await raw(open, "GET", `/experiments/${id}`)).text);
      const events = await fetch(`${open.url}/api/experiments/${id}/events`);
      const reader = events.body!.getReader();
      seen.push(new TextDecoder().decode((await reader.read()).value));
      await reader.cancel();
    }
    seen.push((await raw(open, "GET", "/api/experiments?limit=100")).text);
    seen.push((await raw(open, "GET", "/")).text);
    for (const text of seen) {
      expect(text).not.toContain("hunter2");
    }
    expect(seen.join("\n")).toContain("EVAL_TOKEN");
  });

  it("/api/health tells strangers only whether the server is up", async () => {
    const anon = await json(secured, "GET", "/api/health");
    expect(anon.status).toBe(200);
    expect(anon.body).toEqual({ ok: true });
    const authed = await json(secured, "GET", "/api/health", undefined, { authorization: `Bearer ${TOKEN}` });
    expect(authed.body).toMatchObject({ ok: true, db: "up", queue: expect.stringMatching(/^up/) });
  });
});

describe("resource caps at the boundary", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["batchSize × dim", { ...sphere, domain: { type: "sphere", dim: 10_000 }, batchSize: 100_000 }, /batchSize × domain\.dim = 100,000 × 10,000 = 1,000,000,000 numbers per batch; at most 10,000,000/],
    ["CMA count × dim²", { ...sphere, domain: { type: "sphere", dim: 3000 }, emitter: { type: "cma-me", count: 15 }, batchSize: 36 }, /emitter\.count × domain\.dim² = 15 × 3,000² = 135,000,000 covariance entries; at most 100,000,000/],
    ["CVT cells × samples", { ...sphere, domain: { type: "sphere", dim: 10 }, archive: { type: "cvt", cells: 100_000, samples: 1_000_000 } }, /archive\.cells × archive\.samples = 100,000 × 1,000,000 = 100,000,000,000; at most 2,000,000,000/],
    ["archive cells × dim", { ...sphere, domain: { type: "sphere", dim: 10_000 }, descriptors: [{ name: "a", min: -1, max: 1, bins: 100 }, { name: "b", min: -1, max: 1, bins: 100 }], batchSize: 10 }, /archive cells × domain\.dim = 10,000 × 10,000 = 100,000,000 numbers .*; at most 50,000,000/],
    ["grid cells", { ...sphere, descriptors: [{ name: "a", min: -1, max: 1, bins: 10_000 }, { name: "b", min: -1, max: 1, bins: 10_000 }] }, /1,000,000/],
  ];
  it.each(cases)("%s → 400 naming the product and the limit", async (_name, config, message) => {
    const before = await count();
    const r = await json(open, "POST", "/api/experiments", config);
    expect(r.status, r.text).toBe(400);
    expect(r.body.error.message).toMatch(message);
    expect(await count()).toBe(before);
  });

  it("ask: count × dim is capped", async () => {
    const exp = await json(open, "POST", "/api/experiments", {
      name: "wide ask",
      domain: { type: "external", dim: 10_000, bounds: [-1, 1] },
      descriptors: [{ name: "a", min: 0, max: 1, bins: 4 }],
      budget: { evaluations: 100_000 },
      batchSize: 10,
      start: true,
    });
    expect(exp.status, exp.text).toBe(201);
    const r = await json(open, "POST", `/api/experiments/${exp.body.id}/ask`, { count: 10_000 });
    expect(r.status, r.text).toBe(400);
    expect(r.body.error.message).toMatch(/count × domain\.dim = 10,000 × 10,000 = 100,000,000 numbers in one answer; at most 1,000,000: ask for at most 100 at a time/);
    expect((await json(open, "POST", `/api/experiments/${exp.body.id}/ask`, { count: 2 })).status).toBe(200);
  });
});

describe("login, session and exports", () => {
  it("login?next= only ever leads back to this site", async () => {
    for (const next of ["/%5Cevil.example", "//evil.example", "https://evil.example", "/%09/evil.example"]) {
      const page = await raw(secured, "GET", `/login?next=${next}`);
      expect(page.status).toBe(200);
      // The target handed to the login form (the page also echoes its own URL, harmlessly).
      const target = /\\"next\\":\\"([^\\"]*)\\"/.exec(page.text)?.[1];
      expect(target, next).toBe("/");
    }
  });

  it("the session cookie expires, is Secure behind a TLS proxy, and old cookies stop working", async () => {
    const login = await json(secured, "POST", "/api/session", { token: TOKEN }, { "x-forwarded-proto": "https", "x-forwarded-for": "198.51.100.1" });
    expect(login.status).toBe(200);
    const cookie = String(login.headers["set-cookie"]);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/Max-Age=604800/);
    expect(cookie).toMatch(/Expires=/);
    const plain = await json(secured, "POST", "/api/session", { token: TOKEN }, { "x-forwarded-for": "198.51.100.1" });
    expect(String(plain.headers["set-cookie"])).not.toMatch(/Secure/);
    const value = cookie.split(";")[0]!;
    expect((await raw(secured, "GET", "/api/experiments", { cookie: value })).status).toBe(200);
    // A cookie issued 8 days ago (a leaked one, say) no longer opens anything.
    const stale = `qd_session=${sessionValue(TOKEN, Math.floor(Date.now() / 1000) - 8 * 24 * 3600)}`;
    expect((await raw(secured, "GET", "/api/experiments", { cookie: stale })).status).toBe(401);
    expect((await raw(secured, "GET", "/", { cookie: stale })).status).toBe(307);
  });

  it("token guessing is rate-limited: after 10 wrong tokens even the right one waits", async () => {
    const client = { "x-forwarded-for": "203.0.113.7" };
    for (let i = 0; i < 10; i++) {
      const r = await json(secured, "GET", "/api/experiments", undefined, { ...client, authorization: `Bearer guess-${i}` });
      expect(r.status).toBe(401);
    }
    const limited = await json(secured, "GET", "/api/experiments", undefined, { ...client, authorization: `Bearer ${TOKEN}` });
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toMatch(/too many wrong tokens; try again in \d+ s/);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    const login = await json(secured, "POST", "/api/session", { token: TOKEN }, client);
    expect(login.status).toBe(429);
    // Another client is not affected.
    expect((await json(secured, "GET", "/api/experiments", undefined, { "x-forwarded-for": "203.0.113.8", authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it("CSV export neutralises cells a spreadsheet would run as formulas", async () => {
    const exp = await json(open, "POST", "/api/experiments", {
      name: "=HYPERLINK(\"http://evil.example\",\"x\")",
      domain: { type: "external", dim: 2, bounds: [-1, 1] },
      descriptors: [{ name: "=1+2", min: 0, max: 1, bins: 4 }],
      budget: { evaluations: 10 },
      keepAllSolutions: true,
      start: true,
    });
    expect(exp.status, exp.text).toBe(201);
    const asked = await json(open, "POST", `/api/experiments/${exp.body.id}/ask`, { count: 2 });
    const [a, b] = asked.body.candidates;
    const told = await json(open, "POST", `/api/experiments/${exp.body.id}/tell`, { results: [{ candidateId: a.id, fitness: 1, descriptors: [0.5] }, { candidateId: b.id, error: "@SUM(1+1)*cmd|' /C calc'!A0" }] });
    expect(told.status, told.text).toBe(200);
    const csv = (await raw(open, "GET", `/api/experiments/${exp.body.id}/export?format=csv&all=1`)).text;
    const cells = csv.split(/\r\n/).flatMap((line) => line.split(","));
    expect(cells).toContain("'=1+2");
    expect(cells).toContain("'@SUM(1+1)*cmd|' /C calc'!A0");
    for (const cell of cells) expect(cell.replace(/^"/, ""), cell).not.toMatch(/^[=+@\t\r]/);
  });
});

describe("exposed means authenticated", () => {
  it("npm start refuses to listen beyond loopback without QD_API_TOKEN, with one sentence", async () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const env: NodeJS.ProcessEnv = { ...stack.env, HOST: "0.0.0.0", PORT: String(await freePort()), QD_WORKERS: "0" };
    delete env.QD_API_TOKEN;
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const code = await Promise.race([new Promise<number | null>((r) => child.on("exit", r)), new Promise<"running">((r) => setTimeout(() => r("running"), 60_000))]);
    if (code === "running") child.kill("SIGTERM");
    expect(code, out).toBe(1);
    const line = out.split("\n").find((l) => /QD_API_TOKEN/.test(l))!;
    expect(line).toMatch(/HOST=0\.0\.0\.0 lets other machines reach QD Studio, which runs commands on its workers: set QD_API_TOKEN/);
    expect(line.trim().endsWith(".")).toBe(true);
    expect(out).not.toMatch(/^\s+at /m);
  });
});
