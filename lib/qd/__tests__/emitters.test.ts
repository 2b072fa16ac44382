import { describe, expect, it } from "vitest";
import { createAlgorithm, runAlgorithm, type AlgorithmConfig } from "../algorithm";
import { GridArchive } from "../archive/grid";
import { EvolutionStrategyEmitter } from "../emitters/evolution-strategy";
import { GaussianEmitter, IsoLineEmitter } from "../emitters/mutation";
import { gaussianVary, isoLineVary } from "../emitters/operators";
import { makeBounds } from "../emitters/types";
import { Rng } from "../rng";
import { Scheduler } from "../scheduler";

const archive = (dim = 3) => new GridArchive({ solutionDim: dim, dims: [10, 10], ranges: [[0, 1], [0, 1]] });

describe("mutation emitters", () => {
  it("Gaussian: samples around x0 while the archive is empty, around elites after", () => {
    const a = archive();
    const e = new GaussianEmitter(a, { x0: [5, 5, 5], sigma: 0.01, batchSize: 50, rng: new Rng(1) });
    const out = new Float64Array(150);
    e.ask(out);
    for (const v of out) expect(Math.abs(v - 5)).toBeLessThan(0.1);
    a.add([-3, -3, -3], [1], [0.5, 0.5]);
    e.ask(out);
    for (const v of out) expect(Math.abs(v + 3)).toBeLessThan(0.1);
  });

  it("clips to bounds", () => {
    const a = archive();
    const bounds = makeBounds([0, 0, 0], [1, 1, 1]);
    const e = new GaussianEmitter(a, { x0: [0.5, 0.5, 0.5], sigma: 10, batchSize: 100, rng: new Rng(2), bounds });
    const out = new Float64Array(300);
    e.ask(out);
    for (const v of out) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(out.some((v) => v === 0) && out.some((v) => v === 1)).toBe(true);
  });

  it("Iso+LineDD with σ_iso = 0 stays on the line through two elites", () => {
    const a = archive(2);
    a.add([0, 0, 1, 2], [1, 1], [0.05, 0.05, 0.95, 0.95]);
    const e = new IsoLineEmitter(a, { x0: [0, 0], isoSigma: 0, lineSigma: 0.5, batchSize: 200, rng: new Rng(3) });
    const out = new Float64Array(400);
    e.ask(out);
    for (let i = 0; i < 200; i++) {
      const [x, y] = [out[2 * i], out[2 * i + 1]];
      // Points lie on a line through an elite with direction ±(1, 2): y - 2x is 0 or 2 - 2·1 = 0.
      expect(y - 2 * x).toBeCloseTo(0, 12);
    }
  });

  it("vary functions take explicit parents", () => {
    const rng = new Rng(4);
    const p = Float64Array.from([1, 1, 1, 9, 9, 9]);
    const g = gaussianVary(p, 3, 4, 0, rng);
    expect(Array.from(g)).toEqual([1, 1, 1, 9, 9, 9, 1, 1, 1, 9, 9, 9]);
    const l = isoLineVary(p, Float64Array.from([2, 2, 2, 9, 9, 9]), 3, 2, 0, 0, rng);
    expect(Array.from(l)).toEqual([1, 1, 1, 9, 9, 9]);
    const b = gaussianVary(p, 3, 50, 100, rng, makeBounds([0, 0, 0], [10, 10, 10]));
    for (const v of b) expect(v >= 0 && v <= 10).toBe(true);
    expect(() => gaussianVary(new Float64Array(2), 3, 1, 1, rng)).toThrow();
  });
});

describe("EvolutionStrategyEmitter", () => {
  it("asks batchSize solutions of the right shape and restarts with no improvement", () => {
    const a = archive(4);
    const e = new EvolutionStrategyEmitter(a, { x0: [0, 0, 0, 0], sigma0: 0.1, batchSize: 6, rng: new Rng(5) });
    const out = new Float64Array(24);
    e.ask(out);
    expect(out.every((v) => Number.isFinite(v) && Math.abs(v) < 1)).toBe(true);
    // Nothing added -> "no_improvement" restart.
    const batch = { solutions: out, objectives: new Float64Array(6), measures: new Float64Array(12), status: new Uint8Array(6), value: new Float64Array(6), n: 6 };
    e.tell(batch);
    expect(e.restarts).toBe(1);
  });

  it("resumes exactly from a saved state", () => {
    const cfg: AlgorithmConfig = { domain: { type: "sphere", dim: 10 }, archive: { type: "grid" }, emitter: { type: "cma-mae", sigma0: 0.5, batchSize: 8, count: 2 }, seed: 3 };
    const a = createAlgorithm(cfg);
    runAlgorithm(a, 30);
    const states = a.scheduler.emitters.map((e) => JSON.parse(JSON.stringify(e.getState())));
    const b = createAlgorithm(cfg);
    runAlgorithm(b, 30);
    b.scheduler.emitters.forEach((e, i) => e.setState(states[i]));
    expect(Array.from(b.scheduler.ask())).toEqual(Array.from(a.scheduler.ask()));
  });

  it("keeps the random-direction ranker's direction in its state", () => {
    const a = new EvolutionStrategyEmitter(archive(2), { x0: [0, 0], sigma0: 0.1, ranker: "rd", batchSize: 4, rng: new Rng(1) });
    const b = new EvolutionStrategyEmitter(archive(2), { x0: [0, 0], sigma0: 0.1, ranker: "rd", batchSize: 4, rng: new Rng(2) });
    expect(b.ranker.getState()).not.toEqual(a.ranker.getState());
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    expect(b.ranker.getState()).toEqual(a.ranker.getState());
    expect(a.ranker.getState()).toHaveLength(2);
  });
});

describe("Scheduler and algorithms", () => {
  it("concatenates emitter batches and reports statuses per row", () => {
    const a = archive(2);
    const e1 = new GaussianEmitter(a, { x0: [0, 0], sigma: 0.1, batchSize: 3, rng: new Rng(1) });
    const e2 = new IsoLineEmitter(a, { x0: [0, 0], batchSize: 2, rng: new Rng(2) });
    const s = new Scheduler(a, [e1, e2]);
    expect(s.batchSize).toBe(5);
    const sols = s.ask();
    expect(sols.length).toBe(10);
    const r = s.tell(Float64Array.from([1, 2, 3, 4, 5]), Float64Array.from([0.05, 0.05, 0.5, 0.5, 0.95, 0.95, 0.05, 0.05, 0.06, 0.06]));
    expect(Array.from(r.status)).toEqual([2, 2, 2, 2, 2]);
    expect(a.numElites).toBe(3);
    expect(s.evaluations).toBe(5);
    expect(() => s.tell(new Float64Array(5), new Float64Array(10))).toThrow(/without ask/);
    expect(() => new Scheduler(a, [e1, e1])).toThrow();
  });

  it("is deterministic under a seed and differs across seeds", () => {
    const run = (seed: number, type: "iso-line" | "cma-me") => {
      const emitter = type === "iso-line" ? { type, isoSigma: 0.5, lineSigma: 0.2, batchSize: 64 } as const : { type, sigma0: 0.5, batchSize: 16, count: 3 } as const;
      const alg = createAlgorithm({ domain: { type: "sphere", dim: 20 }, archive: { type: "grid" }, emitter, seed });
      const m = runAlgorithm(alg, 40);
      return [m.qdScore, m.coverage, m.maxFitness];
    };
    for (const t of ["iso-line", "cma-me"] as const) {
      expect(run(7, t)).toEqual(run(7, t));
      expect(run(7, t)).not.toEqual(run(8, t));
    }
  });

  it("CMA-MAE keeps a thresholded archive and a separate elitist result archive", () => {
    const alg = createAlgorithm({ domain: { type: "sphere", dim: 20 }, archive: { type: "grid" }, emitter: { type: "cma-mae", sigma0: 0.5, batchSize: 12, count: 3 }, seed: 1 });
    runAlgorithm(alg, 50);
    expect(alg.resultArchive).not.toBe(alg.archive);
    expect(alg.archive.learningRate).toBe(0.01);
    expect(alg.archive.thresholdMin).toBe(0);
    const res = alg.resultArchive;
    // Every cell the thresholded archive holds, the result archive holds at least as well.
    for (const c of alg.archive.occupiedCells()) {
      expect(res.occupied[c]).toBe(1);
      expect(res.objective[c]).toBeGreaterThanOrEqual(alg.archive.objective[c]);
      expect(alg.archive.threshold[c]).toBeLessThanOrEqual(res.objective[c]);
    }
  });

  it("emitted arm solutions stay inside [0,1]", () => {
    for (const emitter of [
      { type: "gaussian", sigma: 0.3, batchSize: 50 },
      { type: "iso-line", isoSigma: 0.3, lineSigma: 0.5, batchSize: 50 },
      { type: "cma-me", sigma0: 0.3, batchSize: 10, count: 2 },
    ] as const) {
      const alg = createAlgorithm({ domain: { type: "arm", joints: 6 }, archive: { type: "grid" }, emitter, seed: 2 });
      for (let it = 0; it < 20; it++) {
        const sols = alg.scheduler.ask();
        for (const v of sols) expect(v >= 0 && v <= 1).toBe(true);
        const n = alg.scheduler.batchSize;
        const o = new Float64Array(n);
        const m = new Float64Array(2 * n);
        alg.domain.evaluateBatch(sols, n, o, m);
        alg.scheduler.tell(o, m);
      }
      expect(alg.resultArchive.numElites).toBeGreaterThan(10);
    }
  });

  it("CVT runs share the scheduler and metrics", () => {
    const alg = createAlgorithm({ domain: { type: "sphere", dim: 10 }, archive: { type: "cvt", cells: 200, samples: 5000 }, emitter: { type: "gaussian", sigma: 0.5, batchSize: 50 }, seed: 1 });
    const m = runAlgorithm(alg, 20);
    expect(m.evaluations).toBe(1000);
    expect(m.coverage).toBeGreaterThan(0);
    expect(m.coverage).toBe(alg.resultArchive.numElites / 200);
  });
});
