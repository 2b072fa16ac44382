/*
 * QD Studio linear-algebra kernels for WebAssembly (SIMD128, f64x2).
 * Build: bash lib/qd/linalg/wasm/build.sh  (clang + wasm-ld, no libc).
 *
 * Matrices are row-major n×n in linear memory. The eigensolver works on
 * W = Vᵀ of JAMA's tred2/tql2 (Householder tridiagonalisation + implicit QL),
 * so row i of W is eigenvector i on return; every inner loop runs along a
 * contiguous row and is written with f64x2 intrinsics.
 */
#include <wasm_simd128.h>

typedef double f64;

static inline f64 fabs_(f64 x) { return __builtin_fabs(x); }
static inline f64 sqrt_(f64 x) { return __builtin_sqrt(x); }

/* Σ_k a[k]·b[k], k in [lo, hi). Two f64x2 accumulators. */
static inline f64 dot(const f64 *a, const f64 *b, int lo, int hi) {
  v128_t s0 = wasm_f64x2_splat(0.0), s1 = wasm_f64x2_splat(0.0);
  int k = lo;
  for (; k + 4 <= hi; k += 4) {
    s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(wasm_v128_load(a + k), wasm_v128_load(b + k)));
    s1 = wasm_f64x2_add(s1, wasm_f64x2_mul(wasm_v128_load(a + k + 2), wasm_v128_load(b + k + 2)));
  }
  for (; k + 2 <= hi; k += 2) s0 = wasm_f64x2_add(s0, wasm_f64x2_mul(wasm_v128_load(a + k), wasm_v128_load(b + k)));
  s0 = wasm_f64x2_add(s0, s1);
  f64 s = wasm_f64x2_extract_lane(s0, 0) + wasm_f64x2_extract_lane(s0, 1);
  for (; k < hi; k++) s += a[k] * b[k];
  return s;
}

/* y[k] += a·x[k], k in [lo, hi). */
static inline void axpy(f64 *y, f64 a, const f64 *x, int lo, int hi) {
  v128_t va = wasm_f64x2_splat(a);
  int k = lo;
  for (; k + 2 <= hi; k += 2) wasm_v128_store(y + k, wasm_f64x2_add(wasm_v128_load(y + k), wasm_f64x2_mul(va, wasm_v128_load(x + k))));
  for (; k < hi; k++) y[k] += a * x[k];
}

/* Householder tridiagonalisation with accumulation (JAMA tred2 on W = Vᵀ). */
static void tred2(int n, f64 *W, f64 *d, f64 *e) {
  for (int j = 0; j < n; j++) d[j] = W[j * n + (n - 1)];
  for (int i = n - 1; i > 0; i--) {
    f64 scale = 0.0, h = 0.0;
    for (int k = 0; k < i; k++) scale += fabs_(d[k]);
    if (scale == 0.0) {
      e[i] = d[i - 1];
      for (int j = 0; j < i; j++) {
        d[j] = W[j * n + (i - 1)];
        W[j * n + i] = 0.0;
        W[i * n + j] = 0.0;
      }
    } else {
      for (int k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      f64 f = d[i - 1];
      f64 g = sqrt_(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (int j = 0; j < i; j++) e[j] = 0.0;
      /* e = A·d on the leading i×i block (upper triangle stored in rows of W). */
      for (int j = 0; j < i; j++) {
        f = d[j];
        W[i * n + j] = f;
        f64 *row = W + j * n;
        /* One pass over the row: g += row·d and e += f·row. */
        v128_t vf = wasm_f64x2_splat(f), a0 = wasm_f64x2_splat(0.0), a1 = wasm_f64x2_splat(0.0);
        int k = j + 1;
        for (; k + 4 <= i; k += 4) {
          v128_t v0 = wasm_v128_load(row + k), v1 = wasm_v128_load(row + k + 2);
          a0 = wasm_f64x2_add(a0, wasm_f64x2_mul(v0, wasm_v128_load(d + k)));
          a1 = wasm_f64x2_add(a1, wasm_f64x2_mul(v1, wasm_v128_load(d + k + 2)));
          wasm_v128_store(e + k, wasm_f64x2_add(wasm_v128_load(e + k), wasm_f64x2_mul(v0, vf)));
          wasm_v128_store(e + k + 2, wasm_f64x2_add(wasm_v128_load(e + k + 2), wasm_f64x2_mul(v1, vf)));
        }
        a0 = wasm_f64x2_add(a0, a1);
        g = e[j] + row[j] * f + (wasm_f64x2_extract_lane(a0, 0) + wasm_f64x2_extract_lane(a0, 1));
        for (; k < i; k++) {
          g += row[k] * d[k];
          e[k] += row[k] * f;
        }
        e[j] = g;
      }
      f = 0.0;
      for (int j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      f64 hh = f / (h + h);
      for (int j = 0; j < i; j++) e[j] -= hh * d[j];
      /* Rank-2 update of the upper triangle: row j, k ≥ j. */
      for (int j = 0; j < i; j++) {
        f64 fj = d[j], gj = e[j];
        f64 *row = W + j * n;
        v128_t vf = wasm_f64x2_splat(fj), vg = wasm_f64x2_splat(gj);
        int k = j;
        for (; k + 2 <= i; k += 2) {
          v128_t upd = wasm_f64x2_add(wasm_f64x2_mul(vf, wasm_v128_load(e + k)), wasm_f64x2_mul(vg, wasm_v128_load(d + k)));
          wasm_v128_store(row + k, wasm_f64x2_sub(wasm_v128_load(row + k), upd));
        }
        for (; k < i; k++) row[k] -= fj * e[k] + gj * d[k];
      }
      for (int j = 0; j < i; j++) {
        d[j] = W[j * n + (i - 1)];
        W[j * n + i] = 0.0;
      }
    }
    d[i] = h;
  }
  /* Accumulate the transformations. */
  for (int i = 0; i < n - 1; i++) {
    W[i * n + (n - 1)] = W[i * n + i];
    W[i * n + i] = 1.0;
    f64 h = d[i + 1];
    f64 *r1 = W + (i + 1) * n;
    if (h != 0.0) {
      int len = i + 1;
      for (int k = 0; k < len; k++) d[k] = r1[k] / h;
      /* Rows j ← rows j − (r1·row_j) d, four rows per pass over r1 and d. */
      int j = 0;
      for (; j + 4 <= len; j += 4) {
        f64 *q0 = W + j * n, *q1 = q0 + n, *q2 = q1 + n, *q3 = q2 + n;
        v128_t g0 = wasm_f64x2_splat(0.0), g1 = g0, g2 = g0, g3 = g0;
        int k = 0;
        for (; k + 2 <= len; k += 2) {
          v128_t r = wasm_v128_load(r1 + k);
          g0 = wasm_f64x2_add(g0, wasm_f64x2_mul(r, wasm_v128_load(q0 + k)));
          g1 = wasm_f64x2_add(g1, wasm_f64x2_mul(r, wasm_v128_load(q1 + k)));
          g2 = wasm_f64x2_add(g2, wasm_f64x2_mul(r, wasm_v128_load(q2 + k)));
          g3 = wasm_f64x2_add(g3, wasm_f64x2_mul(r, wasm_v128_load(q3 + k)));
        }
        f64 s0 = wasm_f64x2_extract_lane(g0, 0) + wasm_f64x2_extract_lane(g0, 1);
        f64 s1 = wasm_f64x2_extract_lane(g1, 0) + wasm_f64x2_extract_lane(g1, 1);
        f64 s2 = wasm_f64x2_extract_lane(g2, 0) + wasm_f64x2_extract_lane(g2, 1);
        f64 s3 = wasm_f64x2_extract_lane(g3, 0) + wasm_f64x2_extract_lane(g3, 1);
        for (; k < len; k++) {
          s0 += r1[k] * q0[k];
          s1 += r1[k] * q1[k];
          s2 += r1[k] * q2[k];
          s3 += r1[k] * q3[k];
        }
        v128_t m0 = wasm_f64x2_splat(s0), m1 = wasm_f64x2_splat(s1), m2 = wasm_f64x2_splat(s2), m3 = wasm_f64x2_splat(s3);
        for (k = 0; k + 2 <= len; k += 2) {
          v128_t dk = wasm_v128_load(d + k);
          wasm_v128_store(q0 + k, wasm_f64x2_sub(wasm_v128_load(q0 + k), wasm_f64x2_mul(m0, dk)));
          wasm_v128_store(q1 + k, wasm_f64x2_sub(wasm_v128_load(q1 + k), wasm_f64x2_mul(m1, dk)));
          wasm_v128_store(q2 + k, wasm_f64x2_sub(wasm_v128_load(q2 + k), wasm_f64x2_mul(m2, dk)));
          wasm_v128_store(q3 + k, wasm_f64x2_sub(wasm_v128_load(q3 + k), wasm_f64x2_mul(m3, dk)));
        }
        for (; k < len; k++) {
          q0[k] -= s0 * d[k];
          q1[k] -= s1 * d[k];
          q2[k] -= s2 * d[k];
          q3[k] -= s3 * d[k];
        }
      }
      for (; j < len; j++) {
        f64 *row = W + j * n;
        f64 g = dot(r1, row, 0, len);
        axpy(row, -g, d, 0, len);
      }
    }
    for (int k = 0; k <= i; k++) r1[k] = 0.0;
  }
  for (int j = 0; j < n; j++) {
    d[j] = W[j * n + (n - 1)];
    W[j * n + (n - 1)] = 0.0;
  }
  W[(n - 1) * n + (n - 1)] = 1.0;
  e[0] = 0.0;
}

/*
 * For rotations i = m−1 … l: (row i, row i+1) ← (c·v − s·x, s·v + c·x) on
 * every column, carrying row i+1's value down the sweep in registers: eight
 * columns (four f64x2) at a time.
 */
static void apply_sweep(int n, f64 *W, int l, int m, const f64 *rc, const f64 *rs) {
  int k = 0;
  for (; k + 8 <= n; k += 8) {
    f64 *top = W + m * n + k;
    v128_t x0 = wasm_v128_load(top), x1 = wasm_v128_load(top + 2), x2 = wasm_v128_load(top + 4), x3 = wasm_v128_load(top + 6);
    for (int i = m - 1; i >= l; i--) {
      v128_t c = wasm_f64x2_splat(rc[i]), s = wasm_f64x2_splat(rs[i]);
      f64 *p = W + i * n + k;
      v128_t v0 = wasm_v128_load(p), v1 = wasm_v128_load(p + 2), v2 = wasm_v128_load(p + 4), v3 = wasm_v128_load(p + 6);
      f64 *q = p + n;
      wasm_v128_store(q, wasm_f64x2_add(wasm_f64x2_mul(s, v0), wasm_f64x2_mul(c, x0)));
      wasm_v128_store(q + 2, wasm_f64x2_add(wasm_f64x2_mul(s, v1), wasm_f64x2_mul(c, x1)));
      wasm_v128_store(q + 4, wasm_f64x2_add(wasm_f64x2_mul(s, v2), wasm_f64x2_mul(c, x2)));
      wasm_v128_store(q + 6, wasm_f64x2_add(wasm_f64x2_mul(s, v3), wasm_f64x2_mul(c, x3)));
      x0 = wasm_f64x2_sub(wasm_f64x2_mul(c, v0), wasm_f64x2_mul(s, x0));
      x1 = wasm_f64x2_sub(wasm_f64x2_mul(c, v1), wasm_f64x2_mul(s, x1));
      x2 = wasm_f64x2_sub(wasm_f64x2_mul(c, v2), wasm_f64x2_mul(s, x2));
      x3 = wasm_f64x2_sub(wasm_f64x2_mul(c, v3), wasm_f64x2_mul(s, x3));
    }
    f64 *bot = W + l * n + k;
    wasm_v128_store(bot, x0);
    wasm_v128_store(bot + 2, x1);
    wasm_v128_store(bot + 4, x2);
    wasm_v128_store(bot + 6, x3);
  }
  for (; k + 2 <= n; k += 2) {
    v128_t x0 = wasm_v128_load(W + m * n + k);
    for (int i = m - 1; i >= l; i--) {
      v128_t c = wasm_f64x2_splat(rc[i]), s = wasm_f64x2_splat(rs[i]);
      f64 *p = W + i * n + k;
      v128_t v0 = wasm_v128_load(p);
      wasm_v128_store(p + n, wasm_f64x2_add(wasm_f64x2_mul(s, v0), wasm_f64x2_mul(c, x0)));
      x0 = wasm_f64x2_sub(wasm_f64x2_mul(c, v0), wasm_f64x2_mul(s, x0));
    }
    wasm_v128_store(W + l * n + k, x0);
  }
  for (; k < n; k++) {
    f64 x = W[m * n + k];
    for (int i = m - 1; i >= l; i--) {
      f64 c = rc[i], s = rs[i], v = W[i * n + k];
      W[(i + 1) * n + k] = s * v + c * x;
      x = c * v - s * x;
    }
    W[l * n + k] = x;
  }
}

/* Implicit QL on the tridiagonal (d, e); eigenvectors accumulated in the rows of W. */
static int tql2(int n, f64 *W, f64 *d, f64 *e, f64 *rc, f64 *rs) {
  for (int i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0.0;
  f64 f = 0.0, tst1 = 0.0;
  const f64 eps = 2.220446049250313e-16;
  for (int l = 0; l < n; l++) {
    f64 t = fabs_(d[l]) + fabs_(e[l]);
    if (t > tst1) tst1 = t;
    int m = l;
    while (m < n - 1) {
      if (fabs_(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      int iter = 0;
      do {
        if (++iter > 100) return -1;
        f64 g = d[l];
        f64 p = (d[l + 1] - g) / (2.0 * e[l]);
        f64 r = sqrt_(p * p + 1.0);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        f64 dl1 = d[l + 1];
        f64 h = g - d[l];
        for (int i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        f64 c = 1.0, c2 = 1.0, c3 = 1.0;
        f64 el1 = e[l + 1];
        f64 s = 0.0, s2 = 0.0;
        for (int i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = sqrt_(p * p + e[i] * e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          rc[i] = c;
          rs[i] = s;
        }
        apply_sweep(n, W, l, m, rc, rs);
        p = -s * s2 * c3 * el1 * e[l] / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (fabs_(e[l]) > eps * tst1);
    }
    d[l] = d[l] + f;
    e[l] = 0.0;
  }
  return 0;
}

/*
 * Symmetric eigendecomposition in place: W holds A (row-major, symmetric) on
 * entry and the unit eigenvectors as rows on return; d the eigenvalues.
 * scratch: 3n doubles. Returns 0, or −1 if QL did not converge.
 */
__attribute__((export_name("eigh"))) int eigh(int n, f64 *W, f64 *d, f64 *scratch) {
  f64 *e = scratch, *rc = scratch + n, *rs = scratch + 2 * n;
  tred2(n, W, d, e);
  return tql2(n, W, d, e, rc, rs);
}

/*
 * out[s][k] = mean[k] + Σ_j (Z[s][j]·sq[j])·B[j][k] for s < count: each row of
 * B (an eigenvector) is loaded once per four samples. Z is overwritten with
 * Z·diag(sq).
 */
__attribute__((export_name("sample"))) void sample(int n, int count, const f64 *B, const f64 *sq, const f64 *mean, f64 *Z, f64 *out) {
  for (int s = 0; s < count; s++)
    for (int j = 0; j < n; j++) Z[s * n + j] *= sq[j];
  int s = 0;
  for (; s + 4 <= count; s += 4) {
    f64 *o0 = out + s * n, *o1 = o0 + n, *o2 = o1 + n, *o3 = o2 + n;
    const f64 *z0 = Z + s * n, *z1 = z0 + n, *z2 = z1 + n, *z3 = z2 + n;
    int k = 0;
    for (; k + 4 <= n; k += 4) {
      v128_t m0 = wasm_v128_load(mean + k), m1 = wasm_v128_load(mean + k + 2);
      v128_t a0 = m0, a1 = m1, b0 = m0, b1 = m1, c0 = m0, c1 = m1, d0 = m0, d1 = m1;
      for (int j = 0; j < n; j++) {
        const f64 *br = B + j * n + k;
        v128_t x0 = wasm_v128_load(br), x1 = wasm_v128_load(br + 2);
        v128_t w0 = wasm_f64x2_splat(z0[j]), w1 = wasm_f64x2_splat(z1[j]), w2 = wasm_f64x2_splat(z2[j]), w3 = wasm_f64x2_splat(z3[j]);
        a0 = wasm_f64x2_add(a0, wasm_f64x2_mul(w0, x0));
        a1 = wasm_f64x2_add(a1, wasm_f64x2_mul(w0, x1));
        b0 = wasm_f64x2_add(b0, wasm_f64x2_mul(w1, x0));
        b1 = wasm_f64x2_add(b1, wasm_f64x2_mul(w1, x1));
        c0 = wasm_f64x2_add(c0, wasm_f64x2_mul(w2, x0));
        c1 = wasm_f64x2_add(c1, wasm_f64x2_mul(w2, x1));
        d0 = wasm_f64x2_add(d0, wasm_f64x2_mul(w3, x0));
        d1 = wasm_f64x2_add(d1, wasm_f64x2_mul(w3, x1));
      }
      wasm_v128_store(o0 + k, a0);
      wasm_v128_store(o0 + k + 2, a1);
      wasm_v128_store(o1 + k, b0);
      wasm_v128_store(o1 + k + 2, b1);
      wasm_v128_store(o2 + k, c0);
      wasm_v128_store(o2 + k + 2, c1);
      wasm_v128_store(o3 + k, d0);
      wasm_v128_store(o3 + k + 2, d1);
    }
    for (; k < n; k++) {
      f64 a = mean[k], b = mean[k], c = mean[k], dd = mean[k];
      for (int j = 0; j < n; j++) {
        f64 x = B[j * n + k];
        a += z0[j] * x;
        b += z1[j] * x;
        c += z2[j] * x;
        dd += z3[j] * x;
      }
      o0[k] = a;
      o1[k] = b;
      o2[k] = c;
      o3[k] = dd;
    }
  }
  for (; s < count; s++) {
    f64 *o = out + s * n;
    const f64 *z = Z + s * n;
    for (int k = 0; k < n; k++) o[k] = mean[k];
    for (int j = 0; j < n; j++) axpy(o, z[j], B + j * n, 0, n);
  }
}

/*
 * cov ← cov·decay + (r1·pc) pcᵀ + Σ_p (w_p·D_p) D_pᵀ on the upper triangle
 * (decay and rank-one first, then the parents in order, four per pass), then
 * mirrored so cov stays exactly symmetric. D: np rows of n.
 */
__attribute__((export_name("cov_update"))) void cov_update(int n, f64 *cov, const f64 *pc, f64 decay, f64 r1, const f64 *D, const f64 *w, int np) {
  v128_t vdec = wasm_f64x2_splat(decay);
  for (int i = 0; i < n; i++) {
    f64 *row = cov + i * n;
    f64 pci = r1 * pc[i];
    v128_t vp = wasm_f64x2_splat(pci);
    int j = i;
    for (; j + 2 <= n; j += 2) wasm_v128_store(row + j, wasm_f64x2_add(wasm_f64x2_mul(wasm_v128_load(row + j), vdec), wasm_f64x2_mul(vp, wasm_v128_load(pc + j))));
    for (; j < n; j++) row[j] = row[j] * decay + pci * pc[j];
    int p = 0;
    for (; p + 4 <= np; p += 4) {
      const f64 *d0 = D + p * n, *d1 = d0 + n, *d2 = d1 + n, *d3 = d2 + n;
      v128_t u0 = wasm_f64x2_splat(w[p] * d0[i]), u1 = wasm_f64x2_splat(w[p + 1] * d1[i]);
      v128_t u2 = wasm_f64x2_splat(w[p + 2] * d2[i]), u3 = wasm_f64x2_splat(w[p + 3] * d3[i]);
      j = i;
      for (; j + 2 <= n; j += 2) {
        v128_t v = wasm_v128_load(row + j);
        v = wasm_f64x2_add(v, wasm_f64x2_mul(u0, wasm_v128_load(d0 + j)));
        v = wasm_f64x2_add(v, wasm_f64x2_mul(u1, wasm_v128_load(d1 + j)));
        v = wasm_f64x2_add(v, wasm_f64x2_mul(u2, wasm_v128_load(d2 + j)));
        v = wasm_f64x2_add(v, wasm_f64x2_mul(u3, wasm_v128_load(d3 + j)));
        wasm_v128_store(row + j, v);
      }
      f64 s0 = w[p] * d0[i], s1 = w[p + 1] * d1[i], s2 = w[p + 2] * d2[i], s3 = w[p + 3] * d3[i];
      for (; j < n; j++) {
        f64 v = row[j];
        v += s0 * d0[j];
        v += s1 * d1[j];
        v += s2 * d2[j];
        v += s3 * d3[j];
        row[j] = v;
      }
    }
    for (; p < np; p++) {
      const f64 *d0 = D + p * n;
      axpy(row, w[p] * d0[i], d0, i, n);
    }
  }
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) cov[j * n + i] = cov[i * n + j];
}

/* Linear memory layout is owned by the JS side; this module has no data of its own. */

/* z = B·diag(1/sq)·Bᵀ·y for B with eigenvectors as rows (C^{-1/2} y). t: n doubles of scratch. */
__attribute__((export_name("whiten"))) void whiten(int n, const f64 *B, const f64 *sq, const f64 *y, f64 *t, f64 *z) {
  for (int j = 0; j < n; j++) t[j] = dot(B + j * n, y, 0, n) / sq[j];
  for (int k = 0; k < n; k++) z[k] = 0.0;
  for (int j = 0; j < n; j++) axpy(z, t[j], B + j * n, 0, n);
}
