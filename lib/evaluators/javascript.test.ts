import { afterAll, describe, expect, it } from "vitest";
import { SandboxHost } from "../sandbox/index";
import { createEvaluator, createJavaScriptMutation, EvaluatorConfig, formatIssues } from "./index";

const host = new SandboxHost();
afterAll(() => host.close());

const SPHERE = `
export function evaluate(genome, ctx) {
  if (genome === "throw") throw new Error("boom");
  if (genome === "nan") return { fitness: NaN };
  if (genome === "nofit") return { descriptors: [0, 0] };
  if (genome === "str") return { fitness: "1" };
  if (genome === "loop") while (true) {}
  if (genome === "short") return { fitness: 1, descriptors: [1] };
  console.log("eval", ctx.id);
  const s = genome.reduce((a, x) => a + x * x, 0);
  return { fitness: -s, descriptors: [genome[0], genome[1]], metrics: { norm: Math.sqrt(s) } };
}`;

describe("javascript evaluator", () => {
  it("evaluates candidates in order and validates every output", async () => {
    const ev = createEvaluator({ type: "javascript", code: SPHERE, timeoutMs: 300, descriptorCount: 2, poolSize: 2 }, { host });
    const rs = await ev.evaluate([
      { id: "a", genome: [3, 4] },
      { id: "b", genome: "throw" },
      { id: "c", genome: "nan" },
      { id: "d", genome: "nofit" },
      { id: "e", genome: "str" },
      { id: "f", genome: "loop" },
      { id: "g", genome: "short" },
      { id: "h", genome: [1, 0] },
    ]);
    expect(rs[0]).toMatchObject({ ok: true, fitness: -25, descriptors: [3, 4], metrics: { norm: 5 }, logs: "eval a" });
    expect(rs[1]).toMatchObject({ ok: false, error: "runtime: Error: boom" });
    expect(rs[2]).toMatchObject({ ok: false, error: expect.stringMatching(/invalid-output: .*non-finite number NaN.*fitness/) });
    expect(rs[3]).toMatchObject({ ok: false, error: "invalid output: fitness: is required" });
    expect(rs[4]).toMatchObject({ ok: false, error: expect.stringContaining('fitness: must be a number, got string "1"') });
    expect(rs[5]).toMatchObject({ ok: false, error: expect.stringMatching(/^timeout:/) });
    expect(rs[6]).toMatchObject({ ok: false, error: "invalid output: descriptors: expected 2 descriptors, got 1" });
    expect(rs[7]).toMatchObject({ ok: true, fitness: -1 });
    for (const r of rs) expect(r.ms).toBeGreaterThanOrEqual(0);
    await ev.close();
  });

  it("config validation gives readable messages", () => {
    const r = EvaluatorConfig.safeParse({ type: "javascript", code: "", timeoutMs: -1 });
    expect(r.success).toBe(false);
    if (!r.success) expect(formatIssues(r.error)).toMatch(/code: code must not be empty; timeoutMs: .*>=1/);
    const u = EvaluatorConfig.safeParse({ type: "python" });
    expect(u.success).toBe(false);
  });
});

describe("javascript mutation", () => {
  const CODE = `
function mutate(parent, rng) {
  const child = structuredCloneish(parent);
  child.x = child.x.map((v) => v + rng.normal(0, 0.1));
  child.tag = rng.pick(["a", "b", "c"]);
  child.r = Math.random();           // Math.random is the seeded generator too
  child.k = rng.int(10);
  return child;
}
function structuredCloneish(v) { return JSON.parse(JSON.stringify(v)); }`;

  it("is reproducible for a given seed and differs across seeds", async () => {
    const op = createJavaScriptMutation({ code: CODE, poolSize: 2 }, { host });
    const parent = { x: [0, 1, 2], tag: "z" };
    const a = await op.mutate([
      { parent, seed: 1 },
      { parent, seed: 2 },
      { parent, seed: 1 },
    ]);
    const b = await op.mutate([{ parent, seed: 1 }]);
    expect(a.every((r) => r.ok)).toBe(true);
    const g = a.map((r) => (r.ok ? r.genome : null));
    expect(g[0]).toEqual(g[2]);
    expect(g[0]).toEqual(b[0]!.ok ? b[0]!.genome : null);
    expect(g[0]).not.toEqual(g[1]);
    const child = g[0] as { x: number[]; tag: string; r: number; k: number };
    expect(child.x).toHaveLength(3);
    expect(["a", "b", "c"]).toContain(child.tag);
    expect(child.r).toBeGreaterThanOrEqual(0);
    expect(child.r).toBeLessThan(1);
    expect(parent).toEqual({ x: [0, 1, 2], tag: "z" }); // parent untouched
    await op.close();
  });

  it("reports failures per item and restores Math.random after async mutations", async () => {
    const op = createJavaScriptMutation(
      {
        code: `async function mutate(p, rng) { if (p === "bad") throw new Error("nope"); if (p === "none") return; if (p === "fn") return () => 1; await null; return [p, rng.random()] }`,
        timeoutMs: 300,
      },
      { host },
    );
    const rs = await op.mutate([
      { parent: 1, seed: 7 },
      { parent: "bad", seed: 7 },
      { parent: "none", seed: 7 },
      { parent: "fn", seed: 7 },
      { parent: 2, seed: Number.NaN },
    ]);
    expect(rs[0]).toMatchObject({ ok: true, genome: [1, expect.any(Number)] });
    expect(rs[1]).toMatchObject({ ok: false, error: "runtime: Error: nope" });
    expect(rs[2]).toMatchObject({ ok: false, error: expect.stringContaining("returned undefined") });
    expect(rs[3]).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid-output: .*functions/) });
    expect(rs[4]).toMatchObject({ ok: false, error: "seed must be a finite number" });
    await op.close();
  });
});
