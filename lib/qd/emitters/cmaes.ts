/**
 * CMA-ES as in pyribs ribs/emitters/opt/_cma_es.py (itself from pycma's
 * purecma): weights recomputed from the number of parents each tell, lazy
 * eigendecomposition every `lazyGapEvals` evaluations, pyribs' stop checks.
 * pyribs quirks are kept on purpose so runs match the published numbers:
 * pc is not divided by sigma and the rank-one term is scaled by c1 twice.
 *
 * The O(n²)–O(n³) steps (eigendecomposition, sampling, whitening, covariance
 * update) run in WebAssembly SIMD kernels (../linalg/wasm/kernels.c) where
 * available, with the plain-JS code below as the fallback; the two paths
 * draw the same normals and agree to rounding (not bit for bit).
 */
import { SymEigen } from "../linalg/eigen";
import { getKernels, type WasmKernels } from "../linalg/wasm";
import type { Rng } from "../rng";

export interface CMAESState {
  mean: number[];
  sigma: number;
  pc: number[];
  ps: number[];
  cov: number[];
  currentEval: number;
  updatedEval: number;
  /** Last eigensystem, so a resumed run samples exactly as the original. */
  eigValues: number[];
  eigVectors: number[];
}

export class CMAEvolutionStrategy {
  readonly dim: number;
  readonly batchSize: number;
  readonly sigma0: number;
  readonly lazyGapEvals: number;

  mean: Float64Array;
  sigma = 0;
  currentEval = 0;
  private updatedEval = 0;
  private readonly pc: Float64Array;
  private readonly ps: Float64Array;
  /** Covariance, row-major, kept exactly symmetric. */
  readonly cov: Float64Array;
  private readonly eig: SymEigen;
  /** sqrt of |eigenvalues| from the last decomposition. */
  private readonly sqrtEig: Float64Array;
  /** Sampling transform T = B·diag(sqrt λ), row-major (row k = coordinate k): x = mean + σ·T·z. */
  private readonly transform: Float64Array;
  /** T is rebuilt on first use after a decomposition (the SIMD sampler reads B directly). */
  private transformStale = true;
  conditionNumber = 1;
  maxEigenvalue = 1;

  /** Last asked solutions (row-major batch×dim); tell ranks into these. */
  private solutions: Float64Array;
  private asked = 0;
  private readonly z: Float64Array;
  private readonly tmp: Float64Array;
  private readonly tmp2: Float64Array;
  private zBlock = new Float64Array(0);
  private steps = new Float64Array(0);
  private readonly oldMean: Float64Array;
  private readonly rng: Rng;
  /** WebAssembly SIMD kernels for sampling and the covariance update (null: plain JS). */
  private readonly kernels: WasmKernels | null;
  private muWeights = new Float64Array(0);

  /** `wasm: false` keeps every step in plain JS (tests compare the two paths). */
  constructor(opts: { sigma0: number; dim: number; batchSize?: number; rng: Rng; wasm?: boolean }) {
    const n = opts.dim;
    this.dim = n;
    this.batchSize = opts.batchSize ?? 4 + Math.floor(3 * Math.log(n));
    this.sigma0 = opts.sigma0;
    this.rng = opts.rng;
    const { c1, cmu } = this.strategyParams(Math.floor(this.batchSize / 2));
    this.lazyGapEvals = (0.5 * n * this.batchSize * (1 / (c1 + cmu))) / (n * n);
    this.mean = new Float64Array(n);
    this.pc = new Float64Array(n);
    this.ps = new Float64Array(n);
    this.cov = new Float64Array(n * n);
    this.eig = new SymEigen(n, { wasm: opts.wasm });
    this.sqrtEig = new Float64Array(n);
    this.transform = new Float64Array(n * n);
    this.solutions = new Float64Array(this.batchSize * n);
    this.z = new Float64Array(n);
    this.tmp = new Float64Array(n);
    this.tmp2 = new Float64Array(n);
    this.oldMean = new Float64Array(n);
    this.kernels = n >= 2 && opts.wasm !== false ? getKernels() : null;
    this.reset(new Float64Array(n));
  }

  reset(x0: ArrayLike<number>): void {
    const n = this.dim;
    this.currentEval = 0;
    this.updatedEval = 0;
    this.sigma = this.sigma0;
    for (let i = 0; i < n; i++) this.mean[i] = x0[i];
    this.pc.fill(0);
    this.ps.fill(0);
    this.cov.fill(0);
    const v = this.eig.vectors;
    v.fill(0);
    for (let i = 0; i < n; i++) {
      this.cov[i * n + i] = 1;
      v[i * n + i] = 1;
      this.eig.values[i] = 1;
      this.sqrtEig[i] = 1;
    }
    this.updateTransform();
    this.conditionNumber = 1;
    this.maxEigenvalue = 1;
  }

  private strategyParams(mu: number) {
    const n = this.dim;
    const weights = new Float64Array(mu);
    let total = 0;
    for (let i = 0; i < mu; i++) {
      weights[i] = Math.log(mu + 0.5) - Math.log(i + 1);
      total += weights[i];
    }
    let sw = 0;
    let sw2 = 0;
    for (let i = 0; i < mu; i++) {
      weights[i] /= total;
      sw += weights[i];
      sw2 += weights[i] * weights[i];
    }
    const mueff = (sw * sw) / sw2;
    const cc = (4 + mueff / n) / (n + 4 + (2 * mueff) / n);
    const cs = (mueff + 2) / (n + mueff + 5);
    const c1 = 2 / ((n + 1.3) ** 2 + mueff);
    const cmu = Math.min(1 - c1, (2 * (mueff - 2 + 1 / mueff)) / ((n + 2) ** 2 + mueff));
    return { weights, mueff, cc, cs, c1, cmu };
  }

  private updateEigensystem(): void {
    if (this.currentEval <= this.updatedEval + this.lazyGapEvals) return;
    const n = this.dim;
    this.eig.compute(this.cov);
    let mx = 0;
    let mn = Infinity;
    for (let i = 0; i < n; i++) {
      const v = Math.abs(this.eig.values[i]);
      this.eig.values[i] = v;
      this.sqrtEig[i] = Math.sqrt(v);
      if (v > mx) mx = v;
      if (v < mn) mn = v;
    }
    this.maxEigenvalue = mx;
    this.conditionNumber = mx / mn;
    this.updatedEval = this.currentEval;
    this.updateTransform();
  }

  private updateTransform(): void {
    this.transformStale = true;
  }

  private ensureTransform(): void {
    if (!this.transformStale) return;
    this.transformStale = false;
    const n = this.dim;
    const B = this.eig.vectors;
    const T = this.transform;
    for (let j = 0; j < n; j++) {
      const sj = this.sqrtEig[j];
      const row = j * n;
      for (let k = 0; k < n; k++) T[k * n + j] = B[row + k] * sj;
    }
  }

  /**
   * Samples `count` (default batchSize) solutions into out (row-major).
   * With bounds, out-of-bounds samples are resampled (pyribs), at most 100
   * times, then clipped so a degenerate distribution cannot hang a worker.
   */
  ask(out: Float64Array, lower?: Float64Array | null, upper?: Float64Array | null, count = this.batchSize): void {
    const n = this.dim;
    this.updateEigensystem();
    if (this.solutions.length < count * n) this.solutions = new Float64Array(count * n);
    if (!lower || !upper) this.sampleUnbounded(out, count);
    else this.sampleBounded(out, lower, upper, count);
    this.solutions.set(out.subarray(0, count * n));
    this.asked = count;
  }

  /**
   * x_s = mean + T·(σ z_s) for `count` samples, four samples per pass over T
   * (each row of T is loaded once per four samples). Normals are drawn one
   * sample at a time, in the same order as the bounded path.
   */
  private sampleUnbounded(out: Float64Array, count: number): void {
    if (this.kernels) {
      this.sampleWasm(this.kernels, out, count);
      return;
    }
    const n = this.dim;
    this.ensureTransform();
    const T = this.transform;
    const rng = this.rng;
    const sigma = this.sigma;
    const mean = this.mean;
    if (this.zBlock.length < 4 * n) this.zBlock = new Float64Array(4 * n);
    const Z = this.zBlock;
    const n2 = n - (n & 1);
    let s = 0;
    for (; s + 4 <= count; s += 4) {
      rng.fillNormal(Z, sigma, 0, n);
      rng.fillNormal(Z, sigma, n, n);
      rng.fillNormal(Z, sigma, 2 * n, n);
      rng.fillNormal(Z, sigma, 3 * n, n);
      const b0 = s * n;
      const b1 = b0 + n;
      const b2 = b1 + n;
      const b3 = b2 + n;
      for (let k = 0; k < n; k++) {
        const row = k * n;
        let a0 = 0;
        let a1 = 0;
        let c0 = 0;
        let c1 = 0;
        let e0 = 0;
        let e1 = 0;
        let g0 = 0;
        let g1 = 0;
        let j = 0;
        for (; j < n2; j += 2) {
          const t0 = T[row + j];
          const t1 = T[row + j + 1];
          a0 += t0 * Z[j];
          a1 += t1 * Z[j + 1];
          c0 += t0 * Z[n + j];
          c1 += t1 * Z[n + j + 1];
          e0 += t0 * Z[2 * n + j];
          e1 += t1 * Z[2 * n + j + 1];
          g0 += t0 * Z[3 * n + j];
          g1 += t1 * Z[3 * n + j + 1];
        }
        if (j < n) {
          const t0 = T[row + j];
          a0 += t0 * Z[j];
          c0 += t0 * Z[n + j];
          e0 += t0 * Z[2 * n + j];
          g0 += t0 * Z[3 * n + j];
        }
        const m = mean[k];
        out[b0 + k] = m + (a0 + a1);
        out[b1 + k] = m + (c0 + c1);
        out[b2 + k] = m + (e0 + e1);
        out[b3 + k] = m + (g0 + g1);
      }
    }
    for (; s < count; s++) {
      rng.fillNormal(Z, sigma, 0, n);
      this.transformInto(Z, out, s * n);
    }
  }

  /**
   * The same samples (same normals, same order) through the SIMD kernel:
   * out_s = mean + Σ_j (σ z_sj √λ_j)·b_j over the eigenvectors b_j (rows of B).
   */
  private sampleWasm(k: WasmKernels, out: Float64Array, count: number): void {
    const n = this.dim;
    const nn = n * n;
    const base = k.scratch(nn + 2 * n + 2 * count * n);
    const pSq = base + nn * 8;
    const pMean = pSq + n * 8;
    const pZ = pMean + n * 8;
    const pOut = pZ + count * n * 8;
    k.view(base, nn).set(this.eig.vectors);
    k.view(pSq, n).set(this.sqrtEig);
    k.view(pMean, n).set(this.mean);
    const Z = k.view(pZ, count * n);
    const rng = this.rng;
    const sigma = this.sigma;
    for (let s = 0; s < count; s++) rng.fillNormal(Z, sigma, s * n, n);
    k.fn.sample(n, count, base, pSq, pMean, pZ, pOut);
    out.set(k.view(pOut, count * n));
  }

  /** out[base..base+n) = mean + T·z. */
  private transformInto(z: Float64Array, out: Float64Array, base: number): void {
    const n = this.dim;
    const T = this.transform;
    const mean = this.mean;
    // Row dot products with four accumulators (breaks the add latency chain).
    const n4 = n - (n & 3);
    for (let k = 0; k < n; k++) {
      const row = k * n;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let j = 0;
      for (; j < n4; j += 4) {
        a0 += T[row + j] * z[j];
        a1 += T[row + j + 1] * z[j + 1];
        a2 += T[row + j + 2] * z[j + 2];
        a3 += T[row + j + 3] * z[j + 3];
      }
      for (; j < n; j++) a0 += T[row + j] * z[j];
      out[base + k] = mean[k] + (a0 + a1 + (a2 + a3));
    }
  }

  /** pyribs: resample out-of-bounds rows (at most 100 times, then clip). */
  private sampleBounded(out: Float64Array, lower: Float64Array, upper: Float64Array, count: number): void {
    const n = this.dim;
    const rng = this.rng;
    const sigma = this.sigma;
    const z = this.tmp;
    this.ensureTransform();
    for (let s = 0; s < count; s++) {
      const base = s * n;
      for (let attempt = 0; ; attempt++) {
        rng.fillNormal(z, sigma, 0, n);
        this.transformInto(z, out, base);
        let ok = true;
        for (let k = 0; k < n; k++) {
          const v = out[base + k];
          if (v < lower[k] || v > upper[k]) {
            ok = false;
            break;
          }
        }
        if (ok) break;
        if (attempt >= 100) {
          for (let k = 0; k < n; k++) out[base + k] = Math.min(upper[k], Math.max(lower[k], out[base + k]));
          break;
        }
      }
    }
  }

  /** Updates the distribution from the ranked solutions of the last ask(). */
  tell(ranking: ArrayLike<number>, numParents: number): void {
    const n = this.dim;
    this.currentEval += this.asked;
    if (numParents === 0) return;
    const { weights, mueff, cc, cs, c1, cmu } = this.strategyParams(numParents);
    const damps = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + cs;
    const sols = this.solutions;
    const mean = this.mean;
    const old = this.oldMean;
    old.set(mean);
    mean.fill(0);
    for (let p = 0; p < numParents; p++) {
      const w = weights[p];
      const b = ranking[p] * n;
      for (let k = 0; k < n; k++) mean[k] += w * sols[b + k];
    }
    // y = mean - old; z = C^{-1/2} y = B diag(1/sqrt(λ)) B^T y.
    const y = this.tmp;
    for (let k = 0; k < n; k++) y[k] = mean[k] - old[k];
    const B = this.eig.vectors;
    const z = this.z;
    if (this.kernels) {
      const k = this.kernels;
      const base = k.scratch(n * n + 4 * n);
      const pSq = base + n * n * 8;
      const pY = pSq + n * 8;
      const pT = pY + n * 8;
      const pZ = pT + n * 8;
      k.view(base, n * n).set(B);
      k.view(pSq, n).set(this.sqrtEig);
      k.view(pY, n).set(y);
      k.fn.whiten(n, base, pSq, pY, pT, pZ);
      z.set(k.view(pZ, n));
    } else {
      const t = this.tmp2;
      for (let j = 0; j < n; j++) {
        let acc = 0;
        const row = j * n;
        for (let k = 0; k < n; k++) acc += B[row + k] * y[k];
        t[j] = acc / this.sqrtEig[j];
      }
      z.fill(0);
      for (let j = 0; j < n; j++) {
        const tj = t[j];
        const row = j * n;
        for (let k = 0; k < n; k++) z[k] += tj * B[row + k];
      }
    }
    const psCoef = Math.sqrt(cs * (2 - cs) * mueff) / this.sigma;
    let psNorm2 = 0;
    for (let k = 0; k < n; k++) {
      this.ps[k] = (1 - cs) * this.ps[k] + psCoef * z[k];
      psNorm2 += this.ps[k] * this.ps[k];
    }
    const left = psNorm2 / n / (1 - Math.pow(1 - cs, (2 * this.currentEval) / this.batchSize));
    const right = 2 + 4 / (n + 1);
    const hsig = left < right ? 1 : 0;
    const pcCoef = hsig * Math.sqrt(cc * (2 - cc) * mueff);
    for (let k = 0; k < n; k++) this.pc[k] = (1 - cc) * this.pc[k] + pcCoef * y[k];

    // cov ← cov·(1 − c1a − cmu·Σw) + c1·(c1·pc pcᵀ) + (cmu/σ²)·Σ w_i y_i y_iᵀ
    let sumW = 0;
    for (let p = 0; p < numParents; p++) sumW += weights[p];
    const c1a = c1 * (1 - (1 - hsig * hsig) * cc * (2 - cc));
    const decay = 1 - c1a - cmu * sumW;
    const r1 = c1 * c1;
    const muScale = cmu / (this.sigma * this.sigma);
    const cov = this.cov;
    const pc = this.pc;
    // Steps y_p = x_p − old of the parents, one row each.
    if (this.steps.length < numParents * n) this.steps = new Float64Array(numParents * n);
    const D = this.steps;
    for (let p = 0; p < numParents; p++) {
      const b = ranking[p] * n;
      const o = p * n;
      for (let k = 0; k < n; k++) D[o + k] = sols[b + k] - old[k];
    }
    if (this.kernels) {
      const k = this.kernels;
      const nn = n * n;
      const base = k.scratch(nn + n + numParents * n + numParents);
      const pPc = base + nn * 8;
      const pD = pPc + n * 8;
      const pW = pD + numParents * n * 8;
      if (this.muWeights.length < numParents) this.muWeights = new Float64Array(numParents);
      const w = this.muWeights;
      for (let p = 0; p < numParents; p++) w[p] = weights[p] * muScale;
      k.view(base, nn).set(cov);
      k.view(pPc, n).set(pc);
      k.view(pD, numParents * n).set(D.subarray(0, numParents * n));
      k.view(pW, numParents).set(w.subarray(0, numParents));
      k.fn.cov_update(n, base, pPc, decay, r1, pD, pW, numParents);
      cov.set(k.view(base, nn));
      const cn = cs / damps;
      this.sigma *= Math.exp(Math.min(1, (cn * (psNorm2 / n - 1)) / 2));
      return;
    }
    // Upper triangle; the same floating-point operations in the same order as
    // decay + rank-one first, then one parent at a time, but four parents per
    // pass over the matrix (one load/store of cov per four rank-one terms).
    for (let p0 = 0; p0 < numParents || p0 === 0; p0 += 4) {
      const cnt = Math.min(4, numParents - p0);
      const o0 = p0 * n;
      const o1 = o0 + n;
      const o2 = o1 + n;
      const o3 = o2 + n;
      const w0 = cnt > 0 ? weights[p0] * muScale : 0;
      const w1 = cnt > 1 ? weights[p0 + 1] * muScale : 0;
      const w2 = cnt > 2 ? weights[p0 + 2] * muScale : 0;
      const w3 = cnt > 3 ? weights[p0 + 3] * muScale : 0;
      for (let i = 0; i < n; i++) {
        const row = i * n;
        if (p0 === 0) {
          const pci = r1 * pc[i];
          for (let j = i; j < n; j++) cov[row + j] = cov[row + j] * decay + pci * pc[j];
        }
        if (cnt === 4) {
          const u0 = w0 * D[o0 + i];
          const u1 = w1 * D[o1 + i];
          const u2 = w2 * D[o2 + i];
          const u3 = w3 * D[o3 + i];
          for (let j = i; j < n; j++) {
            let v = cov[row + j];
            v += u0 * D[o0 + j];
            v += u1 * D[o1 + j];
            v += u2 * D[o2 + j];
            v += u3 * D[o3 + j];
            cov[row + j] = v;
          }
        } else if (cnt === 3) {
          const u0 = w0 * D[o0 + i];
          const u1 = w1 * D[o1 + i];
          const u2 = w2 * D[o2 + i];
          for (let j = i; j < n; j++) {
            let v = cov[row + j];
            v += u0 * D[o0 + j];
            v += u1 * D[o1 + j];
            v += u2 * D[o2 + j];
            cov[row + j] = v;
          }
        } else if (cnt === 2) {
          const u0 = w0 * D[o0 + i];
          const u1 = w1 * D[o1 + i];
          for (let j = i; j < n; j++) {
            let v = cov[row + j];
            v += u0 * D[o0 + j];
            v += u1 * D[o1 + j];
            cov[row + j] = v;
          }
        } else if (cnt === 1) {
          const u0 = w0 * D[o0 + i];
          for (let j = i; j < n; j++) cov[row + j] += u0 * D[o0 + j];
        }
      }
    }
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) cov[j * n + i] = cov[i * n + j];

    const cn = cs / damps;
    this.sigma *= Math.exp(Math.min(1, (cn * (psNorm2 / n - 1)) / 2));
  }

  /**
   * pyribs check_stop: ill-conditioned covariance, collapsed distribution, or
   * flat ranking (best and worst ranking values closer than 1e-12).
   */
  checkStop(bestWorstGap: number, numRanked: number): boolean {
    if (this.conditionNumber > 1e14) return true;
    if (this.sigma * Math.sqrt(this.maxEigenvalue) < 1e-11) return true;
    if (numRanked >= 2 && bestWorstGap < 1e-12) return true;
    return false;
  }

  getState(): CMAESState {
    return {
      mean: Array.from(this.mean),
      sigma: this.sigma,
      pc: Array.from(this.pc),
      ps: Array.from(this.ps),
      cov: Array.from(this.cov),
      currentEval: this.currentEval,
      updatedEval: this.updatedEval,
      eigValues: Array.from(this.eig.values),
      eigVectors: Array.from(this.eig.vectors),
    };
  }

  setState(s: CMAESState): void {
    const n = this.dim;
    if (s.mean.length !== n || s.cov.length !== n * n || s.eigVectors.length !== n * n) {
      throw new Error("CMA-ES state has the wrong dimension");
    }
    this.mean.set(s.mean);
    this.sigma = s.sigma;
    this.pc.set(s.pc);
    this.ps.set(s.ps);
    this.cov.set(s.cov);
    this.currentEval = s.currentEval;
    this.updatedEval = s.updatedEval;
    this.eig.values.set(s.eigValues);
    this.eig.vectors.set(s.eigVectors);
    let mx = 0;
    let mn = Infinity;
    for (let i = 0; i < n; i++) {
      const v = s.eigValues[i];
      this.sqrtEig[i] = Math.sqrt(v);
      if (v > mx) mx = v;
      if (v < mn) mn = v;
    }
    this.maxEigenvalue = mx;
    this.conditionNumber = mx / mn;
    this.updateTransform();
  }
}
