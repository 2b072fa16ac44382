/**
 * Symmetric eigendecomposition: Householder tridiagonalization + implicit QL
 * (tred2/tql2, as in EISPACK/JAMA) on flat Float64Arrays, no allocation per
 * call. Eigenvectors are returned as ROWS of `vectors` so CMA-ES sampling and
 * whitening walk memory contiguously. ml-matrix's EVD does the same algorithm
 * on arrays of arrays; this version is several times faster at n = 100.
 */

export class SymEigen {
  readonly n: number;
  readonly values: Float64Array;
  /** Row i is the unit eigenvector of values[i]. */
  readonly vectors: Float64Array;
  private readonly e: Float64Array;

  constructor(n: number) {
    this.n = n;
    this.values = new Float64Array(n);
    this.vectors = new Float64Array(n * n);
    this.e = new Float64Array(n);
  }

  /** Decomposes symmetric A (row-major n×n; only symmetry is assumed, A is not modified). */
  compute(A: Float64Array): void {
    const n = this.n;
    // W = V^T of JAMA; A symmetric so the starting W is A itself.
    const W = this.vectors;
    W.set(A);
    tred2(n, W, this.values, this.e);
    tql2(n, W, this.values, this.e);
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
        g = e[j] + W[rowJ + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const v = W[rowJ + k];
          g += v * d[k];
          e[k] += v * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
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
  for (let i = 0; i < n - 1; i++) {
    W[i * n + (n - 1)] = W[i * n + i];
    W[i * n + i] = 1;
    const h = d[i + 1];
    const rowI1 = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = W[rowI1 + k] / h;
      for (let j = 0; j <= i; j++) {
        const rowJ = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += W[rowI1 + k] * W[rowJ + k];
        for (let k = 0; k <= i; k++) W[rowJ + k] -= g * d[k];
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

function tql2(n: number, W: Float64Array, d: Float64Array, e: Float64Array): void {
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
          const a = i * n;
          const b = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const hv = W[b + k];
            const wv = W[a + k];
            W[b + k] = s * wv + c * hv;
            W[a + k] = c * wv - s * hv;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}
