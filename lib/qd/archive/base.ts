/**
 * Shared archive storage, batch insertion (pyribs semantics) and incremental
 * metrics. Subclasses only provide `cellOf` (grid or CVT index function).
 *
 * Storage is struct-of-arrays over cells: never one object per cell.
 */
import type { Rng } from "../rng";

export const NOT_ADDED = 0;
export const IMPROVE_EXISTING = 1;
export const NEW = 2;
export type AddStatus = 0 | 1 | 2;

export interface ArchiveOptions {
  solutionDim: number;
  /** CMA-MAE archive learning rate α; 1 = plain elitist archive. */
  learningRate?: number;
  /** Initial threshold of every cell; -Infinity = plain elitist archive. */
  thresholdMin?: number;
  /** Subtracted from every objective in the QD score. */
  qdScoreOffset?: number;
  /** Put solutions and the occupied list in SharedArrayBuffers (read by worker threads). */
  shared?: boolean;
}

export interface ArchiveStats {
  cells: number;
  numElites: number;
  coverage: number;
  qdScore: number;
  normQdScore: number;
  /** Best objective ever inserted (exact for elitist archives; pyribs semantics otherwise). */
  objMax: number;
  objMean: number;
}

/** One occupied cell, as exchanged with workers / the database. */
export interface EliteRow {
  cell: number;
  objective: number;
  measures: number[];
  solution: number[];
  /** CMA-MAE threshold; defaults to the objective when absent. */
  threshold?: number;
}

/** Row accepted by import(): typed arrays are fine for measures and solution. */
export interface EliteRowInput {
  cell: number;
  objective: number;
  measures: ArrayLike<number>;
  solution: ArrayLike<number>;
  threshold?: number;
}

export interface AddResult {
  status: Uint8Array;
  value: Float64Array;
  cells: Int32Array;
  /** Proximity archives: mean distance to the k nearest stored measures (before the batch). */
  novelty?: Float64Array;
  /** Proximity archives with local competition: how many of those neighbours have a lower objective. */
  localCompetition?: Float64Array;
  /** Density archives: density (or log density) at each measure, before the batch. */
  density?: Float64Array;
}

/** What a scheduler inserts into: grid/CVT archives and the novelty, density and discount archives. */
export interface InsertArchive {
  readonly solutionDim: number;
  readonly measureDim: number;
  add(solutions: ArrayLike<number>, objectives: ArrayLike<number>, measures: ArrayLike<number>, n?: number, out?: { status: Uint8Array; value: Float64Array; cells?: Int32Array }): AddResult;
}

/** What an emitter samples parents and restart points from (row-major solutions by cell). */
export interface EliteSource {
  readonly solutionDim: number;
  readonly measureDim: number;
  readonly numElites: number;
  readonly solutions: Float64Array;
  /** Measure-space box (random-direction rankers). */
  readonly lowerBounds: Float64Array;
  readonly upperBounds: Float64Array;
  /** Uniformly random stored row; -1 when empty. */
  sampleCell(rng: Rng): number;
}

export abstract class ArchiveBase {
  readonly cells: number;
  readonly solutionDim: number;
  readonly measureDim: number;
  readonly learningRate: number;
  readonly thresholdMin: number;
  readonly qdScoreOffset: number;
  /** Measure-space box (used by random-direction rankers and CVT sampling). */
  readonly lowerBounds: Float64Array;
  readonly upperBounds: Float64Array;

  readonly objective: Float64Array;
  readonly threshold: Float64Array;
  readonly measures: Float64Array;
  readonly solutions: Float64Array;
  readonly occupied: Uint8Array;
  /** Dense list of occupied cells, first numElites entries valid: O(1) sampling. */
  readonly occupiedList: Int32Array;
  numElites = 0;

  private objSum = 0;
  private objSumComp = 0; // Kahan compensation: the sum sees millions of updates
  private objMax = -Infinity;
  private bestCell = -1;

  // Per-batch scratch, indexed by cell; reset after every add().
  private readonly batchBest: Int32Array;
  private readonly batchCount: Int32Array;
  private readonly batchSum: Float64Array;
  private touched = new Int32Array(64);
  private outStatus = new Uint8Array(64);
  private outValue = new Float64Array(64);
  private outCells = new Int32Array(64);

  protected constructor(cells: number, measureDim: number, lower: ArrayLike<number>, upper: ArrayLike<number>, opts: ArchiveOptions) {
    if (!Number.isInteger(opts.solutionDim) || opts.solutionDim < 1) throw new Error("solutionDim must be a positive integer");
    if (!Number.isInteger(cells) || cells < 1) throw new Error("archive needs at least one cell");
    this.cells = cells;
    this.solutionDim = opts.solutionDim;
    this.measureDim = measureDim;
    this.learningRate = opts.learningRate ?? 1;
    this.thresholdMin = opts.thresholdMin ?? -Infinity;
    this.qdScoreOffset = opts.qdScoreOffset ?? 0;
    if (!(this.learningRate > 0 && this.learningRate <= 1)) throw new Error("learningRate must be in (0, 1]");
    if (this.thresholdMin === -Infinity && this.learningRate !== 1) {
      throw new Error("learningRate < 1 requires a finite thresholdMin (pyribs rule)");
    }
    this.lowerBounds = Float64Array.from(lower);
    this.upperBounds = Float64Array.from(upper);
    this.objective = new Float64Array(cells);
    this.threshold = new Float64Array(cells).fill(this.thresholdMin);
    this.measures = new Float64Array(cells * measureDim);
    const sab = (bytes: number) => (opts.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    this.solutions = new Float64Array(sab(cells * this.solutionDim * 8));
    this.occupied = new Uint8Array(cells);
    this.occupiedList = new Int32Array(sab(cells * 4));
    this.batchBest = new Int32Array(cells).fill(-1);
    this.batchCount = new Int32Array(cells);
    this.batchSum = new Float64Array(cells);
  }

  /** Cell index of one measure vector (at `offset`), or -1 when it contains NaN. */
  abstract cellOf(measures: ArrayLike<number>, offset?: number): number;

  get empty(): boolean {
    return this.numElites === 0;
  }

  /** Occupied cells as a view (do not keep across inserts). */
  occupiedCells(): Int32Array {
    return this.occupiedList.subarray(0, this.numElites);
  }

  /** Uniformly random occupied cell; -1 when empty. */
  sampleCell(rng: Rng): number {
    return this.numElites === 0 ? -1 : this.occupiedList[rng.int(this.numElites)];
  }

  /**
   * Batch insertion with pyribs' `batch_entries_with_threshold` semantics:
   * status and value are relative to the archive before the batch; among the
   * candidates that beat a cell's threshold the highest objective wins (first
   * on ties); thresholds follow the CMA-MAE batch rule
   * t ← (1-α)^k t + (1-(1-α)^k)·mean(f of the k candidates that beat t).
   * Candidates with NaN objective or NaN measures are rejected (status 0,
   * value -Infinity). Returned arrays are views reused by the next call.
   */
  add(solutions: ArrayLike<number>, objectives: ArrayLike<number>, measures: ArrayLike<number>, n = objectives.length, out?: { status: Uint8Array; value: Float64Array; cells?: Int32Array }): AddResult {
    this.ensureScratch(n);
    const status = out?.status ?? this.outStatus;
    const value = out?.value ?? this.outValue;
    const cellBuf = out?.cells ?? this.outCells;
    const md = this.measureDim;
    const tMin = this.thresholdMin;
    const elitist = tMin === -Infinity;
    const newBase = elitist ? 0 : tMin;
    const occupied = this.occupied;
    const threshold = this.threshold;
    const batchBest = this.batchBest;
    const batchCount = this.batchCount;
    const batchSum = this.batchSum;
    const touched = this.touched;
    let nTouched = 0;

    for (let i = 0; i < n; i++) {
      const obj = objectives[i];
      const c = this.cellOf(measures, i * md);
      cellBuf[i] = c;
      if (c < 0 || obj !== obj) {
        status[i] = NOT_ADDED;
        value[i] = -Infinity;
        continue;
      }
      const occ = occupied[c] === 1;
      const cur = occ ? threshold[c] : tMin;
      if (obj > cur) {
        status[i] = occ ? IMPROVE_EXISTING : NEW;
        value[i] = obj - (occ ? cur : newBase);
        const k = batchCount[c];
        if (k === 0) {
          touched[nTouched++] = c;
          batchBest[c] = i;
        } else if (obj > objectives[batchBest[c]]) {
          batchBest[c] = i;
        }
        batchCount[c] = k + 1;
        batchSum[c] += obj;
      } else {
        status[i] = NOT_ADDED;
        value[i] = obj - cur;
      }
    }

    const sd = this.solutionDim;
    const lr = this.learningRate;
    for (let t = 0; t < nTouched; t++) {
      const c = touched[t];
      const i = batchBest[c];
      const obj = objectives[i];
      let newThreshold: number;
      if (elitist) {
        newThreshold = obj;
      } else {
        const k = batchCount[c];
        const cur = occupied[c] === 1 ? threshold[c] : tMin;
        const ratio = Math.pow(1 - lr, k);
        newThreshold = ratio * cur + (batchSum[c] / k) * (1 - ratio);
      }
      this.store(c, obj, newThreshold, solutions, i * sd, measures, i * md);
      batchBest[c] = -1;
      batchCount[c] = 0;
      batchSum[c] = 0;
    }
    return { status: status.subarray(0, n), value: value.subarray(0, n), cells: cellBuf.subarray(0, n) };
  }

  /** Writes one elite and keeps metrics current. */
  protected store(c: number, obj: number, thr: number, sol: ArrayLike<number>, solOff: number, meas: ArrayLike<number>, measOff: number): void {
    if (this.occupied[c] === 1) {
      this.kahanAdd(obj - this.objective[c]);
    } else {
      this.occupied[c] = 1;
      this.occupiedList[this.numElites++] = c;
      this.kahanAdd(obj);
    }
    this.objective[c] = obj;
    this.threshold[c] = thr;
    if (obj > this.objMax) {
      this.objMax = obj;
      this.bestCell = c;
    }
    const sd = this.solutionDim;
    const s = this.solutions;
    const base = c * sd;
    for (let j = 0; j < sd; j++) s[base + j] = sol[solOff + j];
    const md = this.measureDim;
    const m = this.measures;
    const mb = c * md;
    for (let j = 0; j < md; j++) m[mb + j] = meas[measOff + j];
  }

  private kahanAdd(x: number): void {
    const y = x - this.objSumComp;
    const t = this.objSum + y;
    this.objSumComp = t - this.objSum - y;
    this.objSum = t;
  }

  private ensureScratch(n: number): void {
    if (this.touched.length >= n) return;
    let size = this.touched.length;
    while (size < n) size *= 2;
    this.touched = new Int32Array(size);
    this.outStatus = new Uint8Array(size);
    this.outValue = new Float64Array(size);
    this.outCells = new Int32Array(size);
  }

  /** Single insertion; same rule as a batch of one. */
  addOne(solution: ArrayLike<number>, objective: number, measures: ArrayLike<number>): { status: AddStatus; value: number; cell: number } {
    const r = this.add(solution, [objective], measures, 1);
    return { status: r.status[0] as AddStatus, value: r.value[0], cell: r.cells[0] };
  }

  stats(): ArchiveStats {
    const n = this.numElites;
    const qd = this.objSum - this.qdScoreOffset * n;
    return {
      cells: this.cells,
      numElites: n,
      coverage: n / this.cells,
      qdScore: qd,
      normQdScore: qd / this.cells,
      objMax: n === 0 ? NaN : this.objMax,
      objMean: n === 0 ? NaN : this.objSum / n,
    };
  }

  /** Cell holding the best objective ever inserted (-1 when empty). */
  get bestEliteCell(): number {
    return this.bestCell;
  }

  /** One elite as plain arrays (null when the cell is empty). */
  get(cell: number): EliteRow | null {
    if (cell < 0 || cell >= this.cells || this.occupied[cell] !== 1) return null;
    const sd = this.solutionDim;
    const md = this.measureDim;
    return {
      cell,
      objective: this.objective[cell],
      threshold: this.threshold[cell],
      measures: Array.from(this.measures.subarray(cell * md, cell * md + md)),
      solution: Array.from(this.solutions.subarray(cell * sd, cell * sd + sd)),
    };
  }

  /** All occupied cells (for persistence or a worker's cache). */
  export(): EliteRow[] {
    const rows: EliteRow[] = [];
    for (let k = 0; k < this.numElites; k++) rows.push(this.get(this.occupiedList[k])!);
    return rows;
  }

  /**
   * Rebuilds cells from rows. A row replaces the stored elite only when the
   * cell is empty or the row is strictly better, so importing the same rows
   * twice or in any order gives the same archive.
   */
  import(rows: Iterable<EliteRowInput>): void {
    for (const r of rows) {
      if (!Number.isInteger(r.cell) || r.cell < 0 || r.cell >= this.cells) throw new Error(`cell ${r.cell} out of range`);
      if (r.solution.length !== this.solutionDim) throw new Error(`solution must have ${this.solutionDim} values`);
      if (r.measures.length !== this.measureDim) throw new Error(`measures must have ${this.measureDim} values`);
      if (this.occupied[r.cell] === 1 && !(r.objective > this.objective[r.cell])) continue;
      this.store(r.cell, r.objective, r.threshold ?? r.objective, r.solution, 0, r.measures, 0);
    }
  }

  clear(): void {
    this.occupied.fill(0);
    this.threshold.fill(this.thresholdMin);
    this.numElites = 0;
    this.objSum = 0;
    this.objSumComp = 0;
    this.objMax = -Infinity;
    this.bestCell = -1;
  }
}
