/**
 * Symmetric eigendecomposition: Householder tridiagonalization + implicit QL
 * (tred2/tql2, as in EISPACK/JAMA) on flat Float64Arrays, no allocation per
 * call. Eigenvectors are returned as ROWS of `vectors` so CMA-ES sampling and
 * whitening walk memory contiguously. ml-matrix's EVD does the same algorithm
 * on arrays of arrays; this version is several times faster at n = 100.
 *
 * By default the same algorithm runs as a WebAssembly SIMD kernel
 * (./wasm/kernels.c; 2–3× faster than the JS below at n = 100, about 1.3 ms
 * against numpy.linalg.eigh's 1.0–1.5 ms on the 2-core dev machine); the JS
 * routines below are the fallback where WebAssembly is unavailable.
 * Eigenvalues come out in QL order (not sorted), as before.
 */
import { getKernels, type WasmKernels } from "./wasm";


export class SymEigen {
  readonly n: number;
  readonly values: Float64Array;
  /** Row i is the unit eigenvector of values[i]. */
  readonly vectors: Float64Array;
  private readonly e: Float64Array;
  /** Scratch: eigenvector matrix in column layout (V[k*n + j] = component k of vector j). */
  private readonly V: Float64Array;
  private readonly rc: Float64Array;
  private readonly rs: Float64Array;

  private readonly kernels: WasmKernels | null;

  /** `wasm: false` forces the plain-JS routines (tests compare both). */
  constructor(n: number, opts: { wasm?: boolean } = {}) {
    this.n = n;
    this.kernels = opts.wasm === false || n < 2 ? null : getKernels();
    this.values = new Float64Array(n);
    this.vectors = new Float64Array(n * n);
    this.e = new Float64Array(n);
    this.V = new Float64Array(n * n);
    this.rc = new Float64Array(n);
    this.rs = new Float64Array(n);
  }

  /** Decomposes symmetric A (row-major n×n; only symmetry is assumed, A is not modified). */
  compute(A: Float64Array): void {
    const n = this.n;
    const k = this.kernels;
    if (k) {
      const base = k.scratch(n * n + 4 * n);
      const pd = base + n * n * 8;
      k.view(base, n * n).set(A.subarray(0, n * n));
      if (k.fn.eigh(n, base, pd, pd + n * 8) !== 0) throw new Error("tql2: no convergence");
      this.vectors.set(k.view(base, n * n));
      this.values.set(k.view(pd, n));
      return;
    }
    // W = V^T of JAMA; A symmetric so the starting W is A itself.
    const W = this.vectors;
    W.set(A);
    tred2(n, W, this.values, this.e);
    const V = this.V;
    transpose(n, W, V);
    tql2(n, V, this.values, this.e, this.rc, this.rs);
    transpose(n, V, W);
  }
}

// Both routines index the matrix as W[col*n + row] of JAMA's V[row][col]
// (i.e. W = V^T stored row-major), so the hot QL rotation touches two
// contiguous rows.

function tred2(n: number, W: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = W[j * n + (n - 1)];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = W[j * n + (i - 1)];
        W[j * n + i] = 0;
        W[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        W[i * n + j] = f;
        const rowJ = j * n;
        // Symmetric matvec on the upper triangle; two accumulators break the add chain.
        let g0 = e[j] + W[rowJ + j] * f;
        let g1 = 0;
        let k = j + 1;
        for (; k + 1 < i; k += 2) {
          const v0 = W[rowJ + k];
          const v1 = W[rowJ + k + 1];
          g0 += v0 * d[k];
          g1 += v1 * d[k + 1];
          e[k] += v0 * f;
          e[k + 1] += v1 * f;
        }
        if (k < i) {
          const v = W[rowJ + k];
          g0 += v * d[k];
          e[k] += v * f;
        }
        e[j] = g0 + g1;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      // Rank-2 update of the upper triangle, two rows per pass over d and e
      // (both rows read the old d; d[j], d[j+1] are replaced afterwards).
      let j = 0;
      for (; j + 2 <= i; j += 2) {
        const fa = d[j];
        const ga = e[j];
        const fb = d[j + 1];
        const gb = e[j + 1];
        const ra = j * n;
        const rb = ra + n;
        W[ra + j] -= fa * e[j] + ga * d[j];
        for (let k = j + 1; k <= i - 1; k++) {
          const ek = e[k];
          const dk = d[k];
          W[ra + k] -= fa * ek + ga * dk;
          W[rb + k] -= fb * ek + gb * dk;
        }
        d[j] = W[ra + (i - 1)];
        W[ra + i] = 0;
        d[j + 1] = W[rb + (i - 1)];
        W[rb + i] = 0;
      }
      for (; j < i; j++) {
        f = d[j];
        g = e[j];
        const rowJ = j * n;
        for (let k = j; k <= i - 1; k++) W[rowJ + k] -= f * e[k] + g * d[k];
        d[j] = W[rowJ + (i - 1)];
        W[rowJ + i] = 0;
      }
    }
    d[i] = h;
  }
  tred2Accumulate(n, W, d, e);
}

/** Accumulates the Householder transformations (second half of JAMA's tred2). */
function tred2Accumulate(n: number, W: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let i = 0; i < n - 1; i++) {
    W[i * n + (n - 1)] = W[i * n + i];
    W[i * n + i] = 1;
    const h = d[i + 1];
    const rowI1 = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = W[rowI1 + k] / h;
      // Rows j ← rows j − (row_{i+1}·row_j) d, four rows per pass over row i+1 and d.
      let j = 0;
      for (; j + 4 <= i + 1; j += 4) {
        const r0 = j * n;
        const r1 = r0 + n;
        const r2 = r1 + n;
        const r3 = r2 + n;
        let g0 = 0;
        let g1 = 0;
        let g2 = 0;
        let g3 = 0;
        for (let k = 0; k <= i; k++) {
          const w = W[rowI1 + k];
          g0 += w * W[r0 + k];
          g1 += w * W[r1 + k];
          g2 += w * W[r2 + k];
          g3 += w * W[r3 + k];
        }
        for (let k = 0; k <= i; k++) {
          const dk = d[k];
          W[r0 + k] -= g0 * dk;
          W[r1 + k] -= g1 * dk;
          W[r2 + k] -= g2 * dk;
          W[r3 + k] -= g3 * dk;
        }
      }
      for (; j <= i; j++) {
        const rowJ = j * n;
        let g0 = 0;
        let g1 = 0;
        let k = 0;
        for (; k + 1 <= i; k += 2) {
          g0 += W[rowI1 + k] * W[rowJ + k];
          g1 += W[rowI1 + k + 1] * W[rowJ + k + 1];
        }
        if (k <= i) g0 += W[rowI1 + k] * W[rowJ + k];
        const g = g0 + g1;
        for (k = 0; k <= i; k++) W[rowJ + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) W[rowI1 + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = W[j * n + (n - 1)];
    W[j * n + (n - 1)] = 0;
  }
  W[(n - 1) * n + (n - 1)] = 1;
  e[0] = 0;
}

function transpose(n: number, src: Float64Array, dst: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) dst[j * n + i] = src[row + j];
  }
}

/**
 * Implicit QL on the tridiagonal (d, e), accumulating into V in column layout
 * (V[k*n + j], JAMA's V[k][j]). Each QL sweep's rotations are recorded first
 * and then applied to each row of V in one pass, carrying the rotated value
 * in a register (one load and one store per rotation and row instead of two
 * of each), four rows at a time so the carried values form independent chains.
 */
function tql2(n: number, V: Float64Array, d: Float64Array, e: Float64Array, rc: Float64Array, rs: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2.220446049250313e-16;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 100) throw new Error("tql2: no convergence");
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.sqrt(p * p + 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.sqrt(p * p + e[i] * e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          rc[i] = c;
          rs[i] = s;
        }
        applySweep(n, V, l, m, rc, rs);
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/** For rotations i = m−1 … l: (V[k][i], V[k][i+1]) ← (c·v − s·h, s·v + c·h), every row k. */
function applySweep(n: number, V: Float64Array, l: number, m: number, rc: Float64Array, rs: Float64Array): void {
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const r0 = k * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    let x0 = V[r0 + m];
    let x1 = V[r1 + m];
    let x2 = V[r2 + m];
    let x3 = V[r3 + m];
    for (let i = m - 1; i >= l; i--) {
      const c = rc[i];
      const s = rs[i];
      const v0 = V[r0 + i];
      const v1 = V[r1 + i];
      const v2 = V[r2 + i];
      const v3 = V[r3 + i];
      V[r0 + i + 1] = s * v0 + c * x0;
      V[r1 + i + 1] = s * v1 + c * x1;
      V[r2 + i + 1] = s * v2 + c * x2;
      V[r3 + i + 1] = s * v3 + c * x3;
      x0 = c * v0 - s * x0;
      x1 = c * v1 - s * x1;
      x2 = c * v2 - s * x2;
      x3 = c * v3 - s * x3;
    }
    V[r0 + l] = x0;
    V[r1 + l] = x1;
    V[r2 + l] = x2;
    V[r3 + l] = x3;
  }
  for (; k < n; k++) {
    const r0 = k * n;
    let x0 = V[r0 + m];
    for (let i = m - 1; i >= l; i--) {
      const c = rc[i];
      const s = rs[i];
      const v0 = V[r0 + i];
      V[r0 + i + 1] = s * v0 + c * x0;
      x0 = c * v0 - s * x0;
    }
    V[r0 + l] = x0;
  }
}
