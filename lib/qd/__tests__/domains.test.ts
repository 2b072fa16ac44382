import { describe, expect, it } from "vitest";
import { getDomain } from "../domains/registry";

function evalOne(type: "sphere" | "rastrigin" | "arm", x: number[]) {
  const d = type === "arm" ? getDomain({ type, joints: x.length }) : getDomain({ type, dim: x.length });
  const obj = new Float64Array(1);
  const m = new Float64Array(2);
  d.evaluateBatch(Float64Array.from(x), 1, obj, m);
  return { obj: obj[0], m: Array.from(m), d };
}

describe("linear-projection sphere", () => {
  it("scores 100 at the shifted optimum 2.048 and 0 at x = -5.12", () => {
    expect(evalOne("sphere", new Array(100).fill(2.048)).obj).toBeCloseTo(100, 12);
    expect(evalOne("sphere", new Array(100).fill(-5.12)).obj).toBeCloseTo(0, 12);
  });
  it("matches a hand computation", () => {
    // dim 4: raw = sum (x - 2.048)^2; worst = (−7.168)^2 · 4
    const x = [0, 1, -1, 3];
    const raw = x.reduce((s, v) => s + (v - 2.048) ** 2, 0);
    const worst = 7.168 ** 2 * 4;
    expect(evalOne("sphere", x).obj).toBeCloseTo(((raw - worst) / (0 - worst)) * 100, 12);
    expect(evalOne("sphere", x).m).toEqual([1, 2]);
  });
  it("clips |x| > 5.12 to 5.12/x in the measures and splits at floor(n/2)", () => {
    const { m } = evalOne("sphere", [10, -10, 1, 6, 2]);
    // first floor(5/2) = 2 components: 0.512 + (−0.512); rest: 1 + 5.12/6 + 2
    expect(m[0]).toBeCloseTo(0, 12);
    expect(m[1]).toBeCloseTo(1 + 5.12 / 6 + 2, 12);
  });
  it("has the pyribs default descriptors: 100×100 over ±(n/2)·5.12", () => {
    const d = getDomain({ type: "sphere" });
    expect(d.dim).toBe(100);
    expect(d.descriptors).toEqual([
      { name: "m0", min: -256, max: 256, bins: 100 },
      { name: "m1", min: -256, max: 256, bins: 100 },
    ]);
    expect(d.qdScoreOffset).toBe(0);
  });
  it("evaluates batches row by row", () => {
    const d = getDomain({ type: "sphere", dim: 4 });
    const x = Float64Array.from([2.048, 2.048, 2.048, 2.048, 0, 1, -1, 3]);
    const o = new Float64Array(2);
    const m = new Float64Array(4);
    d.evaluateBatch(x, 2, o, m);
    expect(o[0]).toBeCloseTo(100, 12);
    expect(o[1]).toBeCloseTo(evalOne("sphere", [0, 1, -1, 3]).obj, 12);
    expect(Array.from(m.subarray(2))).toEqual([1, 2]);
  });
});

describe("linear-projection Rastrigin", () => {
  it("scores 100 at the optimum and 0 at x = -5.12", () => {
    expect(evalOne("rastrigin", new Array(10).fill(2.048)).obj).toBeCloseTo(100, 10);
    expect(evalOne("rastrigin", new Array(10).fill(-5.12)).obj).toBeCloseTo(0, 10);
  });
  it("matches a hand computation", () => {
    const x = [0.5, -3];
    const f = (xs: number[]) => 10 * xs.length + xs.reduce((s, v) => s + (v - 2.048) ** 2 - 10 * Math.cos(2 * Math.PI * (v - 2.048)), 0);
    const worst = f([-5.12, -5.12]);
    expect(evalOne("rastrigin", x).obj).toBeCloseTo(((f(x) - worst) / (0 - worst)) * 100, 10);
  });
});

describe("planar arm", () => {
  it("a straight arm (all genes 0.5) has fitness 0 and reaches (1, 0) -> descriptor (1, 0.5)", () => {
    const { obj, m } = evalOne("arm", new Array(12).fill(0.5));
    expect(obj).toBeCloseTo(0, 14);
    expect(m[0]).toBeCloseTo(1, 14);
    expect(m[1]).toBeCloseTo(0.5, 14);
  });
  it("matches a hand computation for two joints", () => {
    // genes 0.75, 0.5 -> angles π/2, 0; links 1/2: end = (0, 1) -> descriptor (0.5, 1)
    const { obj, m } = evalOne("arm", [0.75, 0.5]);
    expect(obj).toBeCloseTo(-Math.PI / 4, 12); // std of [π/2, 0]
    expect(m[0]).toBeCloseTo(0.5, 12);
    expect(m[1]).toBeCloseTo(1, 12);
  });
  it("is bounded to [0,1] genes with [0,1]² descriptors", () => {
    const d = getDomain({ type: "arm", joints: 3 });
    expect(Array.from(d.bounds!.lower)).toEqual([0, 0, 0]);
    expect(Array.from(d.bounds!.upper)).toEqual([1, 1, 1]);
    expect(d.descriptors.map((x) => [x.min, x.max])).toEqual([[0, 1], [0, 1]]);
  });
});

describe("registry", () => {
  it("rejects unknown domains and bad sizes", () => {
    expect(() => getDomain({ type: "nope" } as never)).toThrow(/unknown domain/);
    expect(() => getDomain({ type: "sphere", dim: 1 })).toThrow();
    expect(() => getDomain({ type: "arm", joints: 0 })).toThrow();
  });
});
