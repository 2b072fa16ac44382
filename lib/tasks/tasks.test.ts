import { afterAll, describe, expect, it } from "vitest";
import { SandboxHost } from "../sandbox/index";
import {
  BEST_FIT,
  CIRCLE_PACKING_SEED,
  FIRST_FIT,
  binLowerBound,
  circlePackingTask,
  evaluateBinPacking,
  evaluateCirclePacking,
  generateBinPackingInstances,
  getCodeTask,
  replayChoices,
  validatePacking,
  binPackingTask,
} from "./index";

const host = new SandboxHost();
afterAll(() => host.close());
const opts = { host, timeoutMs: 1000, memoryMb: 32 };

/** A program returning a literal packing. */
const literal = (circles: unknown) => `function pack() { return ${JSON.stringify(circles)}; }`;

/** 26 valid circles: a 6 x 5 grid (26 cells) with radius 0.08 (not touching). Sum = 26 * 0.08. */
function gridCircles(r = 0.08): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < 26; i++) out.push([(i % 6 + 0.5) / 6, (Math.floor(i / 6) + 0.5) / 5, r]);
  return out;
}

describe("circle packing: validity check (host)", () => {
  it("a valid packing scores exactly its sum of radii", () => {
    const cs = gridCircles();
    cs[25] = [0.95, 0.95, 0.05]; // a smaller one in the corner cell
    const want = cs.reduce((s, c) => s + c[2]!, 0);
    const r = validatePacking(cs);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.sumRadii).toBe(want);
      expect(r.minGap).toBeGreaterThan(0);
    }
  });

  it("touching circles and walls are valid within 1e-9; beyond the tolerance they are not", () => {
    expect(validatePacking([[0.25, 0.5, 0.25], [0.75, 0.5, 0.25]], 2)).toMatchObject({ ok: true, sumRadii: 0.5 });
    expect(validatePacking([[0.25, 0.5, 0.25 + 5e-10], [0.75, 0.5, 0.25]], 2).ok).toBe(true);
    expect(validatePacking([[0.25, 0.5, 0.25 + 1e-8], [0.75, 0.5, 0.25]], 2)).toMatchObject({ ok: false, reason: expect.stringMatching(/outside|overlap/) });
  });

  it("rejects overlaps, circles outside the square, wrong counts, NaN, r <= 0, bad shapes", () => {
    const overlap = gridCircles();
    overlap[1] = [overlap[0]![0]! + 0.1, overlap[0]![1]!, 0.08];
    expect(validatePacking(overlap)).toMatchObject({ ok: false, reason: expect.stringMatching(/^circles 0 and 1 overlap/) });
    const outside = gridCircles();
    outside[3] = [0.99, 0.5, 0.05];
    expect(validatePacking(outside)).toMatchObject({ ok: false, reason: expect.stringMatching(/^circle 3 .*outside the unit square/) });
    expect(validatePacking(gridCircles().slice(0, 25))).toEqual({ ok: false, reason: "expected exactly 26 circles, got 25" });
    const nan = gridCircles();
    nan[2] = [NaN, 0.5, 0.05];
    expect(validatePacking(nan)).toEqual({ ok: false, reason: "circle 2: x is not a finite number (NaN)" });
    const zero = gridCircles();
    zero[4] = [0.5, 0.5, 0];
    expect(validatePacking(zero)).toMatchObject({ ok: false, reason: "circle 4: radius must be > 0, got 0" });
    expect(validatePacking("x")).toMatchObject({ ok: false, reason: expect.stringContaining("must return an array") });
    const strs = gridCircles() as unknown[];
    strs[0] = ["0.1", 0.1, 0.05];
    expect(validatePacking(strs)).toMatchObject({ ok: false, reason: 'circle 0: x is not a finite number ("0.1")' });
  });
});

describe("circle packing: sandboxed evaluation", () => {
  it("the seed program is valid and scores 26/12", async () => {
    const r = await evaluateCirclePacking(CIRCLE_PACKING_SEED, opts);
    expect(r).toMatchObject({ ok: true });
    if (r.ok) {
      expect(r.fitness).toBeCloseTo(26 / 12, 12);
      expect(r.metrics).toMatchObject({ codeLength: CIRCLE_PACKING_SEED.length, sumRadii: r.fitness });
      expect(r.metrics!.minGap).toBeGreaterThanOrEqual(-1e-9);
      expect(r.metrics!.runMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("a literal valid packing scores its exact sum; objects {x,y,r} and async pack work too", async () => {
    const cs = gridCircles(0.081);
    const want = cs.reduce((s, c) => s + c[2]!, 0);
    const r = await evaluateCirclePacking(literal(cs), opts);
    expect(r).toMatchObject({ ok: true, fitness: want });
    const objs = cs.map(([x, y, rr]) => ({ x, y, r: rr }));
    const r2 = await evaluateCirclePacking(`export async function pack() { return ${JSON.stringify(objs)}; }`, opts);
    expect(r2).toMatchObject({ ok: true, fitness: want });
  });

  it("rejects invalid programs with the right reason", async () => {
    const overlap = gridCircles();
    overlap[1] = [overlap[0]![0]! + 0.1, overlap[0]![1]!, 0.08];
    const outside = gridCircles();
    outside[7] = [0.5, 1.02, 0.05];
    const cases: Array<[string, RegExp]> = [
      [literal(overlap), /^invalid packing: circles 0 and 1 overlap/],
      [literal(outside), /^invalid packing: circle 7 .*outside the unit square/],
      [literal(gridCircles().slice(0, 25)), /^invalid packing: expected exactly 26 circles, got 25$/],
      [`function pack() { const c = ${JSON.stringify(gridCircles())}; c[5][2] = NaN; return c; }`, /^invalid packing: circle 5: r is not a finite number \(NaN\)$/],
      [`function pack() { const c = ${JSON.stringify(gridCircles())}; c[0][0] = 1/0; return c; }`, /^invalid packing: circle 0: x is not a finite number \(Infinity\)$/],
      [`function pack() { throw new Error("no idea"); }`, /^runtime: .*no idea/],
      [`function pack() { while (true) {} }`, /^timeout:/],
      [`function pack() { const a = []; for (;;) a.push(new Array(1e6).fill(1)); }`, /^(memory|timeout):/],
      [`function pack( { return [] }`, /^syntax:/],
      [`function pk() { return []; }`, /does not define function pack/],
      [`function pack() { return process.env; }`, /^runtime: .*process is not defined/],
      [`function pack() { return require("fs").readFileSync("/etc/passwd", "utf8"); }`, /^runtime: .*require is not defined/],
      [`function pack() { return fetch("http://127.0.0.1:1/"); }`, /^runtime: .*fetch is not defined/],
      [`function pack() { return this.constructor.constructor("return process")().env; }`, /^runtime: .*process is not defined/],
    ];
    const rs = await Promise.all(cases.map(([code]) => evaluateCirclePacking(code, opts)));
    rs.forEach((r, i) => {
      expect(r.ok, `case ${i}`).toBe(false);
      if (!r.ok) expect(r.error, `case ${i}`).toMatch(cases[i]![1]);
    });
    // the host survives and still evaluates
    expect(await evaluateCirclePacking(CIRCLE_PACKING_SEED, opts)).toMatchObject({ ok: true });
    expect(await evaluateCirclePacking(42, opts)).toMatchObject({ ok: false, error: expect.stringContaining("genome must be program source") });
  }, 20_000);

  it("task registry + evaluator in the common Evaluator contract", async () => {
    expect(getCodeTask("circle-packing")).toBe(circlePackingTask);
    expect(getCodeTask("bin-packing")).toBe(binPackingTask);
    expect(getCodeTask("toString")).toBeUndefined();
    const ev = circlePackingTask.createEvaluator(opts);
    const rs = await ev.evaluate([
      { id: "a", genome: circlePackingTask.seed },
      { id: "b", genome: "function pack() { return []; }" },
    ]);
    expect(rs.map((r) => r.ok)).toEqual([true, false]);
    await ev.close();
    expect(circlePackingTask.promptTask([{ name: "codeLength", min: 0, max: 4000 }])).toMatchObject({ kind: "code", entry: "pack", descriptors: [{ name: "codeLength" }] });
  });
});

describe("bin packing", () => {
  // Capacity 10, items 5, 6, 4, 5 (L1 = 2).
  // First fit: 5→A, 6→B, 4→A (first with room), 5→C  = 3 bins → fitness −1.5
  // Best fit:  5→A, 6→B, 4→B (fills it exactly), 5→A = 2 bins → fitness −1
  const tiny = [{ capacity: 10, items: [5, 6, 4, 5] }];

  it("seed heuristics score the hand-computed values on a tiny instance", async () => {
    expect(binLowerBound(tiny[0]!)).toBe(2);
    expect(await evaluateBinPacking(BEST_FIT, tiny, opts)).toMatchObject({ ok: true, fitness: -1, metrics: { meanBins: 2, excessPct: 0 } });
    expect(await evaluateBinPacking(FIRST_FIT, tiny, opts)).toMatchObject({ ok: true, fitness: -1.5, metrics: { meanBins: 3, excessPct: 50 } });
  });

  it("generated instances are seeded and OR-Library-like; best fit beats first fit, both near the bound", async () => {
    const a = generateBinPackingInstances({ seed: 3 });
    expect(a).toEqual(generateBinPackingInstances({ seed: 3 }));
    expect(a).not.toEqual(generateBinPackingInstances({ seed: 4 }));
    expect(a).toHaveLength(5);
    for (const inst of a) {
      expect(inst.capacity).toBe(150);
      expect(inst.items).toHaveLength(120);
      expect(Math.min(...inst.items)).toBeGreaterThanOrEqual(20);
      expect(Math.max(...inst.items)).toBeLessThanOrEqual(100);
    }
    const bf = await evaluateBinPacking(BEST_FIT, a, opts);
    const ff = await evaluateBinPacking(FIRST_FIT, a, opts);
    expect(bf.ok && ff.ok).toBe(true);
    if (bf.ok && ff.ok) {
      expect(bf.fitness).toBeLessThan(-1);
      expect(bf.fitness).toBeGreaterThan(-1.1);
      expect(bf.fitness).toBeGreaterThanOrEqual(ff.fitness);
    }
  });

  it("rejects bad heuristics with a reason; the host replay rejects impossible choices", async () => {
    const cases: Array<[string, RegExp]> = [
      ["function priority(item, bins) { return [1]; }", /^invalid heuristic: priority\(4, bins\) must return an array of 3 numbers .*got an array of 1/],
      ["function priority(item, bins) { return bins.map(() => NaN); }", /non-finite score at index 0: NaN/],
      ["function priority(item, bins) { while (true) {} }", /^timeout:/],
      ["function nope() {}", /does not define function priority/],
    ];
    for (const [code, re] of cases) {
      const r = await evaluateBinPacking(code, tiny, opts);
      expect(r).toMatchObject({ ok: false, error: expect.stringMatching(re) });
    }
    expect(replayChoices(tiny[0]!, [0, 0, 0, 0])).toMatchObject({ ok: false, reason: "item 1 (size 6) does not fit bin 0 (room 5)" });
    expect(replayChoices(tiny[0]!, [0, 2, 0, 0])).toMatchObject({ ok: false, reason: "item 1: invalid bin 2" });
    expect(replayChoices(tiny[0]!, [0, 1, 1, 0])).toEqual({ ok: true, bins: 2 });
  });
});
