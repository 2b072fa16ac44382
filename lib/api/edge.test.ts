import { describe, expect, it } from "vitest";
import { checkEdge, hostAllowed, requestScheme } from "./edge";
import { safeNextPath } from "@/lib/safe-next";
import { csvField } from "./export";
import { redactSecrets, REDACTED } from "./redact";
import { apiKeyEnvRefusal } from "@/lib/secret-env";
import { askIssue, costIssues } from "@/lib/experiments/limits";
import { isLoopback } from "@/lib/runtime/exposure";

const req = (method: string, pathname: string, headers: Record<string, string>) => ({ method, pathname, headers: new Headers(headers) });
const env = { HOST: "127.0.0.1" };

describe("edge checks", () => {
  it("accepts loopback names, IP literals, the configured host and QD_ALLOWED_HOSTS; refuses other names", () => {
    for (const h of ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "10.1.2.3", "app.localhost:3000"]) expect(hostAllowed(h, env), h).toBe(true);
    for (const h of ["evil.example", "evil.example:3000", "", "localhost.evil.example"]) expect(hostAllowed(h, env), h).toBe(false);
    expect(hostAllowed("qd.lab.example:3000", { HOST: "qd.lab.example" })).toBe(true);
    expect(hostAllowed("qd.lab.example", { ...env, QD_ALLOWED_HOSTS: "other.example, qd.lab.example" })).toBe(true);
    expect(hostAllowed("anything.example", { ...env, QD_ALLOWED_HOSTS: "*" })).toBe(true);
  });

  it("refuses cross-site writes, lets same-origin and non-browser clients through", () => {
    const base = { host: "127.0.0.1:3000", "content-type": "application/json", "content-length": "2" };
    expect(checkEdge(req("POST", "/api/experiments", { ...base, origin: "https://evil.example" }), env)?.status).toBe(403);
    expect(checkEdge(req("POST", "/api/experiments", { ...base, origin: "null" }), env)?.status).toBe(403);
    expect(checkEdge(req("DELETE", "/api/experiments/x", { host: base.host, "sec-fetch-site": "cross-site" }), env)?.status).toBe(403);
    expect(checkEdge(req("POST", "/api/experiments", { ...base, origin: "http://localhost:3001", "sec-fetch-site": "same-site" }), env)?.status).toBe(403);
    expect(checkEdge(req("POST", "/api/experiments", { ...base, origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" }), env)).toBeNull();
    expect(checkEdge(req("POST", "/api/experiments", base), env)).toBeNull();
    // Reads are not refused by origin (CORS keeps their answers from other sites).
    expect(checkEdge(req("GET", "/api/experiments", { host: base.host, origin: "https://evil.example" }), env)).toBeNull();
  });

  it("an API body must be JSON: missing or other types are 415", () => {
    const host = "127.0.0.1:3000";
    expect(checkEdge(req("POST", "/api/experiments", { host, "content-length": "10" }), env)).toMatchObject({ status: 415, message: expect.stringMatching(/no content-type/) });
    expect(checkEdge(req("POST", "/api/experiments", { host, "content-length": "10", "content-type": "text/plain" }), env)?.status).toBe(415);
    expect(checkEdge(req("POST", "/api/experiments", { host, "transfer-encoding": "chunked", "content-type": "multipart/form-data; boundary=x" }), env)?.status).toBe(415);
    expect(checkEdge(req("POST", "/api/experiments/x/start", { host, "content-length": "0" }), env)).toBeNull();
    expect(checkEdge(req("POST", "/api/experiments", { host, "content-length": "10", "content-type": "application/json; charset=utf-8" }), env)).toBeNull();
  });

  it("behind a trusted proxy, the browser's host is x-forwarded-host", () => {
    const behind = { host: "127.0.0.1:3000", "x-forwarded-host": "qd.lab.example", origin: "https://qd.lab.example", "content-type": "application/json", "content-length": "2" };
    const proxied = { HOST: "127.0.0.1", QD_TRUST_PROXY: "1", QD_ALLOWED_HOSTS: "qd.lab.example" };
    expect(checkEdge(req("POST", "/api/experiments", behind), proxied)).toBeNull();
    expect(checkEdge(req("POST", "/api/experiments", { ...behind, origin: "https://evil.example" }), proxied)?.status).toBe(403);
    expect(checkEdge(req("GET", "/", { ...behind, "x-forwarded-host": "evil.example" }), proxied)?.status).toBe(403);
    // Without QD_TRUST_PROXY the header is ignored: the Origin must match Host.
    expect(checkEdge(req("POST", "/api/experiments", behind), { HOST: "127.0.0.1", QD_ALLOWED_HOSTS: "qd.lab.example" })?.status).toBe(403);
  });

  it("the scheme comes from x-forwarded-proto only behind a trusted proxy", () => {
    const h = new Headers({ "x-forwarded-proto": "https" });
    expect(requestScheme(h, "http:", {})).toBe("http:");
    expect(requestScheme(h, "http:", { QD_TRUST_PROXY: "1" })).toBe("https:");
  });
});

describe("small rules", () => {
  it("login next: same-origin paths only", () => {
    expect(safeNextPath("/experiments/1?x=2#y")).toBe("/experiments/1?x=2#y");
    for (const bad of ["/\\evil.com", "//evil.com", "/\t/evil.com", "https://evil.com", "evil.com", "", undefined, "/%5C%5Cevil.com/../x"]) {
      const out = safeNextPath(bad);
      expect(new URL(out, "http://me.test").origin, String(bad)).toBe("http://me.test");
    }
    expect(safeNextPath("/\\evil.com")).toBe("/");
  });

  it("CSV cells that a spreadsheet would run as formulas are neutralised", () => {
    expect(csvField("=HYPERLINK(\"http://x\")")).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField("+1+cmd")).toBe("'+1+cmd");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\tx")).toBe("'\tx");
    expect(csvField(-1.5)).toBe("-1.5");
    expect(csvField("-2.5e3")).toBe("-2.5e3");
    expect(csvField("plain")).toBe("plain");
  });

  it("secret values are redacted, names kept", () => {
    const config = { domain: { type: "command", command: "x", env: { TOKEN: "s3cret" } }, other: { type: "webhook", headers: { authorization: "Bearer s3cret" } } };
    const out = redactSecrets(config);
    expect(out.domain.env).toEqual({ TOKEN: REDACTED });
    expect(out.other.headers).toEqual({ authorization: REDACTED });
    expect(JSON.stringify(out)).not.toContain("s3cret");
    expect(config.domain.env.TOKEN).toBe("s3cret");
  });

  it("apiKeyEnv: *_API_KEY or QD_LLM_KEY_ENVS, never a server variable", () => {
    expect(apiKeyEnvRefusal("OPENAI_API_KEY", {})).toBeNull();
    expect(apiKeyEnvRefusal("MY_KEY", { QD_LLM_KEY_ENVS: "MY_KEY" })).toBeNull();
    for (const name of ["DATABASE_URL", "REDIS_URL", "QD_API_TOKEN", "HOME", "AWS_SECRET_ACCESS_KEY"]) expect(apiKeyEnvRefusal(name, {}), name).toMatch(/apiKeyEnv must name/);
    expect(apiKeyEnvRefusal("DATABASE_URL", { QD_LLM_KEY_ENVS: "DATABASE_URL" })).toMatch(/server's own settings/);
    expect(apiKeyEnvRefusal("QD_API_KEY", {})).toMatch(/server's own settings/);
  });

  it("cost caps name the product and the limit", () => {
    const base = { archive: { type: "grid" }, emitter: { type: "iso-line" }, cells: 10_000 };
    expect(costIssues({ ...base, domain: { type: "sphere", dim: 100 }, batchSize: 540 })).toEqual([]);
    expect(costIssues({ ...base, domain: { type: "sphere", dim: 10_000 }, batchSize: 100_000 })[0]!.message).toMatch(/^batchSize × domain\.dim = 100,000 × 10,000 = 1,000,000,000 numbers per batch; at most 10,000,000/);
    expect(costIssues({ ...base, domain: { type: "sphere", dim: 10_000 }, batchSize: 36, emitter: { type: "cma-me", count: 15 } }).map((i) => i.message).join()).toMatch(/emitter\.count × domain\.dim² = 15 × 10,000² /);
    expect(costIssues({ ...base, domain: { type: "sphere", dim: 2 }, batchSize: 36, archive: { type: "cvt", cells: 100_000, samples: 1_000_000 }, cells: 100_000 })[0]!.message).toMatch(/archive\.cells × archive\.samples = 100,000 × 1,000,000/);
    expect(costIssues({ ...base, domain: { type: "sphere", dim: 2 }, batchSize: 36, archive: { type: "cvt", cells: 5000, samples: 1000 }, cells: 5000 })[0]!.message).toMatch(/samples .* must be at least archive\.cells/);
    expect(askIssue(10_000, 10_000)).toMatch(/count × domain\.dim = 10,000 × 10,000/);
    expect(askIssue(20, 100)).toBeNull();
  });

  it("loopback listen addresses", () => {
    for (const h of ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.1.1"]) expect(isLoopback(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "192.168.1.2", "example.com"]) expect(isLoopback(h), h).toBe(false);
  });
});
