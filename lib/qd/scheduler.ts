/**
 * Scheduler (pyribs): ask() concatenates every emitter's batch into one
 * reusable buffer; tell() inserts the whole batch into the archive (and the
 * optional result archive, e.g. CMA-MAE's elitist copy), then hands each
 * emitter its own rows with status and improvement value. DQD emitters add
 * a gradient phase before each ask (askDqd / tellDqd, same insertion rules).
 */
import { ArchiveBase, type AddResult, type InsertArchive } from "./archive/base";
import type { Emitter, TellBatch } from "./emitters/types";

/** What runAlgorithm drives: the plain scheduler and the bandit scheduler. */
export interface QdScheduler {
  /** Archive the emitters' results go into (grid/CVT, or a novelty, density or discount archive). */
  readonly archive: InsertArchive;
  /** Every emitter (the bandit scheduler's whole pool). */
  readonly emitters: Emitter[];
  /** Largest number of rows ask() returns. */
  readonly batchSize: number;
  /** Rows askDqd() returns (0 without DQD emitters). */
  readonly batchSizeDqd: number;
  readonly solutionDim: number;
  readonly resultArchive: ArchiveBase;
  evaluations: number;
  iterations: number;
  /** Row-major batch; its length / solutionDim is the number of rows to evaluate. */
  ask(): Float64Array;
  tell(objectives: Float64Array, measures: Float64Array): AddResult;
  askDqd(): Float64Array;
  tellDqd(objectives: Float64Array, measures: Float64Array, jacobians: Float64Array): AddResult;
}

export class Scheduler implements QdScheduler {
  /** Archive the emitters' results go into (grid/CVT, or a novelty, density or discount archive). */
  readonly archive: InsertArchive;
  readonly emitters: Emitter[];
  readonly batchSize: number;
  readonly batchSizeDqd: number;
  readonly solutionDim: number;
  /** Evaluations told so far. */
  evaluations = 0;
  iterations = 0;
  private readonly _resultArchive: ArchiveBase | null;
  private readonly buf: Float64Array;
  private readonly dqdBuf: Float64Array;
  private readonly status: Uint8Array;
  private readonly value: Float64Array;
  private readonly cells: Int32Array;
  private readonly offsets: number[];
  private readonly dqdOffsets: number[];
  private last: "ask" | "askDqd" | null = null;

  constructor(archive: InsertArchive, emitters: Emitter[], opts: { resultArchive?: ArchiveBase | null } = {}) {
    if (emitters.length === 0) throw new Error("pass at least one emitter");
    if (new Set(emitters).size !== emitters.length) throw new Error("each emitter must be a distinct instance");
    if (opts.resultArchive === archive) throw new Error("resultArchive must differ from archive");
    this.archive = archive;
    this.emitters = emitters;
    this._resultArchive = opts.resultArchive ?? null;
    this.solutionDim = archive.solutionDim;
    for (const e of emitters) {
      if (e.solutionDim !== this.solutionDim) throw new Error("all emitters must share the archive's solutionDim");
    }
    this.offsets = [];
    this.dqdOffsets = [];
    let total = 0;
    let totalDqd = 0;
    for (const e of emitters) {
      this.offsets.push(total);
      this.dqdOffsets.push(totalDqd);
      total += e.batchSize;
      totalDqd += e.askDqd ? (e.batchSizeDqd ?? 0) : 0;
    }
    this.batchSize = total;
    this.batchSizeDqd = totalDqd;
    this.buf = new Float64Array(total * this.solutionDim);
    this.dqdBuf = new Float64Array(totalDqd * this.solutionDim);
    const rows = Math.max(total, totalDqd);
    this.status = new Uint8Array(rows);
    this.value = new Float64Array(rows);
    this.cells = new Int32Array(rows);
  }

  /** The archive that holds the best solutions found (result archive if any). */
  get resultArchive(): ArchiveBase {
    if (this._resultArchive) return this._resultArchive;
    if (!(this.archive instanceof ArchiveBase)) throw new Error("this archive keeps no elites: pass a resultArchive");
    return this.archive;
  }

  /** Row-major batch (batchSize × solutionDim). The buffer is reused: copy it to keep it. */
  ask(): Float64Array {
    const sd = this.solutionDim;
    for (let i = 0; i < this.emitters.length; i++) {
      const o = this.offsets[i] * sd;
      const e = this.emitters[i];
      e.ask(this.buf.subarray(o, o + e.batchSize * sd));
    }
    this.last = "ask";
    return this.buf;
  }

  /** objectives[batchSize], measures[batchSize × measureDim], in ask() order. */
  tell(objectives: Float64Array, measures: Float64Array): AddResult {
    if (this.last !== "ask") throw new Error("tell() called without ask()");
    this.last = null;
    return this.insertAndTell(this.buf, this.batchSize, this.offsets, objectives, measures, (e) => e.batchSize, (e, b) => e.tell(b), true);
  }

  /** Gradient-phase batch (batchSizeDqd rows) from the DQD emitters; call before ask(). */
  askDqd(): Float64Array {
    if (this.batchSizeDqd === 0) throw new Error("askDqd() needs at least one DQD emitter");
    const sd = this.solutionDim;
    for (let i = 0; i < this.emitters.length; i++) {
      const e = this.emitters[i];
      if (!e.askDqd) continue;
      const o = this.dqdOffsets[i] * sd;
      e.askDqd(this.dqdBuf.subarray(o, o + (e.batchSizeDqd ?? 0) * sd));
    }
    this.last = "askDqd";
    return this.dqdBuf;
  }

  /** Results of askDqd()'s rows and their Jacobians (n × (1 + measureDim) × solutionDim). */
  tellDqd(objectives: Float64Array, measures: Float64Array, jacobians: Float64Array): AddResult {
    if (this.last !== "askDqd") throw new Error("tellDqd() called without askDqd()");
    this.last = null;
    const jd = (1 + this.archive.measureDim) * this.solutionDim;
    if (jacobians.length < this.batchSizeDqd * jd) throw new Error(`jacobians must have ${this.batchSizeDqd * jd} values`);
    return this.insertAndTell(
      this.dqdBuf,
      this.batchSizeDqd,
      this.dqdOffsets,
      objectives,
      measures,
      (e) => (e.askDqd ? (e.batchSizeDqd ?? 0) : 0),
      (e, b, a) => e.tellDqd?.(b, jacobians.subarray(a * jd, (a + b.n) * jd)),
      false,
    );
  }

  private insertAndTell(
    sols: Float64Array,
    n: number,
    offsets: number[],
    objectives: Float64Array,
    measures: Float64Array,
    rowsOf: (e: Emitter) => number,
    deliver: (e: Emitter, b: TellBatch, start: number) => void,
    countIteration: boolean,
  ): AddResult {
    const md = this.archive.measureDim;
    if (objectives.length < n) throw new Error(`objectives must have ${n} values`);
    if (measures.length < n * md) throw new Error(`measures must have ${n * md} values`);
    const res = this.archive.add(sols, objectives, measures, n, { status: this.status, value: this.value, cells: this.cells });
    if (this._resultArchive) this._resultArchive.add(sols, objectives, measures, n);
    const sd = this.solutionDim;
    for (let i = 0; i < this.emitters.length; i++) {
      const e = this.emitters[i];
      const rows = rowsOf(e);
      if (rows === 0) continue;
      const a = offsets[i];
      const b = a + rows;
      const batch: TellBatch = { solutions: sols.subarray(a * sd, b * sd), objectives: objectives.subarray(a, b), measures: measures.subarray(a * md, b * md), status: this.status.subarray(a, b), value: this.value.subarray(a, b), n: rows };
      // Novelty, local competition and density come from the search archives (proximity, density).
      if (res.novelty) batch.novelty = res.novelty.subarray(a, b);
      if (res.localCompetition) batch.localCompetition = res.localCompetition.subarray(a, b);
      if (res.density) batch.density = res.density.subarray(a, b);
      deliver(e, batch, a);
    }
    this.evaluations += n;
    if (countIteration) this.iterations++;
    return res;
  }
}
