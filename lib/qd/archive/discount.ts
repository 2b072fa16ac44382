/**
 * Discount archive (pyribs DiscountArchive; Discount Model Search, Tjanaka
 * 2026): keeps no elites. A small MLP maps measures to a discount value (the
 * smooth counterpart of CMA-MAE's per-cell thresholds); add() reports
 * improvement = objective − discount (status 2 when positive). After each
 * batch the model regresses to CMA-MAE-style targets at the batch's measures,
 * (1−α)·discount + α·objective where the objective beat the discount, plus
 * threshold_min at up to `emptyPoints` centres of empty result-archive cells.
 *
 * pyribs trains after Scheduler.tell(); here the pending batch is trained at
 * the start of the next add() (or by train()), which sees the same model,
 * data and result archive. The model starts by regressing threshold_min at
 * `initTrainPoints` empty centres, on first use (so a worker that imports a
 * stored state never pays for that fit). Measures are normalised to [−1, 1]
 * and discounts to [0, 1] for training (pyribs' sphere configuration).
 *
 * exportState()/importState() carry everything that decides the continuation
 * (weights, Adam moments and step, pending rows, RNG) as bytes, for
 * distributed runs.
 */
import { MLP, type AdamOptions } from "../ml/mlp";
import { Rng, type RngState } from "../rng";
import { NEW, NOT_ADDED, type AddResult, type ArchiveBase, type InsertArchive } from "./base";
import { CVTArchive } from "./cvt";
import { GridArchive } from "./grid";
import { packState, unpackState } from "./state-codec";

export interface DiscountArchiveOptions {
  solutionDim: number;
  measureDim: number;
  /** α of the discount target rule. */
  learningRate: number;
  thresholdMin: number;
  /** Grid or CVT archive whose empty cells anchor the model at thresholdMin. */
  resultArchive: ArchiveBase;
  initTrainPoints?: number;
  emptyPoints?: number;
  /** Hidden layer widths (pyribs: 128, 128). */
  hidden?: number[];
  adam?: AdamOptions;
  trainEpochs?: number;
  trainCutoffLoss?: number;
  trainBatchSize?: number;
  /** Discount range mapped to [0, 1] for training (e.g. the objective range). */
  discountRange: [number, number];
  rng: Rng;
}

export interface TrainInfo {
  epochs: number;
  losses: number[];
  points: number;
}

export class DiscountArchive implements InsertArchive {
  readonly solutionDim: number;
  readonly measureDim: number;
  readonly learningRate: number;
  readonly thresholdMin: number;
  readonly model: MLP;
  readonly initTrainPoints: number;
  readonly emptyPoints: number;
  readonly trainEpochs: number;
  readonly trainCutoffLoss: number;
  readonly trainBatchSize: number;
  /** Result of the initial fit and of the latest training round. */
  lastTrain: TrainInfo | null = null;
  private readonly result: ArchiveBase;
  private readonly rng: Rng;
  private readonly mLow: Float64Array;
  private readonly mScale: Float64Array;
  private readonly dLow: number;
  private readonly dSpan: number;
  // Pending batch (normalised measures, targets in discount units).
  private pendingMeasures = new Float64Array(0);
  private pendingTargets = new Float64Array(0);
  private pending = 0;
  /** Whether the initial fit at empty centres has run (or a state was imported). */
  private initialized = false;
  private discount = new Float64Array(0);
  private status = new Uint8Array(0);
  private value = new Float64Array(0);
  private cells = new Int32Array(0);
  private xBuf = new Float64Array(0);

  constructor(opts: DiscountArchiveOptions) {
    if (!(opts.learningRate > 0 && opts.learningRate <= 1)) throw new Error("learningRate must be in (0, 1]");
    if (!Number.isFinite(opts.thresholdMin)) throw new Error("thresholdMin must be finite (unlike CMA-MAE)");
    if (!(opts.resultArchive instanceof GridArchive) && !(opts.resultArchive instanceof CVTArchive)) throw new Error("resultArchive must be a grid or CVT archive");
    if (opts.resultArchive.measureDim !== opts.measureDim) throw new Error("resultArchive has a different measure dimension");
    const [dLo, dHi] = opts.discountRange;
    if (!(dHi > dLo)) throw new Error("discountRange must have max > min");
    this.solutionDim = opts.solutionDim;
    this.measureDim = opts.measureDim;
    this.learningRate = opts.learningRate;
    this.thresholdMin = opts.thresholdMin;
    this.result = opts.resultArchive;
    this.rng = opts.rng;
    this.initTrainPoints = opts.initTrainPoints ?? 1000;
    this.emptyPoints = opts.emptyPoints ?? 100;
    this.trainEpochs = opts.trainEpochs ?? 5;
    this.trainCutoffLoss = opts.trainCutoffLoss ?? 0.05;
    this.trainBatchSize = opts.trainBatchSize ?? 32;
    this.mLow = Float64Array.from(this.result.lowerBounds);
    this.mScale = this.result.upperBounds.map((u, i) => u - this.result.lowerBounds[i]);
    this.dLow = dLo;
    this.dSpan = dHi - dLo;
    this.model = new MLP([opts.measureDim, ...(opts.hidden ?? [128, 128]), 1], this.rng, opts.adam);
  }

  /** The initial fit: threshold_min at `initTrainPoints` empty centres (first use, unless a state was imported). */
  private ensureInitialized(): void {
    if (this.initialized) return;
    this.initialized = true;
    const empty = this.sampleEmptyCenters(this.initTrainPoints);
    this.lastTrain = this.fit(empty, new Float64Array(empty.length / this.measureDim).fill(this.thresholdMin));
  }

  /** Rows of the last add(), waiting to train at the next add() (or train()). */
  get pendingRows(): number {
    return this.pending;
  }

  private normalizeMeasures(m: ArrayLike<number>, off: number, out: Float64Array, outOff: number): void {
    for (let k = 0; k < this.measureDim; k++) out[outOff + k] = (2 * (m[off + k] - this.mLow[k])) / this.mScale[k] - 1;
  }

  /** Centres (normalised to [−1, 1]) of up to n distinct empty result cells, chosen uniformly. */
  private sampleEmptyCenters(n: number): Float64Array {
    const a = this.result;
    const empties: number[] = [];
    for (let c = 0; c < a.cells; c++) if (a.occupied[c] !== 1) empties.push(c);
    const k = Math.min(n, empties.length);
    for (let i = 0; i < k; i++) {
      const j = i + this.rng.int(empties.length - i);
      const t = empties[i];
      empties[i] = empties[j];
      empties[j] = t;
    }
    const md = this.measureDim;
    const out = new Float64Array(k * md);
    const center = new Float64Array(md);
    for (let i = 0; i < k; i++) {
      const c = empties[i];
      if (a instanceof GridArchive) {
        const g = a.gridIndex(c);
        for (let d = 0; d < md; d++) center[d] = ((g[d] + 0.5) / a.dims[d]) * a.interval[d] + a.lowerBounds[d];
      } else {
        const cents = (a as CVTArchive).centroids;
        for (let d = 0; d < md; d++) center[d] = cents[c * md + d];
      }
      this.normalizeMeasures(center, 0, out, i * md);
    }
    return out;
  }

  /** Discount values (in objective units) at n measure rows. */
  inference(measures: ArrayLike<number>, n: number, out: Float64Array): void {
    this.ensureInitialized();
    const md = this.measureDim;
    if (this.xBuf.length < n * md) this.xBuf = new Float64Array(n * md);
    for (let i = 0; i < n; i++) this.normalizeMeasures(measures, i * md, this.xBuf, i * md);
    this.model.predict(this.xBuf, n, out);
    for (let i = 0; i < n; i++) out[i] = out[i] * this.dSpan + this.dLow;
  }

  /**
   * Regresses the model to targets (discount units) at normalised measures:
   * shuffled minibatches, up to trainEpochs epochs, stopping once an epoch's
   * mean loss (normalised units) is at most trainCutoffLoss.
   */
  private fit(x: Float64Array, targets: Float64Array): TrainInfo {
    const md = this.measureDim;
    const n = targets.length;
    const losses: number[] = [];
    if (n === 0) return { epochs: 0, losses, points: 0 };
    const perm = new Int32Array(n);
    const bs = this.trainBatchSize;
    const bx = new Float64Array(bs * md);
    const bt = new Float64Array(bs);
    for (let e = 0; e < this.trainEpochs; e++) {
      for (let i = 0; i < n; i++) perm[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = this.rng.int(i + 1);
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      let total = 0;
      for (let s = 0; s < n; s += bs) {
        const m = Math.min(bs, n - s);
        for (let r = 0; r < m; r++) {
          const i = perm[s + r];
          for (let k = 0; k < md; k++) bx[r * md + k] = x[i * md + k];
          bt[r] = (targets[i] - this.dLow) / this.dSpan;
        }
        total += this.model.trainStep(bx, bt, m) * m;
      }
      const loss = total / n;
      losses.push(loss);
      if (loss <= this.trainCutoffLoss) break;
    }
    return { epochs: losses.length, losses, points: n };
  }

  /** Trains on the batch of the last add() plus fresh empty-cell centres (no-op when nothing is pending). */
  train(): TrainInfo | null {
    this.ensureInitialized();
    if (this.pending === 0) return null;
    const md = this.measureDim;
    const empty = this.sampleEmptyCenters(this.emptyPoints);
    const ne = empty.length / md;
    const p = this.pending;
    const x = new Float64Array((p + ne) * md);
    x.set(this.pendingMeasures.subarray(0, p * md));
    x.set(empty, p * md);
    const t = new Float64Array(p + ne);
    t.set(this.pendingTargets.subarray(0, p));
    t.fill(this.thresholdMin, p);
    this.pending = 0;
    this.lastTrain = this.fit(x, t);
    return this.lastTrain;
  }

  /**
   * Improvement of each row over the model's discount (status 2 when the
   * objective is higher, else 0; NaN rows: 0 and −Infinity). The batch is
   * kept as the next training set.
   */
  add(_solutions: ArrayLike<number>, objectives: ArrayLike<number>, measures: ArrayLike<number>, n = objectives.length, out?: { status: Uint8Array; value: Float64Array; cells?: Int32Array }): AddResult {
    this.train(); // the initial fit on first use, then the last add()'s rows
    const md = this.measureDim;
    if (this.discount.length < n) {
      this.discount = new Float64Array(n);
      this.status = new Uint8Array(n);
      this.value = new Float64Array(n);
      this.cells = new Int32Array(n);
    }
    this.reservePending(n);
    const status = out?.status ?? this.status;
    const value = out?.value ?? this.value;
    const cells = out?.cells ?? this.cells;
    const disc = this.discount;
    this.inference(measures, n, disc);
    const a = this.learningRate;
    let p = 0;
    for (let i = 0; i < n; i++) {
      cells[i] = -1;
      const obj = objectives[i];
      let bad = obj !== obj;
      for (let k = 0; k < md; k++) bad ||= measures[i * md + k] !== measures[i * md + k];
      if (bad) {
        status[i] = NOT_ADDED;
        value[i] = -Infinity;
        continue;
      }
      const d = disc[i];
      status[i] = obj > d ? NEW : NOT_ADDED;
      value[i] = obj - d;
      this.normalizeMeasures(measures, i * md, this.pendingMeasures, p * md);
      this.pendingTargets[p++] = obj > d ? (1 - a) * d + a * obj : d;
    }
    this.pending = p;
    return { status: status.subarray(0, n), value: value.subarray(0, n), cells: cells.subarray(0, n) };
  }

  /** Room for `rows` pending rows (none are pending when this is called). */
  private reservePending(rows: number): void {
    if (this.pendingTargets.length >= rows) return;
    this.pendingMeasures = new Float64Array(rows * this.measureDim);
    this.pendingTargets = new Float64Array(rows);
  }

  /**
   * The model (weights, Adam moments and step), the pending rows and the RNG as bytes
   * (distributed runs keep them in PostgreSQL): importing them into an archive built with the
   * same options continues exactly as this one would. The normalisation is in the header too,
   * so the discount surface can be drawn from the bytes alone (discountSurface()).
   */
  exportState(): Uint8Array {
    const md = this.measureDim;
    const { m, v } = this.model.adamMoments;
    return packState(
      {
        kind: "discount",
        sizes: this.model.sizes,
        measureDim: md,
        initialized: this.initialized,
        step: this.model.steps,
        pending: this.pending,
        rng: this.rng.getState(),
        mLow: Array.from(this.mLow),
        mScale: Array.from(this.mScale),
        dLow: this.dLow,
        dSpan: this.dSpan,
        lastTrain: this.lastTrain && { epochs: this.lastTrain.epochs, points: this.lastTrain.points, loss: this.lastTrain.losses.at(-1) ?? null },
      },
      [this.model.params, m, v, this.pendingMeasures.subarray(0, this.pending * md), this.pendingTargets.subarray(0, this.pending)],
    );
  }

  /** Restores an exported state (same layer sizes, descriptor box and discount range). */
  importState(bytes: Uint8Array): void {
    const { meta, arrays } = unpackState(bytes);
    const same = (a: unknown, b: ArrayLike<number>) => Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);
    if (meta.kind !== "discount" || meta.measureDim !== this.measureDim || !same(meta.sizes, this.model.sizes) || !same(meta.mLow, this.mLow) || !same(meta.mScale, this.mScale) || meta.dLow !== this.dLow || meta.dSpan !== this.dSpan) {
      throw new Error("state is not of this discount archive");
    }
    const [params, m, v, pm, pt] = arrays as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    this.model.setState({ params, m, v, step: meta.step as number });
    this.pending = 0;
    this.reservePending(pt.length);
    this.pendingMeasures.set(pm);
    this.pendingTargets.set(pt);
    this.pending = meta.pending as number;
    this.rng.setState(meta.rng as RngState);
    this.initialized = meta.initialized as boolean;
    const last = meta.lastTrain as { epochs: number; points: number; loss: number | null } | null;
    this.lastTrain = last && { epochs: last.epochs, points: last.points, losses: last.loss === null ? [] : [last.loss] };
  }
}

/**
 * The discount an exported state's model predicts at n measure rows (objective units), from the
 * bytes alone: what a dashboard draws as the discount surface of a distributed run.
 */
export function discountSurface(state: Uint8Array, measures: ArrayLike<number>, n: number): Float64Array {
  const { meta, arrays } = unpackState(state);
  if (meta.kind !== "discount") throw new Error("state is not of a discount archive");
  const md = meta.measureDim as number;
  const mLow = meta.mLow as number[];
  const mScale = meta.mScale as number[];
  const model = new MLP(meta.sizes as number[], new Rng(0));
  model.setState({ params: arrays[0]!, m: arrays[1]!, v: arrays[2]!, step: meta.step as number });
  const x = new Float64Array(n * md);
  for (let i = 0; i < n; i++) for (let k = 0; k < md; k++) x[i * md + k] = (2 * (measures[i * md + k] - mLow[k])) / mScale[k] - 1;
  const out = new Float64Array(n);
  model.predict(x, n, out);
  const dLow = meta.dLow as number;
  const dSpan = meta.dSpan as number;
  for (let i = 0; i < n; i++) out[i] = out[i] * dSpan + dLow;
  return out;
}
