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
import { packState, unpackState } from "./state-codec";

export type DensityMethod = "kde" | "kde_sklearn";
/**
 * How a full buffer takes new measures. "uniform": Algorithm L as published,
 * every measure of the stream equally likely to be in the buffer. "pyribs":
 * pyribs' DensityArchive.add loop (≤ 0.10), which indexes the batch's leftover
 * rows by the fresh skip count and does not consume the row it stored, so most
 * replacements copy the batch's first row (after 500 iterations of 15 × 36,
 * ~93% of the buffer is emitter 0's first solution of some iteration). The
 * published DDS numbers come from that loop.
 */
export type ReservoirRule = "uniform" | "pyribs";

export interface DensityArchiveOptions {
  /** Dimension of the solutions told to it (it stores none; the scheduler checks emitters against it). */
  solutionDim: number;
  measureDim: number;
  bufferSize?: number;
  method?: DensityMethod;
  bandwidth: number;
  /** Default "uniform". */
  reservoir?: ReservoirRule;
  rng: Rng;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
/**
 * 2-D sums skip points farther than CUTOFF bandwidths (each term below
 * exp(−9²/2) ≈ 2.6e−18 of the peak); sums under SPARSE are redone over the
 * whole buffer, so the relative error stays below bufferSize·2.6e−18/SPARSE.
 */
const CUTOFF = 9;
const SPARSE = 1e-6;

export class DensityArchive implements InsertArchive {
  readonly solutionDim: number;
  readonly measureDim: number;
  readonly bufferSize: number;
  readonly method: DensityMethod;
  readonly bandwidth: number;
  readonly reservoir: ReservoirRule;
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
  /** The batch's valid rows, in order (pyribs reservoir rule). */
  private rows = new Int32Array(0);
  // 2-D bucket grid over the buffer (see ensureGrid).
  private gridDirty = true;
  private gx0 = 0;
  private gy0 = 0;
  private gSize = 1;
  private gnx = 0;
  private gny = 0;
  private cellStart = new Int32Array(0);
  private cellFill = new Int32Array(0);
  private cellOf = new Int32Array(0);
  private sorted = new Float64Array(0);
  /** Copies of each bucketed point (the pyribs rule fills the buffer with repeats). */
  private sortedW = new Float64Array(0);
  // Distinct buffer points in first-occurrence order, their counts, and the hash table that finds them.
  private ux = new Float64Array(0);
  private uw = new Float64Array(0);
  private table = new Int32Array(0);
  private distinct = 0;
  /** Changes since beginDelta(): the scalars then and each written slot's measures then (null: a slot filled since). */
  private journal: { occupied: number; w: number; skip: number; rng: ReturnType<Rng["getState"]>; before: Map<number, Float64Array | null> } | null = null;
  private readonly bits = new Float64Array(2);
  private readonly bitsI = new Int32Array(this.bits.buffer);

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
    const reservoir = opts.reservoir ?? "uniform";
    if (reservoir !== "uniform" && reservoir !== "pyribs") throw new Error(`unknown reservoir rule "${reservoir}" (use uniform, pyribs)`);
    this.reservoir = reservoir;
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
    const h = this.bandwidth;
    const c = -0.5 / (h * h);
    const log = this.method === "kde_sklearn";
    if (md === 2) this.ensureGrid();
    for (let i = 0; i < n; i++) {
      let s = 0;
      if (md === 2) {
        s = this.kernelSum2d(measures[i * 2], measures[i * 2 + 1], c);
      } else {
        for (let j = 0; j < m; j++) s += Math.exp(c * this.sqDist(measures, i * md, j * md));
      }
      // Far from the buffer the truncated sum loses relative precision (and
      // may underflow): redo it over every point, relative to the nearest.
      let logSum: number;
      if (s > SPARSE) {
        logSum = Math.log(s);
      } else {
        logSum = md === 2 ? this.sparseLogSum2d(measures[i * 2], measures[i * 2 + 1], c) : this.sparseLogSum(measures, i * md, c);
      }
      if (!log) {
        out[i] = (Math.exp(logSum) * INV_SQRT_2PI) / (m * h);
        continue;
      }
      out[i] = logSum - Math.log(m) - md * Math.log(h) - 0.5 * md * Math.log(2 * Math.PI);
    }
  }

  /**
   * Buckets the distinct points of the 2-D buffer into square cells one
   * bandwidth wide (counting sort), rebuilt only after the buffer changed.
   */
  private ensureGrid(): void {
    if (!this.gridDirty) return;
    this.gridDirty = false;
    const m = (this.distinct = this.dedupe());
    const b = this.ux;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let j = 0; j < m; j++) {
      const x = b[2 * j];
      const y = b[2 * j + 1];
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    const cs = this.bandwidth;
    // Cap the cell count: a buffer spread over a huge range gets wider cells.
    const span = Math.max(x1 - x0, y1 - y0);
    const size = span / cs > 1024 ? span / 1024 : cs;
    const nx = Math.floor((x1 - x0) / size) + 1;
    const ny = Math.floor((y1 - y0) / size) + 1;
    this.gx0 = x0;
    this.gy0 = y0;
    this.gSize = size;
    this.gnx = nx;
    this.gny = ny;
    if (this.cellStart.length < nx * ny + 1) this.cellStart = new Int32Array(nx * ny + 1);
    const start = this.cellStart;
    start.fill(0, 0, nx * ny + 1);
    if (this.cellOf.length < m) this.cellOf = new Int32Array(this.bufferSize);
    for (let j = 0; j < m; j++) {
      const cx = Math.floor((b[2 * j] - x0) / size);
      const cy = Math.floor((b[2 * j + 1] - y0) / size);
      const cell = cy * nx + cx;
      this.cellOf[j] = cell;
      start[cell + 1]++;
    }
    for (let k = 0; k < nx * ny; k++) start[k + 1] += start[k];
    if (this.sorted.length < 2 * m) {
      this.sorted = new Float64Array(2 * this.bufferSize);
      this.sortedW = new Float64Array(this.bufferSize);
    }
    const fill = this.cellFill.length >= nx * ny ? this.cellFill : (this.cellFill = new Int32Array(nx * ny));
    fill.set(start.subarray(0, nx * ny));
    for (let j = 0; j < m; j++) {
      const at = fill[this.cellOf[j]]++;
      this.sorted[2 * at] = b[2 * j];
      this.sorted[2 * at + 1] = b[2 * j + 1];
      this.sortedW[at] = this.uw[j];
    }
  }

  /**
   * Collapses repeated 2-D buffer points into (point, count), keeping the
   * order of first occurrence, so a buffer without repeats is summed exactly
   * as before (count 1 multiplies exactly). Returns the number of distinct points.
   */
  private dedupe(): number {
    const m = this.occupied;
    const buf = this.buf;
    if (this.ux.length < 2 * this.bufferSize) {
      this.ux = new Float64Array(2 * this.bufferSize);
      this.uw = new Float64Array(this.bufferSize);
      let t = 1;
      while (t < 2 * this.bufferSize) t <<= 1;
      this.table = new Int32Array(t);
    }
    const table = this.table;
    const mask = table.length - 1;
    table.fill(-1);
    const bits = this.bits;
    const bi = this.bitsI;
    let u = 0;
    for (let j = 0; j < m; j++) {
      const x = buf[2 * j];
      const y = buf[2 * j + 1];
      bits[0] = x;
      bits[1] = y;
      let h = Math.imul(bi[0] ^ Math.imul(bi[1], 0x9e3779b1), 0x85ebca6b) ^ Math.imul(bi[2] ^ Math.imul(bi[3], 0xc2b2ae35), 0x27d4eb2f);
      h = (h ^ (h >>> 15)) & mask;
      for (;;) {
        const k = table[h];
        if (k < 0) {
          table[h] = u;
          this.ux[2 * u] = x;
          this.ux[2 * u + 1] = y;
          this.uw[u] = 1;
          u++;
          break;
        }
        // Same bits (Object.is): −0 and 0 stay apart, which only costs a term.
        if (Object.is(this.ux[2 * k], x) && Object.is(this.ux[2 * k + 1], y)) {
          this.uw[k]++;
          break;
        }
        h = (h + 1) & mask;
      }
    }
    return u;
  }

  /**
   * Σ exp(c·‖q − b‖²) over the buffer, skipping cells farther than
   * CUTOFF bandwidths.
   */
  private kernelSum2d(x: number, y: number, c: number): number {
    const size = this.gSize;
    const r = CUTOFF * this.bandwidth;
    const r2 = r * r;
    const nx = this.gnx;
    const ny = this.gny;
    const fx = (x - this.gx0) / size;
    const fy = (y - this.gy0) / size;
    const reach = Math.ceil(r / size);
    const cx0 = Math.max(0, Math.floor(fx) - reach);
    const cx1 = Math.min(nx - 1, Math.floor(fx) + reach);
    const cy0 = Math.max(0, Math.floor(fy) - reach);
    const cy1 = Math.min(ny - 1, Math.floor(fy) + reach);
    const start = this.cellStart;
    const pts = this.sorted;
    const wts = this.sortedW;
    let s = 0;
    for (let cy = cy0; cy <= cy1; cy++) {
      // Distance from q to the cell row's y-extent.
      const ylo = this.gy0 + cy * size;
      const dyc = y < ylo ? ylo - y : y > ylo + size ? y - ylo - size : 0;
      if (dyc * dyc > r2) continue;
      for (let cx = cx0; cx <= cx1; cx++) {
        const xlo = this.gx0 + cx * size;
        const dxc = x < xlo ? xlo - x : x > xlo + size ? x - xlo - size : 0;
        if (dxc * dxc + dyc * dyc > r2) continue;
        const cell = cy * nx + cx;
        const e = start[cell + 1];
        for (let k = start[cell]; k < e; k++) {
          const dx = x - pts[2 * k];
          const dy = y - pts[2 * k + 1];
          s += wts[k] * Math.exp(c * (dx * dx + dy * dy));
        }
      }
    }
    return s;
  }

  /** log Σ exp(c·‖q − b‖²) over the whole buffer, relative to the nearest point. */
  private sparseLogSum(q: ArrayLike<number>, qo: number, c: number): number {
    const m = this.occupied;
    const md = this.measureDim;
    let best = Infinity;
    for (let j = 0; j < m; j++) best = Math.min(best, this.sqDist(q, qo, j * md));
    let r = 0;
    for (let j = 0; j < m; j++) r += Math.exp(c * (this.sqDist(q, qo, j * md) - best));
    return Math.log(r) + c * best;
  }

  /** sparseLogSum over the distinct 2-D points with their counts (ensureGrid ran). */
  private sparseLogSum2d(x: number, y: number, c: number): number {
    const u = this.distinct;
    const p = this.ux;
    const w = this.uw;
    let best = Infinity;
    for (let j = 0; j < u; j++) {
      const dx = x - p[2 * j];
      const dy = y - p[2 * j + 1];
      best = Math.min(best, dx * dx + dy * dy);
    }
    let r = 0;
    for (let j = 0; j < u; j++) {
      const dx = x - p[2 * j];
      const dy = y - p[2 * j + 1];
      r += w[j] * Math.exp(c * (dx * dx + dy * dy - best));
    }
    return Math.log(r) + c * best;
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
      this.rows = new Int32Array(n);
    }
    const status = out?.status ?? this.status;
    const value = out?.value ?? this.value;
    const cells = out?.cells ?? this.cells;
    const md = this.measureDim;
    const density = this.density;
    this.computeDensity(measures, n, density);
    const pyribs = this.reservoir === "pyribs";
    let valid = 0;
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
      if (pyribs) this.rows[valid++] = i;
      else this.offer(measures, i * md);
    }
    if (pyribs) this.offerBatchPyribs(measures, this.rows, valid);
    return { status: status.subarray(0, n), value: value.subarray(0, n), cells: cells.subarray(0, n), density: density.subarray(0, n) };
  }

  /**
   * The state change of add() without the densities it reports: the rows offered to the reservoir
   * (NaN rows skipped), same random draws. Distributed runs replay a job's steps this way.
   */
  absorb(_solutions: ArrayLike<number>, _objectives: ArrayLike<number>, measures: ArrayLike<number>, n = measures.length / this.measureDim): void {
    const md = this.measureDim;
    const pyribs = this.reservoir === "pyribs";
    if (pyribs && this.rows.length < n) this.rows = new Int32Array(n);
    let valid = 0;
    for (let i = 0; i < n; i++) {
      let bad = false;
      for (let k = 0; k < md; k++) bad ||= measures[i * md + k] !== measures[i * md + k];
      if (bad) continue;
      if (pyribs) this.rows[valid++] = i;
      else this.offer(measures, i * md);
    }
    if (pyribs) this.offerBatchPyribs(measures, this.rows, valid);
  }

  /**
   * pyribs' batch loop, rows[0..count) being the batch's valid rows in order
   * (see ReservoirRule): fill the free slots, then on the leftover rows,
   * while the skip is shorter than what is left, store leftover[skip] and
   * draw a new skip; only the skips are subtracted from what is left.
   */
  private offerBatchPyribs(measures: ArrayLike<number>, rows: Int32Array, count: number): void {
    const md = this.measureDim;
    let next = 0;
    while (next < count && this.occupied < this.bufferSize) {
      this.setSlot(this.occupied, measures, rows[next] * md);
      this.occupied++;
      next++;
      this.gridDirty = true;
    }
    let left = count - next;
    while (left > 0) {
      if (this.skip < left) {
        const slot = this.rng.int(this.bufferSize);
        const row = rows[next + this.skip];
        this.setSlot(slot, measures, row * md);
        this.gridDirty = true;
        this.w *= Math.exp(Math.log(this.rng.random()) / this.bufferSize);
        this.skip = this.nextSkip();
      }
      const s = Math.min(this.skip, left);
      left -= s;
      this.skip -= s;
    }
  }

  private setSlot(slot: number, measures: ArrayLike<number>, off: number): void {
    const md = this.measureDim;
    const j = this.journal;
    if (j && !j.before.has(slot)) j.before.set(slot, slot < j.occupied ? this.buf.slice(slot * md, (slot + 1) * md) : null);
    for (let k = 0; k < md; k++) this.buf[slot * md + k] = measures[off + k];
  }

  private offer(measures: ArrayLike<number>, off: number): void {
    const md = this.measureDim;
    if (this.occupied < this.bufferSize) {
      this.setSlot(this.occupied, measures, off);
      this.occupied++;
      this.gridDirty = true;
      return;
    }
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    const slot = this.rng.int(this.bufferSize);
    this.setSlot(slot, measures, off);
    this.gridDirty = true;
    this.w *= Math.exp(Math.log(this.rng.random()) / this.bufferSize);
    this.skip = this.nextSkip();
  }

  /** Buffer, reservoir-sampling state and RNG as bytes (distributed runs keep them in PostgreSQL). */
  exportState(): Uint8Array {
    return packState(
      { kind: "density", occupied: this.occupied, w: this.w, skip: this.skip, rng: this.rng.getState(), bufferSize: this.bufferSize, measureDim: this.measureDim },
      [this.buf.subarray(0, this.occupied * this.measureDim)],
    );
  }

  /**
   * Starts recording changes: exportDelta() then returns the slots written since (and the reservoir's
   * scalars and RNG), rollbackDelta() undoes them. Distributed runs store a job's delta, not the buffer.
   */
  beginDelta(): void {
    this.journal = { occupied: this.occupied, w: this.w, skip: this.skip, rng: this.rng.getState(), before: new Map() };
  }

  /** The slots written since beginDelta() with their measures, and the reservoir's scalars and RNG now. */
  exportDelta(): Uint8Array {
    const j = this.journal;
    if (!j) throw new Error("exportDelta() without beginDelta()");
    const md = this.measureDim;
    const slots = [...j.before.keys()].sort((a, b) => a - b);
    const values = new Float64Array(slots.length * md);
    slots.forEach((s, i) => values.set(this.buf.subarray(s * md, (s + 1) * md), i * md));
    return packState(
      { kind: "density-delta", occupied: this.occupied, w: this.w, skip: this.skip, rng: this.rng.getState(), bufferSize: this.bufferSize, measureDim: md },
      [Float64Array.from(slots), values],
    );
  }

  /** Writes another archive's exported delta into this one (the journal, if any, records it). */
  applyDelta(bytes: Uint8Array): void {
    const { meta, arrays } = unpackState(bytes);
    if (meta.kind !== "density-delta" || meta.bufferSize !== this.bufferSize || meta.measureDim !== this.measureDim) throw new Error("delta is not of this density archive");
    const [slots, values] = arrays as [Float64Array, Float64Array];
    const md = this.measureDim;
    for (let i = 0; i < slots.length; i++) this.setSlot(slots[i]!, values, i * md);
    this.occupied = meta.occupied as number;
    this.w = meta.w as number;
    this.skip = meta.skip as number;
    this.rng.setState(meta.rng as ReturnType<Rng["getState"]>);
    this.gridDirty = true;
  }

  /** Undoes every change since beginDelta() (the journal stays open, empty). */
  rollbackDelta(): void {
    const j = this.journal;
    if (!j) throw new Error("rollbackDelta() without beginDelta()");
    const md = this.measureDim;
    for (const [slot, old] of j.before) if (old) this.buf.set(old, slot * md);
    this.occupied = j.occupied;
    this.w = j.w;
    this.skip = j.skip;
    this.rng.setState(j.rng);
    this.gridDirty = true;
    this.beginDelta();
  }

  /** Restores an exported state (same buffer size and dimensions). */
  importState(bytes: Uint8Array): void {
    const { meta, arrays } = unpackState(bytes);
    if (meta.kind !== "density" || meta.bufferSize !== this.bufferSize || meta.measureDim !== this.measureDim) throw new Error("state is not of this density archive");
    this.buf.set(arrays[0]!);
    this.occupied = meta.occupied as number;
    this.w = meta.w as number;
    this.skip = meta.skip as number;
    this.rng.setState(meta.rng as ReturnType<Rng["getState"]>);
    this.gridDirty = true;
    this.journal = null;
  }
}
