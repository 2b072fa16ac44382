/**
 * EvolutionStrategyEmitter with CMA-ES (pyribs): CMA-ME uses ranker "2imp",
 * selection "filter", restart "no_improvement"; CMA-MAE uses ranker "imp",
 * selection "mu", restart "basic" on a thresholded archive (α = 0.01).
 * On restart the mean jumps to a uniformly sampled elite.
 */
import type { EliteSource } from "../archive/base";
import { Rng, type RngState } from "../rng";
import { CMAEvolutionStrategy, type CMAESState } from "./cmaes";
import { Ranker, type RankerName } from "./rankers";
import type { Bounds, Emitter, TellBatch } from "./types";

export type SelectionRule = "mu" | "filter";
/** "basic": CMA-ES stop rules only; "no_improvement": also when nothing was added; number: every N tells. */
export type RestartRule = "basic" | "no_improvement" | number;

export interface ESEmitterOptions {
  x0: ArrayLike<number>;
  sigma0: number;
  ranker?: RankerName;
  selectionRule?: SelectionRule;
  restartRule?: RestartRule;
  batchSize?: number;
  bounds?: Bounds | null;
  rng: Rng;
}

interface ESEmitterState {
  rng: RngState;
  opt: CMAESState;
  restarts: number;
  itrs: number;
  /** The ranker's random direction ("rd", "2rd"); absent in states saved before it was kept. */
  ranker?: number[] | null;
}

export class EvolutionStrategyEmitter implements Emitter {
  readonly batchSize: number;
  readonly solutionDim: number;
  readonly ranker: Ranker;
  readonly selectionRule: SelectionRule;
  readonly restartRule: RestartRule;
  restarts = 0;
  itrs = 0;
  private readonly opt: CMAEvolutionStrategy;
  private readonly x0: Float64Array;
  private readonly bounds: Bounds | null;
  private readonly rng: Rng;
  private readonly order: Int32Array;

  constructor(private readonly archive: EliteSource, opts: ESEmitterOptions) {
    this.solutionDim = archive.solutionDim;
    if (opts.x0.length !== this.solutionDim) throw new Error(`x0 must have ${this.solutionDim} values`);
    if (!(opts.sigma0 > 0)) throw new Error("sigma0 must be > 0");
    this.x0 = Float64Array.from(opts.x0);
    this.rng = opts.rng;
    this.bounds = opts.bounds ?? null;
    this.selectionRule = opts.selectionRule ?? "filter";
    this.restartRule = opts.restartRule ?? "no_improvement";
    if (this.selectionRule !== "mu" && this.selectionRule !== "filter") throw new Error(`invalid selectionRule ${this.selectionRule}`);
    if (typeof this.restartRule === "number" ? !(this.restartRule >= 1) : !["basic", "no_improvement"].includes(this.restartRule)) {
      throw new Error(`invalid restartRule ${this.restartRule}`);
    }
    this.opt = new CMAEvolutionStrategy({ sigma0: opts.sigma0, dim: this.solutionDim, batchSize: opts.batchSize, rng: this.rng });
    this.opt.reset(this.x0);
    this.batchSize = this.opt.batchSize;
    this.ranker = new Ranker(opts.ranker ?? "2imp");
    this.ranker.reset(archive, this.rng);
    this.order = new Int32Array(this.batchSize);
  }

  get sigma(): number {
    return this.opt.sigma;
  }

  ask(out: Float64Array): void {
    this.opt.ask(out, this.bounds?.lower, this.bounds?.upper);
  }

  tell(b: TellBatch): void {
    this.itrs++;
    let newSols = 0;
    for (let i = 0; i < b.n; i++) if (b.status[i] > 0) newSols++;
    const gap = this.ranker.rank(b, this.archive.measureDim, this.order);
    const numParents = this.selectionRule === "filter" ? newSols : Math.floor(this.batchSize / 2);
    this.opt.tell(this.order, numParents);
    if (this.opt.checkStop(gap, b.n) || this.checkRestart(newSols)) {
      const cell = this.archive.sampleCell(this.rng);
      const sd = this.solutionDim;
      this.opt.reset(cell < 0 ? this.x0 : this.archive.solutions.subarray(cell * sd, cell * sd + sd));
      this.ranker.reset(this.archive, this.rng);
      this.restarts++;
    }
  }

  private checkRestart(newSols: number): boolean {
    const r = this.restartRule;
    if (typeof r === "number") return this.itrs % r === 0;
    if (r === "no_improvement") return newSols === 0;
    return false;
  }

  getState(): ESEmitterState {
    return { rng: this.rng.getState(), opt: this.opt.getState(), restarts: this.restarts, itrs: this.itrs, ranker: this.ranker.getState() };
  }

  setState(state: unknown): void {
    const s = state as ESEmitterState;
    this.rng.setState(s.rng);
    this.opt.setState(s.opt);
    this.restarts = s.restarts;
    this.itrs = s.itrs;
    if (s.ranker !== undefined) this.ranker.setState(s.ranker);
  }
}
