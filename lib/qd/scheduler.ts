/**
 * Scheduler (pyribs): ask() concatenates every emitter's batch into one
 * reusable buffer; tell() inserts the whole batch into the archive (and the
 * optional result archive, e.g. CMA-MAE's elitist copy), then hands each
 * emitter its own rows with status and improvement value.
 */
import { ArchiveBase, type AddResult, type InsertArchive } from "./archive/base";
import type { Emitter, TellBatch } from "./emitters/types";

export class Scheduler {
  /** Archive the emitters' results go into (grid/CVT, or a novelty, density or discount archive). */
  readonly archive: InsertArchive;
  readonly emitters: Emitter[];
  readonly batchSize: number;
  readonly solutionDim: number;
  /** Evaluations told so far. */
  evaluations = 0;
  iterations = 0;
  private readonly _resultArchive: ArchiveBase | null;
  private readonly buf: Float64Array;
  private readonly status: Uint8Array;
  private readonly value: Float64Array;
  private readonly cells: Int32Array;
  private readonly offsets: number[];
  private asked = false;

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
    let total = 0;
    for (const e of emitters) {
      this.offsets.push(total);
      total += e.batchSize;
    }
    this.batchSize = total;
    this.buf = new Float64Array(total * this.solutionDim);
    this.status = new Uint8Array(total);
    this.value = new Float64Array(total);
    this.cells = new Int32Array(total);
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
    this.asked = true;
    return this.buf;
  }

  /** objectives[batchSize], measures[batchSize × measureDim], in ask() order. */
  tell(objectives: Float64Array, measures: Float64Array): AddResult {
    if (!this.asked) throw new Error("tell() called without ask()");
    const n = this.batchSize;
    const md = this.archive.measureDim;
    if (objectives.length < n) throw new Error(`objectives must have ${n} values`);
    if (measures.length < n * md) throw new Error(`measures must have ${n * md} values`);
    this.asked = false;
    const res = this.archive.add(this.buf, objectives, measures, n, { status: this.status, value: this.value, cells: this.cells });
    if (this._resultArchive) this._resultArchive.add(this.buf, objectives, measures, n);
    const sd = this.solutionDim;
    for (let i = 0; i < this.emitters.length; i++) {
      const e = this.emitters[i];
      const a = this.offsets[i];
      const b = a + e.batchSize;
      const batch: TellBatch = {
        solutions: this.buf.subarray(a * sd, b * sd),
        objectives: objectives.subarray(a, b),
        measures: measures.subarray(a * md, b * md),
        status: this.status.subarray(a, b),
        value: this.value.subarray(a, b),
        n: e.batchSize,
      };
      if (res.novelty) batch.novelty = res.novelty.subarray(a, b);
      if (res.localCompetition) batch.localCompetition = res.localCompetition.subarray(a, b);
      if (res.density) batch.density = res.density.subarray(a, b);
      e.tell(batch);
    }
    this.evaluations += n;
    this.iterations++;
    return res;
  }
}
