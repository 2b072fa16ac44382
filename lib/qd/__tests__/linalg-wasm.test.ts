import { describe, expect, it } from "vitest";
import { CMAEvolutionStrategy } from "../emitters/cmaes";
import { SymEigen } from "../linalg/eigen";
import { getKernels } from "../linalg/wasm";
import { Rng } from "../rng";

/** Random orthogonal Q (Gram–Schmidt on a Gaussian matrix), rows orthonormal. */
function randomOrthogonal(n: number, rng: Rng): Float64Array {
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let attempt = 0; ; attempt++) {
      for (let k = 0; k < n; k++) Q[i * n + k] = rng.normal();
      for (let pass = 0; pass < 2; pass++) {
        for (let j = 0; j < i; j++) {
          let d = 0;
          for (let k = 0; k < n; k++) d += Q[i * n + k] * Q[j * n + k];
          for (let k = 0; k < n; k++) Q[i * n + k] -= d * Q[j * n + k];
        }
      }
      let nrm = 0;
      for (let k = 0; k < n; k++) nrm += Q[i * n + k] ** 2;
      nrm = Math.sqrt(nrm);
      if (nrm > 1e-8 || attempt > 5) {
        for (let k = 0; k < n; k++) Q[i * n + k] /= nrm;
        break;
      }
    }
  }
  return Q;
}

/** A = Qᵀ diag(λ) Q, exactly symmetric. */
function withSpectrum(lambda: number[], rng: Rng): Float64Array {
  const n = lambda.length;
  const Q = randomOrthogonal(n, rng);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q[k * n + i] * lambda[k] * Q[k * n + j];
      A[i * n + j] = A[j * n + i] = s;
    }
  return A;
}

function randomSym(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  return a;
}

/** max |A v_j − λ_j v_j| / ‖A‖ and max |V Vᵀ − I| over the decomposition in e. */
function residuals(A: Float64Array, e: SymEigen) {
  const n = e.n;
  let norm = 0;
  for (const x of A) norm = Math.max(norm, Math.abs(x));
  norm = Math.max(norm, 1e-300) * n;
  let res = 0;
  let orth = 0;
  const V = e.vectors;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let k = 0; k < n; k++) av += A[i * n + k] * V[j * n + k];
      res = Math.max(res, Math.abs(av - e.values[j] * V[j * n + i]) / norm);
    }
    for (let l = j; l < n; l++) {
      let d = 0;
      for (let k = 0; k < n; k++) d += V[j * n + k] * V[l * n + k];
      orth = Math.max(orth, Math.abs(d - (j === l ? 1 : 0)));
    }
  }
  return { res, orth };
}

const sorted = (v: ArrayLike<number>) => Array.from(v).sort((a, b) => a - b);

describe("WebAssembly SIMD kernels", () => {
  // QD_NO_WASM=1 forces the plain-JS fallback (the rest of this file then tests JS against JS).
  it.skipIf(process.env.QD_NO_WASM === "1")("load in this runtime", () => {
    expect(getKernels()).not.toBeNull();
  });

  it("eigendecomposition: A·V = V·Λ and orthonormal V on random symmetric matrices", () => {
    const rng = new Rng(11);
    for (const n of [2, 3, 5, 8, 17, 33, 64, 100]) {
      for (let rep = 0; rep < 2; rep++) {
        const A = randomSym(n, rng);
        const w = new SymEigen(n);
        w.compute(A);
        const { res, orth } = residuals(A, w);
        expect(res).toBeLessThan(1e-13);
        expect(orth).toBeLessThan(1e-12);
        // Same eigenvalues as the plain-JS routine, which passes the same checks.
        const j = new SymEigen(n, { wasm: false });
        j.compute(A);
        const rj = residuals(A, j);
        expect(rj.res).toBeLessThan(1e-13);
        expect(rj.orth).toBeLessThan(1e-12);
        const a = sorted(w.values);
        const b = sorted(j.values);
        a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThan(1e-12 * n));
      }
    }
  });

  it("eigendecomposition with degenerate and clustered eigenvalues", () => {
    const rng = new Rng(12);
    const n = 100;
    const spectra: number[][] = [
      Array.from({ length: n }, () => 1), // identity-like (via a random basis)
      Array.from({ length: n }, (_, i) => (i < 70 ? 0.25 : 1 + i)), // 70-fold eigenvalue + distinct ones (CMA after decay + low rank)
      Array.from({ length: n }, (_, i) => [1, 2, 3][i % 3]), // three eigenvalues, each ~33-fold
      Array.from({ length: n }, (_, i) => 1 + i * 1e-10), // tightly clustered
      Array.from({ length: n }, (_, i) => 10 ** (-12 + (i * 12) / (n - 1))), // condition number 1e12
    ];
    for (const lambda of spectra) {
      const A = withSpectrum(lambda, rng);
      const e = new SymEigen(n);
      e.compute(A);
      const { res, orth } = residuals(A, e);
      expect(res).toBeLessThan(1e-13);
      expect(orth).toBeLessThan(1e-11);
      const got = sorted(e.values);
      const want = sorted(lambda);
      got.forEach((x, i) => expect(Math.abs(x - want[i])).toBeLessThan(1e-12 * Math.max(1, Math.abs(want[n - 1]))));
    }
    // Exact identity and diagonal input: eigenvectors are the unit vectors.
    const D = new Float64Array(n * n);
    for (let i = 0; i < n; i++) D[i * n + i] = i % 4;
    const e = new SymEigen(n);
    e.compute(D);
    expect(residuals(D, e).res).toBe(0);
    expect(sorted(e.values)).toEqual(sorted(Array.from({ length: n }, (_, i) => i % 4)));
  });

  it("CMA-ES: SIMD sampling, whitening and covariance update match the plain-JS path", () => {
    const n = 30;
    const lam = 16;
    const a = new CMAEvolutionStrategy({ sigma0: 0.7, dim: n, batchSize: lam, rng: new Rng(21) });
    const b = new CMAEvolutionStrategy({ sigma0: 0.7, dim: n, batchSize: lam, rng: new Rng(21), wasm: false });
    const x0 = Array.from({ length: n }, (_, i) => Math.sin(i));
    a.reset(x0);
    b.reset(x0);
    const oa = new Float64Array(lam * n);
    const ob = new Float64Array(lam * n);
    const f = new Float64Array(lam);
    const order = new Int32Array(lam);
    const rankInto = (out: Float64Array) => {
      for (let i = 0; i < lam; i++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (out[i * n + k] - 1) ** 2;
        f[i] = -s;
        order[i] = i;
      }
      order.sort((p, q) => f[q] - f[p]);
    };
    for (let it = 0; it < 40; it++) {
      // Both start each step from a's state (so from the same eigensystem,
      // which the two eigensolvers may return with different signs) and draw
      // the same normals; the step itself must agree to rounding.
      const st = a.getState();
      st.updatedEval = st.currentEval; // no decomposition inside this ask
      a.setState(st);
      b.setState(st);
      a.ask(oa);
      b.ask(ob);
      let ds = 0;
      for (let i = 0; i < oa.length; i++) ds = Math.max(ds, Math.abs(oa[i] - ob[i]) / (1 + Math.abs(ob[i])));
      expect(ds).toBeLessThan(1e-12);
      rankInto(ob);
      a.tell(order, lam >> 1);
      b.tell(order, lam >> 1);
      expect(Math.abs(a.sigma - b.sigma)).toBeLessThan(1e-12 * b.sigma);
      const sa = a.getState();
      const sb = b.getState();
      expect(Math.max(...sa.cov.map((v, i) => Math.abs(v - sb.cov[i])))).toBeLessThan(1e-12);
      expect(Math.max(...sa.ps.map((v, i) => Math.abs(v - sb.ps[i])))).toBeLessThan(1e-10);
      // Exactly symmetric covariance on the SIMD path too.
      let asym = 0;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) asym = Math.max(asym, Math.abs(sa.cov[i * n + j] - sa.cov[j * n + i]));
      expect(asym).toBe(0);
      // Then a real step on a (with its lazy decompositions) so the eigensystem evolves.
      // (b draws the same normals so the two streams stay in step.)
      a.ask(oa);
      b.ask(ob);
      rankInto(oa);
      a.tell(order, lam >> 1);
    }
  });
});
