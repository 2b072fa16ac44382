import { describe, expect, it } from "vitest";
import { ancestryMask, countAt, fromPages, syntheticPhylogeny, type PhyloPage } from "./data";
import { layoutPhylogeny } from "./layout";

/** a, b seeds; c = mutate(a); d = crossover(c, b); e = mutate(d); node order deliberately not topological for e. */
function small(): PhyloPage {
  return {
    total: 5, offset: 0, nextOffset: null, elites: 1,
    ids: ["e", "a", "b", "c", "d"],
    parentStart: [0, 1, 1, 1, 2, 4],
    parents: [4, 1, 3, 2],
    fitness: [5, 1, 2, 3, null],
    cell: [7, 1, 2, 3, 4],
    operators: ["iso", "seed", "xo"], operator: [0, 1, 1, 0, 2],
    models: ["m"], model: [0, -1, -1, -1, 0],
    createdAt: [5, 1, 2, 3, 4],
    elite: [1, 0, 0, 0, 0],
  };
}

describe("phylogeny data", () => {
  it("decodes columns and dictionary codes across pages", () => {
    const p = small();
    const d = fromPages([p]);
    expect(d.n).toBe(5);
    expect(Array.from(d.parents.subarray(d.parentStart[4], d.parentStart[5]))).toEqual([3, 2]);
    expect(Number.isNaN(d.fitness[4])).toBe(true);
    expect(d.operators[d.operator[4]!]).toBe("xo");
    expect(d.model[1]).toBe(-1);
    expect(d.models[d.model[0]!]).toBe("m");
  });

  it("masks one node's ancestry through both parents of a crossover", () => {
    const d = fromPages([small()]);
    expect(Array.from(ancestryMask(d, 0))).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(ancestryMask(d, 3))).toEqual([0, 1, 0, 1, 0]);
  });

  it("counts nodes created by a time with a binary search", () => {
    const d = syntheticPhylogeny(100);
    expect(countAt(d, d.createdAt[41]!)).toBe(42);
    expect(countAt(d, 0)).toBe(0);
  });
});

describe("layoutPhylogeny", () => {
  it("puts each node one generation below its deepest parent, even when listed before it", () => {
    const l = layoutPhylogeny(fromPages([small()]));
    expect(Array.from(l.depth)).toEqual([3, 0, 0, 1, 2]);
    expect(l.maxDepth).toBe(3);
    expect(l.count).toBe(5);
  });

  it("gives nodes of one generation distinct slots at least one apart", () => {
    const d = syntheticPhylogeny(5000, { seed: 3 });
    const l = layoutPhylogeny(d);
    // Collected, then asserted once: thousands of expect() calls are slow on a loaded machine.
    const byDepth = new Map<number, number[]>();
    const violations: string[] = [];
    for (let i = 0; i < d.n; i++) {
      if (!(l.depth[i]! >= 0)) violations.push(`node ${i} has no depth`);
      for (let q = d.parentStart[i]!; q < d.parentStart[i + 1]!; q++) if (!(l.depth[i]! > l.depth[d.parents[q]!]!)) violations.push(`node ${i} not below parent ${d.parents[q]}`);
      let xs = byDepth.get(l.depth[i]!);
      if (!xs) byDepth.set(l.depth[i]!, (xs = []));
      xs.push(l.x[i]!);
    }
    for (const [depth, xs] of byDepth) {
      xs.sort((a, b) => a - b);
      for (let k = 1; k < xs.length; k++) if (!(xs[k]! - xs[k - 1]! >= 0.999)) violations.push(`generation ${depth}: slots ${xs[k - 1]} and ${xs[k]}`);
    }
    expect(violations.slice(0, 5)).toEqual([]);
    expect(byDepth.size).toBe(l.maxDepth + 1);
  });

  it("lays out only the masked nodes", () => {
    const d = fromPages([small()]);
    const l = layoutPhylogeny(d, ancestryMask(d, 3));
    expect(l.count).toBe(2);
    expect(Number.isNaN(l.x[0])).toBe(true);
    expect(l.depth[3]).toBe(1);
  });
});
