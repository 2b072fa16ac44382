/**
 * Density archive (pyribs DensityArchive; Density Descent Search, Lee 2024):
 * keeps no elites, only a buffer of measures filled by reservoir sampling
 * (Li 1994, Algorithm L) so it is a uniform sample of everything the
 * emitters produced, and reports a Gaussian kernel density estimate at each
 * new measure (computed before the buffer is updated). Emitters descend
 * that density (DensityRanker: lowest first) and restart from a separate
 * result archive.
 *
 * Methods: "kde" is pyribs' estimator, Σ φ(‖m − b‖ / h) / (n·h);
 * "kde_sklearn" is scikit-learn's KernelDensity log density,
 * log Σ exp(−‖m − b‖² / 2h²) − log n − d·log h − (d/2)·log 2π (exact, as
 * sklearn with atol = rtol = 0). Both are 0 while the buffer is empty.
 */
import type { Rng } from "../rng";
import { NEW, NOT_ADDED, type AddResult, type InsertArchive } from "./base";

export type DensityMethod = "kde" | "kde_sklearn";

export interface DensityArchiveOptions {
  /** Dimension of the solutions told to it (it stores none; the scheduler checks emitters against it). */
  solutionDim: number;
  measureDim: number;
  bufferSize?: number;
  method?: DensityMethod;
  bandwidth: number;
  rng: Rng;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export class DensityArchive implements InsertArchive {
  readonly solutionDim: number;
  readonly measureDim: number;
  readonly bufferSize: number;
  readonly method: DensityMethod;
  readonly bandwidth: number;
  private readonly buf: Float64Array;
  private occupied = 0;
  private readonly rng: Rng;
  /** Algorithm L state: acceptance weight and items left to skip. */
  private w: number;
  private skip: number;
  private density = new Float64Array(0);
  private status = new Uint8Array(0);
  private value = new Float64Array(0);
  private cells = new Int32Array(0);

  constructor(opts: DensityArchiveOptions) {
    if (!Number.isInteger(opts.measureDim) || opts.measureDim < 1) throw new Error("measureDim must be a positive integer");
    const size = opts.bufferSize ?? 10_000;
    if (!Number.isInteger(size) || size < 1) throw new Error("bufferSize must be a positive integer");
    if (!(opts.bandwidth > 0)) throw new Error("bandwidth must be > 0");
    const method = opts.method ?? "kde";
    if (method !== "kde" && method !== "kde_sklearn") throw new Error(`unknown density method "${method}" (use kde, kde_sklearn)`);
    this.solutionDim = opts.solutionDim;
    this.measureDim = opts.measureDim;
    this.bufferSize = size;
    this.method = method;
    this.bandwidth = opts.bandwidth;
    this.buf = new Float64Array(size * opts.measureDim);
    this.rng = opts.rng;
    this.w = Math.exp(Math.log(this.rng.random()) / size);
    this.skip = this.nextSkip();
  }

  /** Measures currently in the buffer (view, row-major). */
  get buffer(): Float64Array {
    return this.buf.subarray(0, this.occupied * this.measureDim);
  }

  get size(): number {
    return this.occupied;
  }

  private nextSkip(): number {
    const s = Math.floor(Math.log(this.rng.random()) / Math.log(1 - this.w));
    return Number.isFinite(s) ? s : Number.MAX_SAFE_INTEGER;
  }

  /** Density (or log density for kde_sklearn) at n measure rows, into out. */
  computeDensity(measures: ArrayLike<number>, n: number, out: Float64Array): void {
    const m = this.occupied;
    if (m === 0) {
      out.fill(0, 0, n);
      return;
    }
    const md = this.measureDim;
    const b = this.buf;
    const h = this.bandwidth;
    const c = -0.5 / (h * h);
    const log = this.method === "kde_sklearn";
    for (let i = 0; i < n; i++) {
      let s = 0;
      if (md === 2) {
        const x = measures[i * 2];
        const y = measures[i * 2 + 1];
        for (let j = 0, o = 0; j < m; j++, o += 2) {
          const dx = x - b[o];
          const dy = y - b[o + 1];
          s += Math.exp(c * (dx * dx + dy * dy));
        }
      } else {
        for (let j = 0; j < m; j++) s += Math.exp(c * this.sqDist(measures, i * md, j * md));
      }
      if (!log) {
        out[i] = (s * INV_SQRT_2PI) / (m * h);
        continue;
      }
      // Far from every buffered point the sum underflows: redo it relative to the nearest.
      let logSum: number;
      if (s > 1e-280) {
        logSum = Math.log(s);
      } else {
        let best = Infinity;
        for (let j = 0; j < m; j++) best = Math.min(best, this.sqDist(measures, i * md, j * md));
        let r = 0;
        for (let j = 0; j < m; j++) r += Math.exp(c * (this.sqDist(measures, i * md, j * md) - best));
        logSum = Math.log(r) + c * best;
      }
      out[i] = logSum - Math.log(m) - md * Math.log(h) - 0.5 * md * Math.log(2 * Math.PI);
    }
  }

  private sqDist(q: ArrayLike<number>, qo: number, bo: number): number {
    let d2 = 0;
    for (let k = 0; k < this.measureDim; k++) {
      const t = q[qo + k] - this.buf[bo + k];
      d2 += t * t;
    }
    return d2;
  }

  /**
   * Reports each row's density before the batch, then offers the rows to the
   * buffer. Status is 2 for every valid row (nothing is "kept" as an elite),
   * 0 with value −Infinity for rows with NaN measures; value is −density so
   * improvement-style rankers also prefer sparse regions.
   */
  add(_solutions: ArrayLike<number>, _objectives: ArrayLike<number>, measures: ArrayLike<number>, n = measures.length / this.measureDim, out?: { status: Uint8Array; value: Float64Array; cells?: Int32Array }): AddResult {
    if (this.density.length < n) {
      this.density = new Float64Array(n);
      this.status = new Uint8Array(n);
      this.value = new Float64Array(n);
      this.cells = new Int32Array(n);
    }
    const status = out?.status ?? this.status;
    const value = out?.value ?? this.value;
    const cells = out?.cells ?? this.cells;
    const md = this.measureDim;
    const density = this.density;
    this.computeDensity(measures, n, density);
    for (let i = 0; i < n; i++) {
      cells[i] = -1;
      let bad = false;
      for (let k = 0; k < md; k++) bad ||= measures[i * md + k] !== measures[i * md + k];
      if (bad) {
        status[i] = NOT_ADDED;
        value[i] = -Infinity;
        density[i] = Infinity;
        continue;
      }
      status[i] = NEW;
      value[i] = -density[i];
      this.offer(measures, i * md);
    }
    return { status: status.subarray(0, n), value: value.subarray(0, n), cells: cells.subarray(0, n), density: density.subarray(0, n) };
  }

  private offer(measures: ArrayLike<number>, off: number): void {
    const md = this.measureDim;
    if (this.occupied < this.bufferSize) {
      for (let k = 0; k < md; k++) this.buf[this.occupied * md + k] = measures[off + k];
      this.occupied++;
      return;
    }
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    const slot = this.rng.int(this.bufferSize);
    for (let k = 0; k < md; k++) this.buf[slot * md + k] = measures[off + k];
    this.w *= Math.exp(Math.log(this.rng.random()) / this.bufferSize);
    this.skip = this.nextSkip();
  }
}
