/**
 * BanditScheduler (pyribs; ME-MAP-Elites, Cully 2021): a pool of emitters
 * of which `numActive` run each iteration. An emitter leaves the active set
 * when it restarts ("terminated"; emitters without restarts, e.g. Iso+LineDD,
 * count as terminated every iteration) or every iteration ("all"); freed
 * slots go to the emitters with the highest UCB1 score
 *   successes/selections + ζ·sqrt(ln(total successes)/selections),
 * never-selected emitters first. A success is a solution the archive took.
 */
import type { AddResult, ArchiveBase } from "./archive/base";
import type { Emitter, TellBatch } from "./emitters/types";
import type { QdScheduler } from "./scheduler";

export type Reselect = "terminated" | "all";

export interface BanditOptions {
  numActive: number;
  reselect?: Reselect;
  /** UCB1 exploration weight ζ (pyribs default 0.05). */
  zeta?: number;
  resultArchive?: ArchiveBase | null;
}

export interface BanditState {
  active: boolean[];
  success: number[];
  selection: number[];
  restarts: number[];
}

export class BanditScheduler implements QdScheduler {
  readonly archive: ArchiveBase;
  readonly emitters: Emitter[];
  readonly batchSize: number;
  readonly batchSizeDqd = 0;
  readonly solutionDim: number;
  readonly numActive: number;
  readonly reselect: Reselect;
  readonly zeta: number;
  evaluations = 0;
  iterations = 0;
  readonly active: Uint8Array;
  readonly success: Float64Array;
  readonly selection: Float64Array;
  private restarts: Int32Array;
  private readonly _resultArchive: ArchiveBase | null;
  private readonly buf: Float64Array;
  private readonly status: Uint8Array;
  private readonly value: Float64Array;
  private readonly cells: Int32Array;
  private rows = 0;
  private asked = false;

  constructor(archive: ArchiveBase, pool: Emitter[], opts: BanditOptions) {
    if (pool.length === 0) throw new Error("pass at least one emitter");
    if (new Set(pool).size !== pool.length) throw new Error("each emitter must be a distinct instance");
    if (!Number.isInteger(opts.numActive) || opts.numActive < 1) throw new Error("numActive must be a positive integer");
    if (pool.length < opts.numActive) throw new Error(`the emitter pool needs at least numActive (${opts.numActive}) emitters, got ${pool.length}`);
    if (opts.resultArchive === archive) throw new Error("resultArchive must differ from archive");
    this.reselect = opts.reselect ?? "terminated";
    if (this.reselect !== "terminated" && this.reselect !== "all") throw new Error(`reselect must be "terminated" or "all"`);
    this.zeta = opts.zeta ?? 0.05;
    if (!(this.zeta >= 0)) throw new Error("zeta must be >= 0");
    this.archive = archive;
    this.emitters = pool;
    this.numActive = opts.numActive;
    this._resultArchive = opts.resultArchive ?? null;
    this.solutionDim = archive.solutionDim;
    for (const e of pool) {
      if (e.solutionDim !== this.solutionDim) throw new Error("all emitters must share the archive's solutionDim");
      if (e.askDqd) throw new Error("the bandit scheduler does not run DQD emitters");
    }
    const sizes = pool.map((e) => e.batchSize).sort((a, b) => b - a);
    this.batchSize = sizes.slice(0, this.numActive).reduce((s, x) => s + x, 0);
    this.active = new Uint8Array(pool.length);
    this.success = new Float64Array(pool.length);
    this.selection = new Float64Array(pool.length);
    this.restarts = new Int32Array(pool.length);
    this.buf = new Float64Array(this.batchSize * this.solutionDim);
    this.status = new Uint8Array(this.batchSize);
    this.value = new Float64Array(this.batchSize);
    this.cells = new Int32Array(this.batchSize);
  }

  get resultArchive(): ArchiveBase {
    return this._resultArchive ?? this.archive;
  }

  /** Restart count of an emitter, or -1 when it has none (always reselectable). */
  private restartsOf(e: Emitter): number {
    const r = (e as { restarts?: unknown }).restarts;
    return typeof r === "number" ? r : -1;
  }

  private select(): void {
    const m = this.emitters.length;
    const reselect = new Uint8Array(m);
    if (this.reselect === "terminated") {
      for (let i = 0; i < m; i++) {
        const r = this.restartsOf(this.emitters[i]);
        reselect[i] = r < 0 || r > this.restarts[i] ? 1 : 0;
        this.restarts[i] = r;
      }
    } else {
      reselect.set(this.active);
    }
    // Fill up to numActive in pool order first (the first iteration); those stay.
    let needed = this.numActive - this.active.reduce((s, a) => s + a, 0);
    for (let i = 0; needed > 0; i++) {
      reselect[i] = 0;
      if (!this.active[i]) {
        this.active[i] = 1;
        needed--;
      }
    }
    let any = false;
    for (let i = 0; i < m; i++) {
      if (reselect[i]) {
        this.active[i] = 0;
        any = true;
      }
    }
    if (!any) return;
    let totalSuccess = 0;
    for (let i = 0; i < m; i++) totalSuccess += this.success[i];
    // Before any success pyribs takes ln 0 (NaN scores that outrank untried
    // emitters); exploring is 0 then instead, so untried emitters go first.
    const explore = Math.log(Math.max(totalSuccess, 1));
    const ucb = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const n = this.selection[i];
      ucb[i] = n === 0 ? Infinity : this.success[i] / n + this.zeta * Math.sqrt(explore / n);
    }
    // Highest score first; ties to the later index (numpy's argsort reversed).
    const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => {
      const x = ucb[a];
      const y = ucb[b];
      return x === y ? b - a : y - x;
    });
    let count = this.active.reduce((s, a) => s + a, 0);
    for (const i of order) {
      if (count >= this.numActive) break;
      if (!this.active[i]) {
        this.active[i] = 1;
        count++;
      }
    }
  }

  ask(): Float64Array {
    this.select();
    const sd = this.solutionDim;
    let row = 0;
    for (let i = 0; i < this.emitters.length; i++) {
      if (!this.active[i]) continue;
      const e = this.emitters[i];
      e.ask(this.buf.subarray(row * sd, (row + e.batchSize) * sd));
      row += e.batchSize;
    }
    this.rows = row;
    this.asked = true;
    return this.buf.subarray(0, row * sd);
  }

  tell(objectives: Float64Array, measures: Float64Array): AddResult {
    if (!this.asked) throw new Error("tell() called without ask()");
    this.asked = false;
    const n = this.rows;
    const md = this.archive.measureDim;
    if (objectives.length < n) throw new Error(`objectives must have ${n} values`);
    if (measures.length < n * md) throw new Error(`measures must have ${n * md} values`);
    const res = this.archive.add(this.buf, objectives, measures, n, { status: this.status, value: this.value, cells: this.cells });
    if (this._resultArchive) this._resultArchive.add(this.buf, objectives, measures, n);
    const sd = this.solutionDim;
    let a = 0;
    for (let i = 0; i < this.emitters.length; i++) {
      if (!this.active[i]) continue;
      const e = this.emitters[i];
      const b = a + e.batchSize;
      let added = 0;
      for (let r = a; r < b; r++) if (this.status[r] > 0) added++;
      this.selection[i] += e.batchSize;
      this.success[i] += added;
      const batch: TellBatch = { solutions: this.buf.subarray(a * sd, b * sd), objectives: objectives.subarray(a, b), measures: measures.subarray(a * md, b * md), status: this.status.subarray(a, b), value: this.value.subarray(a, b), n: e.batchSize };
      e.tell(batch);
      a = b;
    }
    this.evaluations += n;
    this.iterations++;
    return res;
  }

  askDqd(): Float64Array {
    throw new Error("the bandit scheduler does not run DQD emitters");
  }

  tellDqd(): AddResult {
    throw new Error("the bandit scheduler does not run DQD emitters");
  }

  /** Bandit statistics and the active set, so a worker can resume the schedule (emitters keep their own state). */
  getState(): BanditState {
    return { active: Array.from(this.active, (a) => a === 1), success: Array.from(this.success), selection: Array.from(this.selection), restarts: Array.from(this.restarts) };
  }

  setState(s: BanditState): void {
    this.active.set(s.active.map((a) => (a ? 1 : 0)));
    this.success.set(s.success);
    this.selection.set(s.selection);
    this.restarts = Int32Array.from(s.restarts);
  }
}
