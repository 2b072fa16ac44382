import { describe, expect, it } from "vitest";
import { createAlgorithm, runAlgorithm } from "../algorithm";
import { GridArchive } from "../archive/grid";
import { sphereDomain, sphereJacobian } from "../domains/linear-projection";
import { GradientArborescenceEmitter } from "../emitters/gradient-arborescence";
import { GradientOperatorEmitter } from "../emitters/gradient-operator";
import { AdamOpt, GradientAscentOpt } from "../emitters/gradient-optimizers";
import type { TellBatch } from "../emitters/types";
import { SPHERE_REFERENCE } from "../reproduce";
import { Rng } from "../rng";
import { Scheduler } from "../scheduler";

const SHIFT = 5.12 * 0.4;

describe("LP-sphere gradients", () => {
  it("match central finite differences of the objective and both measures, clipped components included", () => {
    const dim = 10;
    const d = sphereDomain(dim);
    const rng = new Rng(7);
    // Components spread over [-9, 9]: about half are clipped (|x| > 5.12); keep clear of the kink.
    const x = Float64Array.from({ length: dim }, () => {
      let v = 0;
      do v = rng.uniform(-9, 9);
      while (Math.abs(Math.abs(v) - 5.12) < 0.05);
      return v;
    });
    expect(x.some((v) => Math.abs(v) > 5.12) && x.some((v) => Math.abs(v) < 5.12)).toBe(true);
    const obj = new Float64Array(1);
    const meas = new Float64Array(2);
    const jac = new Float64Array(3 * dim);
    d.evaluateWithGradients!(x, 1, obj, meas, jac);
    const at = (v: Float64Array) => {
      const o = new Float64Array(1);
      const m = new Float64Array(2);
      d.evaluateBatch(v, 1, o, m);
      return [o[0], m[0], m[1]];
    };
    // pyribs passes ∇(−Σ(x−s)²): the normalized objective's gradient divided by 100/|worst|.
    const scale = 100 / ((5.12 + SHIFT) ** 2 * dim);
    const h = 1e-5;
    for (let k = 0; k < dim; k++) {
      const p = Float64Array.from(x);
      const m = Float64Array.from(x);
      p[k] += h;
      m[k] -= h;
      const fp = at(p);
      const fm = at(m);
      const fd = fp.map((v, j) => (v - fm[j]) / (2 * h));
      expect(jac[k] * scale).toBeCloseTo(fd[0], 5);
      expect(jac[dim + k]).toBeCloseTo(fd[1], 5);
      expect(jac[2 * dim + k]).toBeCloseTo(fd[2], 5);
    }
    expect(jac[0]).toBeCloseTo(-2 * (x[0] - SHIFT), 12);
  });

  it("a batch of solutions gets one Jacobian block each", () => {
    const dim = 4;
    const x = Float64Array.from([0, 0, 0, 0, 10, 1, 1, -10]);
    const jac = new Float64Array(2 * 3 * dim);
    sphereJacobian(x, 2, dim, jac);
    expect(Array.from(jac.subarray(0, 12))).toEqual([2 * SHIFT, 2 * SHIFT, 2 * SHIFT, 2 * SHIFT, 1, 1, 0, 0, 0, 0, 1, 1]);
    const b = jac.subarray(12);
    expect(b[0]).toBeCloseTo(-2 * (10 - SHIFT), 12);
    expect(b[4]).toBeCloseTo(-5.12 / 100, 12); // clipped: d(5.12/x)/dx
    expect(b[5]).toBe(1);
    expect(b[10]).toBe(1);
    expect(b[11]).toBeCloseTo(-5.12 / 100, 12);
  });
});

describe("gradient optimizers", () => {
  it("gradient ascent steps lr·g", () => {
    const o = new GradientAscentOpt([1, 2], 0.5);
    o.step([2, -4]);
    expect(Array.from(o.theta)).toEqual([2, 0]);
    o.reset([0, 0]);
    expect(Array.from(o.theta)).toEqual([0, 0]);
  });

  it("Adam's first step moves each coordinate by lr in the gradient's sign, and climbs a concave quadratic", () => {
    const o = new AdamOpt([0, 0, 0], 0.01);
    o.step([5, -0.001, 300]);
    expect(o.theta[0]).toBeCloseTo(0.01, 6);
    expect(o.theta[1]).toBeCloseTo(-0.01, 4);
    expect(o.theta[2]).toBeCloseTo(0.01, 6);
    const target = [3, -2, 0.5];
    const q = new AdamOpt([0, 0, 0], 0.05);
    for (let i = 0; i < 3000; i++) q.step(target.map((t, k) => 2 * (t - q.theta[k])));
    target.forEach((t, k) => expect(q.theta[k]).toBeCloseTo(t, 2));
    const s = JSON.parse(JSON.stringify(q.getState()));
    const r = new AdamOpt([9, 9, 9], 0.05);
    r.setState(s);
    q.step([1, 1, 1]);
    r.step([1, 1, 1]);
    expect(Array.from(r.theta)).toEqual(Array.from(q.theta));
  });
});

/** Unit-vector Jacobians so offsets read off as coefficients: ∇f = e0, ∇m0 = e1, ∇m1 = e2. */
function unitJacobians(rows: number, dim: number, scale = 1): Float64Array {
  const j = new Float64Array(rows * 3 * dim);
  for (let r = 0; r < rows; r++) for (let g = 0; g < 3; g++) j[r * 3 * dim + g * dim + g] = scale;
  return j;
}

function batchOf(sols: Float64Array, n: number, dim: number, objectives?: number[]): TellBatch {
  return {
    solutions: sols.subarray(0, n * dim),
    objectives: Float64Array.from(objectives ?? new Array(n).fill(0)),
    measures: new Float64Array(2 * n),
    status: new Uint8Array(n),
    value: new Float64Array(n),
    n,
  };
}

describe("GradientOperatorEmitter", () => {
  const dim = 5;
  const grid = () => new GridArchive({ solutionDim: dim, dims: [10, 10], ranges: [[-1, 1], [-1, 1]] });

  it("OG-MAP-Elites: σ_g·∇f from each perturbed parent (on the sphere, one step of 0.5 lands on the optimum)", () => {
    const a = grid();
    const e = new GradientOperatorEmitter(a, { x0: new Float64Array(dim), sigma: 0.5, sigmaG: 0.5, batchSize: 8, rng: new Rng(1) });
    const parents = new Float64Array(8 * dim);
    e.askDqd(parents);
    expect(parents.some((v) => v !== 0)).toBe(true);
    const jac = new Float64Array(8 * 3 * dim);
    sphereJacobian(parents, 8, dim, jac);
    e.tellDqd(batchOf(parents, 8, dim), jac);
    const out = new Float64Array(8 * dim);
    e.ask(out);
    for (const v of out) expect(v).toBeCloseTo(SHIFT, 12);
  });

  it("parents are elites once the archive has some; ask() needs the gradient phase first", () => {
    const a = grid();
    a.add([7, 7, 7, 7, 7], [1], [0.5, 0.5]);
    const e = new GradientOperatorEmitter(a, { x0: new Float64Array(dim), sigma: 0, sigmaG: 1, batchSize: 4, rng: new Rng(2) });
    expect(() => e.ask(new Float64Array(4 * dim))).toThrow(/askDqd/);
    const parents = new Float64Array(4 * dim);
    e.askDqd(parents);
    expect(Array.from(parents)).toEqual(new Array(4 * dim).fill(7));
  });

  it("OMG-MEGA: children step along normalized gradients with N(0, σ_g²) coefficients, the objective's non-negative", () => {
    const a = grid();
    const n = 4000;
    const e = new GradientOperatorEmitter(a, { x0: new Float64Array(dim), sigma: 0, sigmaG: 2, measureGradients: true, normalizeGrad: true, batchSize: n, rng: new Rng(3) });
    const parents = new Float64Array(n * dim);
    e.askDqd(parents);
    e.tellDqd(batchOf(parents, n, dim), unitJacobians(n, dim, 10)); // normalized back to unit length
    const out = new Float64Array(n * dim);
    e.ask(out);
    const c = [0, 1, 2].map((g) => Array.from({ length: n }, (_, i) => out[i * dim + g] / (1 + 1e-9)));
    expect(Math.min(...c[0])).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < n; i++) expect(out[i * dim + 3]).toBe(0);
    const sd = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length);
    for (const g of [0, 1, 2]) expect(sd(c[g])).toBeGreaterThan(1.85);
    for (const g of [0, 1, 2]) expect(sd(c[g])).toBeLessThan(2.15);
    expect(Math.abs(c[1].reduce((s, x) => s + x, 0) / n)).toBeLessThan(0.15);
  });
});

describe("GradientArborescenceEmitter", () => {
  const dim = 6;
  const grid = () => new GridArchive({ solutionDim: dim, dims: [10, 10], ranges: [[-100, 100], [-100, 100]] });

  it("branches θ along its gradients with CMA-ES coefficients, then steps θ to the weighted mean of the best half", () => {
    const a = grid();
    const x0 = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const e = new GradientArborescenceEmitter(a, { x0, sigma0: 1, lr: 1, gradOpt: "gradient_ascent", ranker: "obj", selectionRule: "mu", restartRule: "basic", batchSize: 10, rng: new Rng(4) });
    const theta = new Float64Array(dim);
    e.askDqd(theta);
    expect(Array.from(theta)).toEqual(Array.from(x0));
    e.tellDqd(batchOf(theta, 1, dim), unitJacobians(1, dim));
    const out = new Float64Array(10 * dim);
    e.ask(out);
    for (let i = 0; i < 10; i++) for (let k = 3; k < dim; k++) expect(out[i * dim + k]).toBe(x0[k]);
    // Rank by objective = first coordinate (the ∇f coefficient): the top 5 are the parents.
    const objectives = Array.from({ length: 10 }, (_, i) => out[i * dim]);
    e.tell(batchOf(out, 10, dim, objectives));
    const top = objectives.map((o, i) => [o, i]).sort((p, q) => q[0] - p[0]).slice(0, 5).map((p) => p[1]);
    const w = top.map((_, r) => Math.log(5.5) - Math.log(r + 1));
    const ws = w.reduce((s, x) => s + x, 0);
    for (let k = 0; k < dim; k++) {
      const mean = top.reduce((s, i, r) => s + (w[r] / ws) * out[i * dim + k], 0);
      expect(e.theta[k]).toBeCloseTo(mean, 12);
    }
  });

  it("restarts θ at an elite, and a saved state resumes the same samples", () => {
    const a = grid();
    a.add([9, 9, 9, 9, 9, 9], [1], [0, 0]);
    const e = new GradientArborescenceEmitter(a, { x0: new Float64Array(dim), sigma0: 1, lr: 1, gradOpt: "adam", restartRule: 1, batchSize: 6, rng: new Rng(5) });
    const theta = new Float64Array(dim);
    e.askDqd(theta);
    e.tellDqd(batchOf(theta, 1, dim), unitJacobians(1, dim));
    const out = new Float64Array(6 * dim);
    e.ask(out);
    e.tell(batchOf(out, 6, dim));
    expect(e.restarts).toBe(1);
    expect(Array.from(e.theta)).toEqual(new Array(dim).fill(9));

    const state = JSON.parse(JSON.stringify(e.getState()));
    const f = new GradientArborescenceEmitter(a, { x0: new Float64Array(dim), sigma0: 1, lr: 1, gradOpt: "adam", restartRule: 1, batchSize: 6, rng: new Rng(99) });
    f.setState(state);
    const run = (g: GradientArborescenceEmitter) => {
      const t = new Float64Array(dim);
      g.askDqd(t);
      g.tellDqd(batchOf(t, 1, dim), unitJacobians(1, dim));
      const o = new Float64Array(6 * dim);
      g.ask(o);
      return Array.from(o);
    };
    expect(run(f)).toEqual(run(e));
  });
});

describe("DQD scheduling and short reproductions", () => {
  it("the scheduler runs the gradient phase before ask(), and counts its evaluations", () => {
    const a = new GridArchive({ solutionDim: 4, dims: [10, 10], ranges: [[-10, 10], [-10, 10]] });
    const e = new GradientArborescenceEmitter(a, { x0: new Float64Array(4), sigma0: 1, lr: 1, batchSize: 7, rng: new Rng(6) });
    const s = new Scheduler(a, [e]);
    expect(s.batchSizeDqd).toBe(1);
    expect(() => s.tellDqd(new Float64Array(1), new Float64Array(2), new Float64Array(12))).toThrow(/askDqd/);
    const d = sphereDomain(4);
    const o = new Float64Array(7);
    const m = new Float64Array(14);
    const j = new Float64Array(12);
    d.evaluateWithGradients!(s.askDqd(), 1, o, m, j);
    s.tellDqd(o, m, j);
    expect(a.numElites).toBe(1); // the solution point is inserted like any other
    d.evaluateBatch(s.ask(), 7, o, m);
    s.tell(o, m);
    expect(s.evaluations).toBe(8);
    expect(s.iterations).toBe(1);
  });

  const short = (name: string, iterations: number) => {
    const ref = SPHERE_REFERENCE.find((r) => r.name === name)!;
    return runAlgorithm(createAlgorithm(ref.config(1)), iterations);
  };

  it("og_map_elites finds the sphere's optimum through its objective gradient", () => {
    const m = short("og_map_elites", 5);
    expect(m.evaluations).toBe(5 * 540);
    expect(m.maxFitness).toBeCloseTo(100, 9);
  });

  // A few CPU-seconds in all; the timeouts allow for a loaded machine.
  it("cma_mega and cma_mega_adam cover 90% of the grid in 100 iterations, omg_mega 85% in 200 (MAP-Elites: under 20%)", () => {
    for (const [name, iterations, coverage] of [["cma_mega", 100, 0.9], ["cma_mega_adam", 100, 0.9], ["omg_mega", 200, 0.85]] as const) {
      const m = short(name, iterations);
      expect(m.evaluations).toBe(iterations * 540);
      expect(m.coverage).toBeGreaterThan(coverage);
    }
    expect(short("map_elites", 100).coverage).toBeLessThan(0.2);
  }, 60_000);

  it("cma_maega fills the elitist result archive through its thresholded archive", () => {
    const ref = SPHERE_REFERENCE.find((r) => r.name === "cma_maega")!;
    const alg = createAlgorithm(ref.config(1));
    expect(alg.resultArchive === alg.archive).toBe(false); // not .not.toBe: vitest deep-compares on a mismatch
    expect(alg.archive.learningRate).toBe(0.01);
    const m = runAlgorithm(alg, 150);
    expect(m.coverage).toBeGreaterThan(0.6);
  }, 60_000);

  it("DQD emitters refuse a domain without gradients", () => {
    expect(() => createAlgorithm({ domain: { type: "arm", joints: 4 }, archive: { type: "grid" }, emitter: { type: "gradient-arborescence", sigma0: 1, lr: 1, batchSize: 10 }, seed: 1 })).toThrow(/gradients/);
  });
});
