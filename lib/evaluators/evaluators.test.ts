import { describe, expect, it } from "vitest";
import { parseStdout, splitCommand } from "./command";
import { parseLenientJson, toResult } from "./types";
import { sign, verifySignature, WebhookEvaluatorConfig } from "./webhook";

describe("evaluator helpers", () => {
  it("splitCommand honours quotes and escapes, no expansion", () => {
    expect(splitCommand("python3 eval.py")).toEqual(["python3", "eval.py"]);
    expect(splitCommand(`sh -c 'echo "$HOME" | cat'`)).toEqual(["sh", "-c", 'echo "$HOME" | cat']);
    expect(splitCommand(`a "b c" d\\ e ""`)).toEqual(["a", "b c", "d e", ""]);
    expect(() => splitCommand(`a "b`)).toThrow(/unbalanced/);
  });

  it("parseLenientJson maps bare NaN/Infinity but leaves strings alone", () => {
    expect(parseLenientJson('{"fitness": NaN, "s": "NaN Infinity", "d": [-Infinity, Infinity]}')).toEqual({
      fitness: NaN,
      s: "NaN Infinity",
      d: [-Infinity, Infinity],
    });
    expect(() => parseLenientJson("{bad")).toThrow();
  });

  it("toResult validation reasons", () => {
    const v = (raw: unknown, n?: number) => toResult(raw, { ms: 1, descriptorCount: n });
    expect(v({ fitness: 1.5, descriptors: [1, 2], metrics: { a: 1 }, extra: "ignored" }, 2)).toEqual({ ok: true, fitness: 1.5, descriptors: [1, 2], metrics: { a: 1 }, ms: 1 });
    expect(v({ fitness: NaN })).toMatchObject({ ok: false, error: "invalid output: fitness: must be a finite number, got NaN" });
    expect(v({ fitness: 1, descriptors: [1, Infinity] })).toMatchObject({ error: "invalid output: descriptors[1]: must be a finite number, got Infinity" });
    expect(v({ fitness: 1, metrics: { a: "x" } })).toMatchObject({ error: expect.stringContaining("metrics.a: must be a number") });
    expect(v({})).toMatchObject({ error: "invalid output: fitness: is required" });
    expect(v([1])).toMatchObject({ error: expect.stringContaining("expected a JSON object") });
    expect(v({ fitness: 1 }, 2)).toMatchObject({ error: "invalid output: descriptors: expected 2 descriptors, got none" });
    expect(v({ error: "diverged" })).toMatchObject({ ok: false, error: "evaluator reported an error: diverged" });
  });

  it("parseStdout takes the last non-empty line, else the whole output", () => {
    expect(parseStdout('progress 1\nprogress 2\n{"fitness": 1}\n\n')).toEqual({ ok: true, value: { fitness: 1 } });
    expect(parseStdout('{\n  "fitness": 2\n}\n')).toEqual({ ok: true, value: { fitness: 2 } });
    expect(parseStdout("")).toMatchObject({ ok: false, error: expect.stringContaining("empty") });
    expect(parseStdout("hello")).toMatchObject({ ok: false, error: expect.stringContaining("bad JSON") });
  });

  it("signatures verify, and reject tampering, wrong secrets and stale timestamps", () => {
    const body = '{"id":"a","genome":[1,2]}';
    const ts = Math.floor(Date.now() / 1000);
    const headers = { "x-qd-timestamp": String(ts), "x-qd-signature": sign(body, ts, "k") };
    expect(verifySignature(body, headers, "k")).toBe(true);
    expect(verifySignature(Buffer.from(body), new Headers(headers), "k")).toBe(true);
    expect(verifySignature(body + " ", headers, "k")).toBe(false);
    expect(verifySignature(body, headers, "other")).toBe(false);
    expect(verifySignature(body, { ...headers, "x-qd-timestamp": String(ts - 1) }, "k")).toBe(false);
    expect(verifySignature(body, headers, "k", { nowSec: ts + 301 })).toBe(false);
    expect(verifySignature(body, { "x-qd-timestamp": String(ts) }, "k")).toBe(false);
  });

  it("webhook config: secretEnv must be a QD_WEBHOOK_SECRET* variable", () => {
    expect(WebhookEvaluatorConfig.safeParse({ type: "webhook", url: "http://127.0.0.1:1/", secretEnv: "DATABASE_URL" }).success).toBe(false);
    expect(WebhookEvaluatorConfig.safeParse({ type: "webhook", url: "ftp://x/" }).success).toBe(false);
    expect(WebhookEvaluatorConfig.safeParse({ type: "webhook", url: "http://127.0.0.1:1/", secretEnv: "QD_WEBHOOK_SECRET_A" }).success).toBe(true);
  });
});
