import { describe, expect, it } from "vitest";
import { Rng } from "@/lib/qd";
import { boundsAround, cellOfValues, grownBounds, outsideBounds, rebin, type StoredPoint } from "@/lib/qd/archive/auto-range";
import { ExperimentSpec } from "./config";

describe("range auto: bounds", () => {
  const b = { lower: [0, 0], upper: [10, 1], bins: [10, 4] };

  it("flags only values of auto dimensions that fall outside", () => {
    expect(outsideBounds(b, [true, false], [5, 0.5, 9.9, 7])).toBe(false); // dimension 1 is fixed: 7 lands in its edge cell
    expect(outsideBounds(b, [true, false], [5, 0.5, 10.5, 0.5])).toBe(true);
    expect(outsideBounds(b, [true, false], [-0.1, 0.5])).toBe(true);
    expect(outsideBounds(b, [true, false], [NaN, 0.5])).toBe(false);
  });

  it("grows auto dimensions to the span of every value (with headroom) and keeps fixed ones", () => {
    const g = grownBounds(b, [true, false], [2, 0.5, 30, 3, 12, 0.1]);
    expect(g.lower[0]).toBeLessThanOrEqual(2);
    expect(g.upper[0]).toBeGreaterThanOrEqual(30);
    expect(g.upper[0]! - g.lower[0]!).toBeLessThan(28 * 1.5);
    expect([g.lower[1], g.upper[1]]).toEqual([0, 1]);
    expect(g.bins).toEqual([10, 4]);
  });

  it("follows the values, not the placeholder range: values in [1200, 1800] spread over the bins", () => {
    const g = grownBounds({ lower: [0], upper: [1], bins: [10] }, [true], [1200, 1350, 1500, 1650, 1800]);
    const cells = new Set([1200, 1350, 1500, 1650, 1800].map((v) => cellOfValues(g, [v])));
    expect(cells.size).toBe(5);
  });

  it("gives a single value a window around it", () => {
    const [lo, hi] = boundsAround(42, 42);
    expect(lo).toBeLessThan(42);
    expect(hi).toBeGreaterThan(42);
  });
});

describe("range auto: re-binning", () => {
  it("keeps the best solution of each new cell as its elite, and every solution gets a cell", () => {
    const points: StoredPoint[] = [
      { id: "a", fitness: 1, descriptors: [0.5] },
      { id: "b", fitness: 3, descriptors: [1.5] },
      { id: "c", fitness: 2, descriptors: [2.5] },
      { id: "d", fitness: 5, descriptors: [3.5] },
    ];
    // Four bins over [0, 4]: one per point. Two bins over [0, 4]: a+b and c+d share cells.
    expect([...rebin(points, { lower: [0], upper: [4], bins: [4] }).elites.values()].sort()).toEqual([0, 1, 2, 3]);
    const { cells, elites } = rebin(points, { lower: [0], upper: [4], bins: [2] });
    expect(cells).toEqual([0, 0, 1, 1]);
    expect(elites).toEqual(new Map([[0, 1], [1, 3]]));
  });

  it("breaks ties in favour of the solution stored first (the strict elite rule keeps the incumbent)", () => {
    const { elites } = rebin(
      [
        { id: "first", fitness: 2, descriptors: [0.1] },
        { id: "second", fitness: 2, descriptors: [0.2] },
      ],
      { lower: [0], upper: [1], bins: [1] },
    );
    expect(elites.get(0)).toBe(0);
  });

  it("never loses an elite: each cell's elite is the best of all solutions ever in it, whatever the growth", () => {
    const rng = new Rng(7);
    let bounds = { lower: [0, 0], upper: [1, 1], bins: [8, 5] };
    const auto = [true, true];
    const all: StoredPoint[] = [];
    for (let step = 0; step < 40; step++) {
      // Values drift outwards, so the bounds keep growing.
      const batch = Array.from({ length: 5 }, (_, i) => ({ id: `${step}-${i}`, fitness: rng.random(), descriptors: [rng.random() * (1 + step), -rng.random() * step] }));
      const values = batch.flatMap((p) => p.descriptors);
      if (all.length === 0 || outsideBounds(bounds, auto, values)) bounds = grownBounds(bounds, auto, all.flatMap((p) => p.descriptors).concat(values));
      all.push(...batch);
    }
    expect(all.every((p) => !outsideBounds(bounds, auto, p.descriptors))).toBe(true);
    const { cells, elites } = rebin(all, bounds);
    const best = new Map<number, number>();
    cells.forEach((c, i) => best.set(c, Math.max(best.get(c) ?? -Infinity, all[i]!.fitness)));
    expect(elites.size).toBe(best.size);
    for (const [c, i] of elites) expect(all[i]!.fitness).toBe(best.get(c));
    expect(Math.max(...[...elites.values()].map((i) => all[i]!.fitness))).toBe(Math.max(...all.map((p) => p.fitness)));
  });
});

describe("range auto: configuration", () => {
  const base = {
    name: "auto",
    domain: { type: "javascript", code: "function evaluate(x) { return { fitness: 1, metrics: { m: x[0] } }; }", dim: 2, bounds: [-1, 1] },
    emitter: { type: "gaussian" },
    budget: { evaluations: 10 },
  };

  it("accepts an auto row without min and max", () => {
    const c = ExperimentSpec.parse({ ...base, descriptors: [{ name: "m", metric: "m", range: "auto", bins: 10 }] });
    expect(c.descriptors![0]).toMatchObject({ range: "auto", bins: 10 });
    expect(c.descriptors![0]!.max).toBeGreaterThan(c.descriptors![0]!.min);
  });

  it("still requires min and max without auto, and says so", () => {
    const r = ExperimentSpec.safeParse({ ...base, descriptors: [{ name: "m", metric: "m", bins: 10 }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message).join("; ")).toMatch(/min is required \(or set "range": "auto"\)/);
  });

  it("rejects auto with a CVT archive or on a built-in benchmark, with the reason", () => {
    const cvt = ExperimentSpec.safeParse({ ...base, archive: { type: "cvt", cells: 10 }, descriptors: [{ name: "m", metric: "m", range: "auto", bins: 10 }] });
    expect(cvt.error!.issues.map((i) => i.message).join("; ")).toMatch(/needs a grid archive/);
    const sphere = ExperimentSpec.safeParse({ name: "s", domain: { type: "sphere", dim: 4 }, budget: { evaluations: 10 }, descriptors: [{ name: "a", range: "auto", bins: 5 }, { name: "b", min: 0, max: 1, bins: 5 }] });
    expect(sphere.error!.issues.map((i) => i.message).join("; ")).toMatch(/has known ranges/);
  });

  it("rejects other values of range", () => {
    const r = ExperimentSpec.safeParse({ ...base, descriptors: [{ name: "m", metric: "m", range: "fit", bins: 10 }] });
    expect(r.error!.issues.map((i) => i.message).join("; ")).toMatch(/range must be "auto"/);
  });
});
