import { Matrix, EigenvalueDecomposition } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { CMAEvolutionStrategy } from "../emitters/cmaes";
import { SymEigen } from "../linalg/eigen";
import { Rng } from "../rng";

function randomSym(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  return a;
}

describe("SymEigen", () => {
  it("decomposes random symmetric matrices: A v = λ v, orthonormal vectors", () => {
    const rng = new Rng(1);
    for (const n of [1, 2, 7, 40]) {
      const A = randomSym(n, rng);
      const e = new SymEigen(n);
      e.compute(A);
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          let av = 0;
          for (let k = 0; k < n; k++) av += A[i * n + k] * e.vectors[j * n + k];
          expect(av).toBeCloseTo(e.values[j] * e.vectors[j * n + i], 9);
        }
        for (let l = 0; l < n; l++) {
          let dot = 0;
          for (let k = 0; k < n; k++) dot += e.vectors[j * n + k] * e.vectors[l * n + k];
          expect(dot).toBeCloseTo(j === l ? 1 : 0, 10);
        }
      }
    }
  });
  it("agrees with ml-matrix eigenvalues and handles repeated eigenvalues (identity)", () => {
    const rng = new Rng(2);
    const n = 12;
    const A = randomSym(n, rng);
    const e = new SymEigen(n);
    e.compute(A);
    const ref = new EigenvalueDecomposition(new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, i * n + n)))), { assumeSymmetric: true });
    const ours = Array.from(e.values).sort((x, y) => x - y);
    const theirs = ref.realEigenvalues.slice().sort((x, y) => x - y);
    ours.forEach((v, i) => expect(v).toBeCloseTo(theirs[i], 10));
    const I = new Float64Array(n * n);
    for (let i = 0; i < n; i++) I[i * n + i] = 1;
    e.compute(I);
    for (const v of e.values) expect(v).toBeCloseTo(1, 14);
  });
});

describe("CMAEvolutionStrategy", () => {
  it("uses pyribs' default batch size and lazy gap", () => {
    const es = new CMAEvolutionStrategy({ sigma0: 0.5, dim: 100, rng: new Rng(1) });
    expect(es.batchSize).toBe(4 + Math.floor(3 * Math.log(100)));
    const es36 = new CMAEvolutionStrategy({ sigma0: 0.5, dim: 100, batchSize: 36, rng: new Rng(1) });
    expect(es36.lazyGapEvals).toBeGreaterThan(90);
    expect(es36.lazyGapEvals).toBeLessThan(120);
  });

  it("samples around the mean with the requested shape and bounds", () => {
    const es = new CMAEvolutionStrategy({ sigma0: 0.3, dim: 5, batchSize: 400, rng: new Rng(3) });
    es.reset([1, 2, 3, 4, 5]);
    const out = new Float64Array(400 * 5);
    es.ask(out);
    for (let k = 0; k < 5; k++) {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < 400; i++) {
        s += out[i * 5 + k];
        s2 += out[i * 5 + k] ** 2;
      }
      expect(Math.abs(s / 400 - (k + 1))).toBeLessThan(0.06);
      expect(Math.sqrt(s2 / 400 - (s / 400) ** 2)).toBeCloseTo(0.3, 1);
    }
    const lo = Float64Array.from([0.9, 1.9, 2.9, 3.9, 4.9]);
    const hi = Float64Array.from([1.1, 2.1, 3.1, 4.1, 5.1]);
    es.ask(out, lo, hi);
    for (let i = 0; i < out.length; i++) {
      expect(out[i]).toBeGreaterThanOrEqual(lo[i % 5]);
      expect(out[i]).toBeLessThanOrEqual(hi[i % 5]);
    }
  });

  it("converges on a shifted sphere with mu selection", () => {
    const dim = 10;
    const es = new CMAEvolutionStrategy({ sigma0: 1, dim, rng: new Rng(4) });
    es.reset(new Float64Array(dim));
    const lam = es.batchSize;
    const out = new Float64Array(lam * dim);
    const f = new Float64Array(lam);
    const order = new Int32Array(lam);
    for (let it = 0; it < 400; it++) {
      es.ask(out);
      for (let i = 0; i < lam; i++) {
        let s = 0;
        for (let k = 0; k < dim; k++) s += (out[i * dim + k] - 3) ** 2;
        f[i] = -s;
        order[i] = i;
      }
      order.sort((a, b) => f[b] - f[a]);
      es.tell(order, lam >> 1);
    }
    for (let k = 0; k < dim; k++) expect(es.mean[k]).toBeCloseTo(3, 4);
    expect(es.sigma).toBeLessThan(1e-3);
  });

  it("state round-trips exactly", () => {
    const mk = () => new CMAEvolutionStrategy({ sigma0: 0.5, dim: 6, batchSize: 8, rng: new Rng(5) });
    const a = mk();
    const out = new Float64Array(48);
    const order = Int32Array.from({ length: 8 }, (_, i) => i);
    for (let it = 0; it < 30; it++) {
      a.ask(out);
      a.tell(order, 4);
    }
    const b = mk();
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    expect(b.sigma).toBe(a.sigma);
    expect(Array.from(b.mean)).toEqual(Array.from(a.mean));
    expect(b.checkStop(1, 8)).toBe(a.checkStop(1, 8));
  });

  it("stops on a flat ranking or a collapsed distribution", () => {
    const es = new CMAEvolutionStrategy({ sigma0: 0.5, dim: 3, rng: new Rng(6) });
    expect(es.checkStop(1, 10)).toBe(false);
    expect(es.checkStop(0, 10)).toBe(true);
    expect(es.checkStop(0, 1)).toBe(false);
    es.sigma = 1e-12;
    expect(es.checkStop(1, 10)).toBe(true);
  });
});
