/**
 * Proximity archive (pyribs ProximityArchive; Lehman & Stanley 2011): an
 * unstructured archive that keeps a solution when its novelty, the mean
 * measure-space distance to its k nearest stored neighbours, reaches a
 * threshold. With local competition (NSLC) a solution that is not novel
 * enough replaces its nearest neighbour when its objective is higher, and
 * add() also reports how many of the k neighbours it beats.
 *
 * Novelty, neighbours and replacements of a batch are all computed against
 * the archive as it was before the batch (pyribs' batch semantics). Storage
 * grows by doubling. Neighbours come from a k-d tree over the rows stored when
 * it was built plus a linear scan of the rows added or replaced since; the
 * tree is rebuilt when that tail outgrows an eighth of it, not after every
 * batch (small batches, as distributed jobs make, would rebuild it each time).
 */
import type { Rng } from "../rng";
import { IMPROVE_EXISTING, NEW, NOT_ADDED, type AddResult, type EliteSource, type InsertArchive } from "./base";
import { KdTree } from "./kdtree";
import { packState, unpackState } from "./state-codec";

export interface ProximityArchiveOptions {
  solutionDim: number;
  measureDim: number;
  kNeighbors: number;
  noveltyThreshold: number;
  localCompetition?: boolean;
  initialCapacity?: number;
  /** Measure-space box, used only by random-direction rankers (default unbounded). */
  ranges?: [number, number][];
}

export class ProximityArchive implements InsertArchive, EliteSource {
  readonly solutionDim: number;
  readonly measureDim: number;
  readonly kNeighbors: number;
  readonly noveltyThreshold: number;
  readonly localCompetition: boolean;
  readonly lowerBounds: Float64Array;
  readonly upperBounds: Float64Array;
  numElites = 0;
  private sols: Float64Array;
  private meas: Float64Array;
  private objs: Float64Array;
  private tree: KdTree | null = null;
  /** Rows the tree was built over. */
  private treeN = 0;
  /** Rows the tree must skip (replaced since the build, by row). */
  private stale = new Uint8Array(0);
  /** Rows scanned linearly: added since the build, or replaced (stale in the tree). */
  private tail: number[] = [];
  private novelty = new Float64Array(0);
  private lc = new Float64Array(0);
  private nearest = new Int32Array(0);
  private status = new Uint8Array(0);
  private value = new Float64Array(0);
  private cells = new Int32Array(0);
  private readonly knnIdx: Int32Array;
  private readonly knnDist: Float64Array;
  /** Changes since beginDelta(): the row count then and each written row's content then (null: a row added since). */
  private journal: { n0: number; before: Map<number, { sol: Float64Array; meas: Float64Array; obj: number } | null> } | null = null;

  constructor(opts: ProximityArchiveOptions) {
    if (!Number.isInteger(opts.solutionDim) || opts.solutionDim < 1) throw new Error("solutionDim must be a positive integer");
    if (!Number.isInteger(opts.measureDim) || opts.measureDim < 1) throw new Error("measureDim must be a positive integer");
    if (!Number.isInteger(opts.kNeighbors) || opts.kNeighbors < 1) throw new Error("kNeighbors must be a positive integer");
    if (!(opts.noveltyThreshold >= 0)) throw new Error("noveltyThreshold must be >= 0");
    const cap = opts.initialCapacity ?? 128;
    if (!Number.isInteger(cap) || cap < 1) throw new Error("initialCapacity must be at least 1");
    this.solutionDim = opts.solutionDim;
    this.measureDim = opts.measureDim;
    this.kNeighbors = opts.kNeighbors;
    this.noveltyThreshold = opts.noveltyThreshold;
    this.localCompetition = opts.localCompetition ?? false;
    this.lowerBounds = Float64Array.from({ length: this.measureDim }, (_, i) => opts.ranges?.[i]?.[0] ?? -Infinity);
    this.upperBounds = Float64Array.from({ length: this.measureDim }, (_, i) => opts.ranges?.[i]?.[1] ?? Infinity);
    this.sols = new Float64Array(cap * this.solutionDim);
    this.meas = new Float64Array(cap * this.measureDim);
    this.objs = new Float64Array(cap);
    this.knnIdx = new Int32Array(this.kNeighbors);
    this.knnDist = new Float64Array(this.kNeighbors);
  }

  get capacity(): number {
    return this.objs.length;
  }

  get empty(): boolean {
    return this.numElites === 0;
  }

  /** Stored solutions, row-major, first numElites rows valid (view; storage moves when it grows). */
  get solutions(): Float64Array {
    return this.sols;
  }

  /** Stored measures, row-major, first numElites rows valid. */
  get measures(): Float64Array {
    return this.meas;
  }

  get objective(): Float64Array {
    return this.objs;
  }

  sampleCell(rng: Rng): number {
    return this.numElites === 0 ? -1 : rng.int(this.numElites);
  }

  /**
   * Novelty (and local competition against `objectives`) of measure rows
   * against the stored ones. Empty archive: novelty = threshold, competition 0.
   */
  computeNovelty(measures: ArrayLike<number>, n: number, novelty: Float64Array, lc?: Float64Array | null, objectives?: ArrayLike<number>, nearest?: Int32Array): void {
    const md = this.measureDim;
    const tree = this.tree;
    const k = this.kNeighbors;
    const idx = this.knnIdx;
    const dist = this.knnDist;
    const tail = this.tail;
    const meas = this.meas;
    for (let i = 0; i < n; i++) {
      if (this.numElites === 0) {
        novelty[i] = this.noveltyThreshold;
        if (lc) lc[i] = 0;
        if (nearest) nearest[i] = -1;
        continue;
      }
      let found = tree === null ? 0 : tree.kNearest(measures, i * md, k, idx, dist, this.stale);
      // Merge the tail into the sorted k nearest (same arithmetic as the tree; ties keep the earlier point).
      for (let t = 0; t < tail.length; t++) {
        const r = tail[t]!;
        let d2 = 0;
        for (let j = 0; j < md; j++) {
          const x = measures[i * md + j] - meas[r * md + j];
          d2 += x * x;
        }
        const d = Math.sqrt(d2);
        if (found === k && d >= dist[k - 1]) continue;
        let j = found === k ? k - 1 : found++;
        while (j > 0 && dist[j - 1] > d) {
          dist[j] = dist[j - 1];
          idx[j] = idx[j - 1];
          j--;
        }
        dist[j] = d;
        idx[j] = r;
      }
      let s = 0;
      for (let j = 0; j < found; j++) s += dist[j];
      novelty[i] = s / found;
      if (nearest) nearest[i] = idx[0];
      if (lc && objectives) {
        let beaten = 0;
        const o = objectives[i];
        for (let j = 0; j < found; j++) if (this.objs[idx[j]] < o) beaten++;
        lc[i] = beaten;
      }
    }
  }

  /**
   * Batch insertion. Status: 2 novel enough (appended), 1 replaced its
   * nearest neighbour (local competition only; the best candidate per
   * neighbour wins, first on ties), 0 otherwise. Value: with local
   * competition, the objective for novel rows and objective − neighbour's
   * objective for the others (pyribs); without it, the objective of added
   * rows and 0 for the others. Rows with NaN objective or measures are not
   * added (value −Infinity, novelty 0). Returned arrays are reused views.
   */
  add(solutions: ArrayLike<number>, objectives: ArrayLike<number>, measures: ArrayLike<number>, n = objectives.length, out?: { status: Uint8Array; value: Float64Array; cells?: Int32Array }): AddResult {
    this.ensureScratch(n);
    const status = out?.status ?? this.status;
    const value = out?.value ?? this.value;
    const cells = out?.cells ?? this.cells;
    const md = this.measureDim;
    const novelty = this.novelty;
    const lc = this.lc;
    const nearest = this.nearest;
    this.computeNovelty(measures, n, novelty, this.localCompetition ? lc : null, objectives, nearest);

    let newCount = 0;
    // Best replacement candidate per stored row (local competition).
    const replace = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const obj = objectives[i];
      let bad = obj !== obj;
      for (let j = 0; j < md && !bad; j++) bad = measures[i * md + j] !== measures[i * md + j];
      if (bad) {
        status[i] = NOT_ADDED;
        value[i] = -Infinity;
        novelty[i] = 0;
        lc[i] = 0;
        cells[i] = -1;
        continue;
      }
      if (novelty[i] >= this.noveltyThreshold) {
        status[i] = NEW;
        value[i] = obj;
        newCount++;
        continue;
      }
      const nb = nearest[i];
      cells[i] = nb;
      if (!this.localCompetition) {
        status[i] = NOT_ADDED;
        value[i] = 0;
        continue;
      }
      const cur = this.objs[nb];
      value[i] = obj - cur;
      if (obj > cur) {
        status[i] = IMPROVE_EXISTING;
        const prev = replace.get(nb);
        if (prev === undefined || obj > objectives[prev]) replace.set(nb, i);
      } else {
        status[i] = NOT_ADDED;
      }
    }

    if (newCount > 0 || replace.size > 0) {
      for (const [nb, i] of replace) {
        this.write(nb, solutions, i, objectives[i], measures);
        // A replaced row moved: the tree skips its old place and the tail scans it where it is now.
        if (nb < this.treeN && this.stale[nb] === 0) {
          this.stale[nb] = 1;
          this.tail.push(nb);
        }
      }
      this.grow(this.numElites + newCount);
      for (let i = 0; i < n; i++) {
        if (status[i] !== NEW) continue;
        cells[i] = this.numElites;
        this.tail.push(this.numElites);
        this.write(this.numElites++, solutions, i, objectives[i], measures);
      }
      if (this.tail.length > Math.max(64, this.treeN >> 3)) this.rebuild();
    }
    const res: AddResult = { status: status.subarray(0, n), value: value.subarray(0, n), cells: cells.subarray(0, n), novelty: novelty.subarray(0, n) };
    if (this.localCompetition) res.localCompetition = lc.subarray(0, n);
    return res;
  }

  /** A tree over every stored row; nothing left to scan. */
  private rebuild(): void {
    const n = this.numElites;
    this.tree = n > 0 ? new KdTree(this.meas.subarray(0, n * this.measureDim), this.measureDim) : null;
    this.treeN = n;
    if (this.stale.length < n) this.stale = new Uint8Array(this.capacity);
    else this.stale.fill(0);
    this.tail = [];
  }

  private write(row: number, solutions: ArrayLike<number>, i: number, obj: number, measures: ArrayLike<number>): void {
    const sd = this.solutionDim;
    const md = this.measureDim;
    const j = this.journal;
    if (j && !j.before.has(row)) {
      j.before.set(row, row < j.n0 ? { sol: this.sols.slice(row * sd, (row + 1) * sd), meas: this.meas.slice(row * md, (row + 1) * md), obj: this.objs[row]! } : null);
    }
    for (let j = 0; j < sd; j++) this.sols[row * sd + j] = solutions[i * sd + j];
    for (let j = 0; j < md; j++) this.meas[row * md + j] = measures[i * md + j];
    this.objs[row] = obj;
  }

  private grow(size: number): void {
    if (size <= this.capacity) return;
    let cap = this.capacity;
    while (cap < size) cap *= 2;
    const sols = new Float64Array(cap * this.solutionDim);
    sols.set(this.sols);
    const meas = new Float64Array(cap * this.measureDim);
    meas.set(this.meas);
    const objs = new Float64Array(cap);
    objs.set(this.objs);
    this.sols = sols;
    this.meas = meas;
    this.objs = objs;
  }

  private ensureScratch(n: number): void {
    if (this.novelty.length >= n) return;
    this.novelty = new Float64Array(n);
    this.lc = new Float64Array(n);
    this.nearest = new Int32Array(n);
    this.status = new Uint8Array(n);
    this.value = new Float64Array(n);
    this.cells = new Int32Array(n);
  }

  clear(): void {
    this.numElites = 0;
    this.rebuild();
  }

  /** The stored points (solutions, measures, objectives) as bytes (distributed runs keep them in PostgreSQL). */
  exportState(): Uint8Array {
    const n = this.numElites;
    return packState({ kind: "proximity", n, solutionDim: this.solutionDim, measureDim: this.measureDim }, [
      this.sols.subarray(0, n * this.solutionDim),
      this.meas.subarray(0, n * this.measureDim),
      this.objs.subarray(0, n),
    ]);
  }

  /**
   * Starts recording changes: exportDelta() then returns what add() changed since (the rows written,
   * with their new content), and rollbackDelta() undoes it. Distributed runs store a job's delta
   * instead of the whole archive.
   */
  beginDelta(): void {
    this.journal = { n0: this.numElites, before: new Map() };
  }

  /** The rows written since beginDelta() (row numbers, solutions, measures, objectives) and the new row count. */
  exportDelta(): Uint8Array {
    const j = this.journal;
    if (!j) throw new Error("exportDelta() without beginDelta()");
    const rows = [...j.before.keys()].sort((a, b) => a - b);
    const sd = this.solutionDim;
    const md = this.measureDim;
    const sols = new Float64Array(rows.length * sd);
    const meas = new Float64Array(rows.length * md);
    const objs = new Float64Array(rows.length);
    rows.forEach((r, i) => {
      sols.set(this.sols.subarray(r * sd, (r + 1) * sd), i * sd);
      meas.set(this.meas.subarray(r * md, (r + 1) * md), i * md);
      objs[i] = this.objs[r]!;
    });
    return packState({ kind: "proximity-delta", n: this.numElites, solutionDim: sd, measureDim: md }, [Float64Array.from(rows), sols, meas, objs]);
  }

  /** Writes another archive's exported delta (its rows and row count) into this one; the journal, if any, records it. */
  applyDelta(bytes: Uint8Array): void {
    const { meta, arrays } = unpackState(bytes);
    if (meta.kind !== "proximity-delta" || meta.solutionDim !== this.solutionDim || meta.measureDim !== this.measureDim) throw new Error("delta is not of this proximity archive");
    const [rows, sols, meas, objs] = arrays as [Float64Array, Float64Array, Float64Array, Float64Array];
    const n = meta.n as number;
    const before = this.numElites;
    this.grow(n);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (r >= n) throw new Error(`delta writes row ${r} beyond its row count ${n}`);
      this.write(r, sols, i, objs[i]!, meas);
      this.track(r, before);
    }
    this.numElites = n;
    this.settle();
  }

  /** Undoes every change since beginDelta() (the journal stays open, empty). */
  rollbackDelta(): void {
    const j = this.journal;
    if (!j) throw new Error("rollbackDelta() without beginDelta()");
    this.journal = null;
    const sd = this.solutionDim;
    const md = this.measureDim;
    for (const [r, old] of j.before) {
      if (!old) continue;
      this.sols.set(old.sol, r * sd);
      this.meas.set(old.meas, r * md);
      this.objs[r] = old.obj;
      this.track(r, Infinity);
    }
    this.numElites = j.n0;
    // The tree or the tail may hold rows that no longer exist.
    if (this.treeN > j.n0) this.rebuild();
    else this.tail = this.tail.filter((r) => r < j.n0);
    this.journal = { n0: j.n0, before: new Map() };
  }

  /** Neighbour search after row r changed: scanned from the tail, skipped in the tree (`rowsBefore`: rows that existed). */
  private track(r: number, rowsBefore: number): void {
    if (r < this.treeN) {
      if (this.stale[r] === 0) {
        this.stale[r] = 1;
        this.tail.push(r);
      }
    } else if (r >= rowsBefore) {
      this.tail.push(r); // a new row (rows past the tree that existed are in the tail already)
    }
  }

  private settle(): void {
    if (this.tail.length > Math.max(64, this.treeN >> 3)) this.rebuild();
  }

  /** Replaces the stored points with an exported state (same dimensions). */
  importState(bytes: Uint8Array): void {
    const { meta, arrays } = unpackState(bytes);
    if (meta.kind !== "proximity" || meta.solutionDim !== this.solutionDim || meta.measureDim !== this.measureDim) throw new Error("state is not of this proximity archive");
    const n = meta.n as number;
    const [sols, meas, objs] = arrays as [Float64Array, Float64Array, Float64Array];
    this.numElites = 0;
    this.grow(n);
    this.sols.set(sols);
    this.meas.set(meas);
    this.objs.set(objs);
    this.numElites = n;
    this.journal = null;
    this.rebuild();
  }
}
