import { describe, expect, it } from "vitest";
import { Rng } from "../qd/rng";
import { ParentSampler, ParentSelectionConfig, fitnessRanks, noveltyScores, policyWeights, type ParentSelectionInput, type SelectionPool } from "./parent-selection";

/**
 * Each policy's distribution, checked two ways: its probabilities against values computed by hand
 * from the formula, and 40,000 seeded draws against those probabilities (Pearson's χ²; the seed
 * makes the test deterministic, the statistic makes a wrong sampler fail by orders of magnitude).
 */
const DRAWS = 40_000;
// χ² quantile ≈ 1 − 1e-6 for up to 5 degrees of freedom: a correct sampler stays far below it.
const CHI2_LIMIT = 35;

const sampler = (config: ParentSelectionInput, pool: SelectionPool) => new ParentSampler(ParentSelectionConfig.parse(config), pool);

function draw(s: ParentSampler, seed: number, exclude = -1) {
  const rng = new Rng(seed);
  const counts = new Array(s.size).fill(0);
  const policies = new Map<string, number>();
  for (let t = 0; t < DRAWS; t++) {
    const p = s.pick(rng, exclude)!;
    counts[p.index]++;
    policies.set(p.policy, (policies.get(p.policy) ?? 0) + 1);
  }
  return { counts, policies };
}

function chi2(counts: number[], expected: number[]) {
  return counts.reduce((a, c, i) => (expected[i]! > 0 ? a + (c - DRAWS * expected[i]!) ** 2 / (DRAWS * expected[i]!) : a + (c > 0 ? Infinity : 0)), 0);
}

const normalise = (w: number[]) => w.map((x) => x / w.reduce((a, b) => a + b, 0));

function expectDistribution(s: ParentSampler, expected: number[], seed = 7, exclude = -1) {
  expected.forEach((p, i) => expect(s.probability(i, exclude)).toBeCloseTo(p, 12));
  const { counts } = draw(s, seed, exclude);
  expect(chi2(counts, expected)).toBeLessThan(CHI2_LIMIT);
  return counts;
}

describe("parent selection policies", () => {
  it("uniform: every elite alike, drawn exactly as the archive's uniform selection (rng.int over the elites)", () => {
    const s = sampler({ policy: "uniform" }, { fitness: [3, -1, 8, 0, 2] });
    expectDistribution(s, [0.2, 0.2, 0.2, 0.2, 0.2]);
    const a = new Rng(42);
    const b = new Rng(42);
    for (let t = 0; t < 100; t++) expect(s.pick(a)!.index).toBe(b.int(5));
  });

  it("fitness: proportional to fitness above the worst elite, plus the floor share of the spread", () => {
    const s = sampler({ policy: "fitness", floor: 0.05 }, { fitness: [0, 1, 2, 3] });
    expectDistribution(s, normalise([0.15, 1.15, 2.15, 3.15]));
    // Negative fitness works the same (only differences matter); equal fitness is uniform.
    Array.from(policyWeights({ policy: "fitness", floor: 0.05 }, { fitness: [-10, -9, -8, -7] })).forEach((w, i) => expect(w).toBeCloseTo([0.15, 1.15, 2.15, 3.15][i]!, 12));
    expectDistribution(sampler({ policy: "fitness" }, { fitness: [4, 4, 4] }), [1 / 3, 1 / 3, 1 / 3]);
  });

  it("power-law: rank^-exponent with the best elite ranked first; ties share their average rank", () => {
    const fitness = [10, 30, 20, 40];
    const s = sampler({ policy: "power-law", exponent: 1 }, { fitness });
    expect(Array.from(fitnessRanks(fitness))).toEqual([4, 2, 3, 1]);
    const counts = expectDistribution(s, normalise([1 / 4, 1 / 2, 1 / 3, 1]));
    expect(counts[3]).toBeGreaterThan(counts[1]!); // the best is drawn most
    const steep = sampler({ policy: "power-law", exponent: 3 }, { fitness });
    expect(steep.probability(3) / steep.probability(1)).toBeCloseTo(8, 10); // (2/1)^3
    expect(Array.from(fitnessRanks([5, 5, 1]))).toEqual([1.5, 1.5, 3]);
  });

  it("dgm: sigmoid(10·(score − ½)) / (1 + children), best first (not DGM PR 32's ascending sort)", () => {
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    const pool = { fitness: [0, 50, 100], children: [0, 0, 3] };
    const s = sampler({ policy: "dgm" }, pool);
    expectDistribution(s, normalise([sig(-5), sig(0), sig(5) / 4]));
    // Without children the best elite is the likeliest parent, the worst the least likely.
    const fresh = sampler({ policy: "dgm" }, { fitness: [0.2, 0.9, 0.5] });
    expect(fresh.probability(1)).toBeGreaterThan(fresh.probability(2));
    expect(fresh.probability(2)).toBeGreaterThan(fresh.probability(0));
    // A planned child counts at once: the best elite's weight halves after its first child.
    const before = fresh.probability(1);
    fresh.addChild(1);
    const w = [sig(10 * (0 - 0.5)), sig(10 * (1 - 0.5)) / 2, sig(10 * (3 / 7 - 0.5))];
    expect(fresh.probability(1)).toBeCloseTo(w[1]! / (w[0]! + w[1]! + w[2]!), 12);
    expect(fresh.probability(1)).toBeLessThan(before);
  });

  it("novelty: mean distance to the k nearest elites in descriptor space (axes scaled to their ranges)", () => {
    // 1-D, range [0, 10]: scaled positions 0, 0.1, 0.3, 1.0; k = 1 → distances 0.1, 0.1, 0.2, 0.7.
    const pool = { fitness: [1, 1, 1, 1], descriptors: [0, 1, 3, 10], dim: 1, lower: [0], upper: [10] };
    expect(Array.from(noveltyScores(pool, 1)).map((x) => +x.toFixed(12))).toEqual([0.1, 0.1, 0.2, 0.7]);
    const floor = 1e-3 * 0.7;
    expectDistribution(sampler({ policy: "novelty", k: 1 }, pool), normalise([0.1 + floor, 0.1 + floor, 0.2 + floor, 0.7 + floor]));
    // 2-D: an isolated elite is the likeliest parent.
    const s = sampler({ policy: "novelty", k: 2 }, { fitness: [0, 0, 0, 0, 9], descriptors: [0.1, 0.1, 0.12, 0.1, 0.1, 0.13, 0.11, 0.12, 0.9, 0.85], dim: 2 });
    const p = Array.from({ length: 5 }, (_, i) => s.probability(i));
    expect(p.indexOf(Math.max(...p))).toBe(4);
  });

  it("novelty with many elites compares against an evenly spread subset and stays finite", () => {
    const rng = new Rng(3);
    const n = 5000;
    const descriptors = Array.from({ length: n * 2 }, () => rng.random());
    const scores = noveltyScores({ fitness: new Float64Array(n), descriptors, dim: 2 }, 3);
    expect(scores.every((x) => Number.isFinite(x) && x > 0)).toBe(true);
  });

  it("mix: exploitShare of the picks by power-law(exponent), the rest uniform; each pick says which", () => {
    const fitness = [1, 2, 3, 4];
    const s = sampler({ policy: "mix", exploitShare: 0.3, exponent: 2 }, { fitness });
    const pl = normalise([1 / 16, 1 / 9, 1 / 4, 1]);
    expectDistribution(s, pl.map((p) => 0.3 * p + 0.7 * 0.25));
    const { policies } = draw(s, 11);
    expect([...policies.keys()].sort()).toEqual(["mix/exploit", "mix/explore"]);
    const exploit = policies.get("mix/exploit")! / DRAWS;
    // Binomial(40,000, 0.3): sd ≈ 0.0023.
    expect(Math.abs(exploit - 0.3)).toBeLessThan(0.012);
  });

  it("pick(exclude) never returns the excluded elite and renormalises the rest (crossover's second parent)", () => {
    const s = sampler({ policy: "power-law", exponent: 1 }, { fitness: [10, 30, 20, 40] });
    const counts = expectDistribution(s, normalise([1 / 4, 1 / 2, 1 / 3, 0]), 5, 3);
    expect(counts[3]).toBe(0);
    const u = sampler({ policy: "uniform" }, { fitness: [1, 2, 3] });
    expectDistribution(u, [0.5, 0, 0.5], 9, 1);
    expect(sampler({ policy: "dgm" }, { fitness: [1] }).pick(new Rng(1), 0)).toBeNull();
  });

  it("is deterministic for a seed", () => {
    const pool = { fitness: [5, 1, 7, 3, 9, 2], children: [1, 0, 4, 0, 2, 0] };
    const seq = (seed: number) => {
      const s = sampler({ policy: "dgm" }, pool);
      const rng = new Rng(seed);
      return Array.from({ length: 50 }, () => {
        const p = s.pick(rng)!;
        s.addChild(p.index);
        return p.index;
      });
    };
    expect(seq(17)).toEqual(seq(17));
    expect(seq(17)).not.toEqual(seq(18));
  });
});

describe("parentSelection config", () => {
  const err = (input: unknown) => {
    const r = ParentSelectionConfig.safeParse(input);
    return r.success ? null : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  };

  it("fills each policy's defaults", () => {
    expect(ParentSelectionConfig.parse({ policy: "power-law" })).toEqual({ policy: "power-law", exponent: 1 });
    expect(ParentSelectionConfig.parse({ policy: "dgm" })).toEqual({ policy: "dgm", sharpness: 10 });
    expect(ParentSelectionConfig.parse({ policy: "novelty" })).toEqual({ policy: "novelty", k: 3 });
    expect(ParentSelectionConfig.parse({ policy: "mix" })).toEqual({ policy: "mix", exploitShare: 0.5, exponent: 2 });
    expect(ParentSelectionConfig.parse({ policy: "fitness" })).toEqual({ policy: "fitness", floor: 0.05 });
  });

  it("says what is wrong and where", () => {
    expect(err({ policy: "tournament" })).toMatch(/policy must be one of "uniform", "fitness", "power-law", "dgm", "novelty", "mix"/);
    expect(err({ policy: "power-law", exponent: -1 })).toBe("exponent: emitter.parentSelection.exponent must be > 0");
    expect(err({ policy: "mix", exploitShare: 1.5 })).toBe("exploitShare: emitter.parentSelection.exploitShare must be between 0 and 1");
    expect(err({ policy: "novelty", k: 2.5 })).toBe("k: emitter.parentSelection.k must be a whole number");
    expect(err({ policy: "uniform", exponent: 2 })).toMatch(/exponent/);
  });
});
