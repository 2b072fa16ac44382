/**
 * GradientArborescenceEmitter (pyribs; CMA-MEGA and CMA-MAEGA, Fontaine &
 * Nikolaidis 2021/2023). It keeps a solution point θ, evaluated with its
 * gradients in the gradient phase; the main phase branches from it,
 *   x_i = θ + Σⱼ c_ij·∇ⱼ(θ)   (objective gradient first, then each measure's),
 * with coefficients c_i drawn by a CMA-ES over the 1 + measureDim
 * coefficients. After ranking, CMA-ES learns from the ranking and θ takes a
 * gradient-optimizer step (ascent or Adam) towards the log-weighted mean of
 * the top parents; on restart θ jumps to a uniformly sampled elite.
 */
import type { ArchiveBase } from "../archive/base";
import { Rng, type RngState } from "../rng";
import { CMAEvolutionStrategy, type CMAESState } from "./cmaes";
import type { RestartRule, SelectionRule } from "./evolution-strategy";
import { makeGradientOpt, type GradientOptimizer, type GradientOptName, type GradientOptState } from "./gradient-optimizers";
import { normalizeRows } from "./gradient-operator";
import { Ranker, type RankerName } from "./rankers";
import type { Bounds, Emitter, TellBatch } from "./types";

export interface GradientArborescenceOptions {
  x0: ArrayLike<number>;
  /** Initial σ of the coefficient distribution. */
  sigma0: number;
  /** Learning rate of the gradient optimizer. */
  lr: number;
  gradOpt?: GradientOptName;
  ranker?: RankerName;
  selectionRule?: SelectionRule;
  restartRule?: RestartRule;
  normalizeGrad?: boolean;
  epsilon?: number;
  /** Main-phase solutions per iteration (the gradient phase adds one). */
  batchSize?: number;
  /** pyribs leaves DQD solutions unbounded; bounds here clip the branches only. */
  bounds?: Bounds | null;
  rng: Rng;
}

interface GradientArborescenceState {
  rng: RngState;
  opt: CMAESState;
  theta: GradientOptState;
  ranker: number[] | null;
  restarts: number;
  itrs: number;
}

export class GradientArborescenceEmitter implements Emitter {
  readonly batchSize: number;
  readonly batchSizeDqd = 1;
  readonly solutionDim: number;
  readonly ranker: Ranker;
  readonly selectionRule: SelectionRule;
  readonly restartRule: RestartRule;
  readonly normalizeGrad: boolean;
  readonly epsilon: number;
  restarts = 0;
  itrs = 0;
  private readonly numCoefficients: number;
  private readonly opt: CMAEvolutionStrategy;
  private readonly grad: GradientOptimizer;
  private readonly x0: Float64Array;
  private readonly bounds: Bounds | null;
  private readonly rng: Rng;
  private readonly jacobian: Float64Array;
  private haveGradients = false;
  private readonly coeffs: Float64Array;
  private readonly order: Int32Array;
  private readonly step: Float64Array;
  private readonly zeros: Float64Array;

  constructor(private readonly archive: ArchiveBase, opts: GradientArborescenceOptions) {
    const dim = archive.solutionDim;
    this.solutionDim = dim;
    if (opts.x0.length !== dim) throw new Error(`x0 must have ${dim} values`);
    if (!(opts.sigma0 > 0)) throw new Error("sigma0 must be > 0");
    this.x0 = Float64Array.from(opts.x0);
    this.rng = opts.rng;
    this.bounds = opts.bounds ?? null;
    this.selectionRule = opts.selectionRule ?? "filter";
    this.restartRule = opts.restartRule ?? "no_improvement";
    if (this.selectionRule !== "mu" && this.selectionRule !== "filter") throw new Error(`invalid selectionRule ${this.selectionRule as string}`);
    if (typeof this.restartRule === "number" ? !(this.restartRule >= 1) : !["basic", "no_improvement"].includes(this.restartRule)) {
      throw new Error(`invalid restartRule ${this.restartRule}`);
    }
    this.normalizeGrad = opts.normalizeGrad ?? true;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.numCoefficients = archive.measureDim + 1;
    this.grad = makeGradientOpt(opts.gradOpt ?? "adam", this.x0, opts.lr);
    this.ranker = new Ranker(opts.ranker ?? "2imp");
    this.ranker.reset(archive, this.rng);
    this.opt = new CMAEvolutionStrategy({ sigma0: opts.sigma0, dim: this.numCoefficients, batchSize: opts.batchSize, rng: this.rng });
    this.zeros = new Float64Array(this.numCoefficients);
    this.opt.reset(this.zeros);
    this.batchSize = this.opt.batchSize;
    this.jacobian = new Float64Array(this.numCoefficients * dim);
    this.coeffs = new Float64Array(this.batchSize * this.numCoefficients);
    this.order = new Int32Array(this.batchSize);
    this.step = new Float64Array(dim);
  }

  /** Current solution point θ. */
  get theta(): Float64Array {
    return this.grad.theta;
  }

  get sigma(): number {
    return this.opt.sigma;
  }

  askDqd(out: Float64Array): void {
    out.set(this.grad.theta);
    this.haveGradients = false;
  }

  tellDqd(b: TellBatch, jacobians: Float64Array): void {
    const jd = this.numCoefficients * this.solutionDim;
    if (b.n !== 1 || jacobians.length < jd) throw new Error("tellDqd expects the solution point and its Jacobian");
    this.jacobian.set(jacobians.subarray(0, jd));
    if (this.normalizeGrad) normalizeRows(this.jacobian, this.numCoefficients, this.solutionDim, this.epsilon);
    this.haveGradients = true;
  }

  ask(out: Float64Array): void {
    if (!this.haveGradients) throw new Error("call askDqd() and tellDqd() before ask()");
    const dim = this.solutionDim;
    const nc = this.numCoefficients;
    const J = this.jacobian;
    const theta = this.grad.theta;
    this.opt.ask(this.coeffs);
    for (let i = 0; i < this.batchSize; i++) {
      const o = i * dim;
      out.set(theta, o);
      for (let j = 0; j < nc; j++) {
        const c = this.coeffs[i * nc + j];
        const jo = j * dim;
        for (let k = 0; k < dim; k++) out[o + k] += c * J[jo + k];
      }
      if (this.bounds) {
        for (let k = 0; k < dim; k++) out[o + k] = Math.min(this.bounds.upper[k], Math.max(this.bounds.lower[k], out[o + k]));
      }
    }
  }

  tell(b: TellBatch): void {
    this.itrs++;
    let newSols = 0;
    for (let i = 0; i < b.n; i++) if (b.status[i] > 0) newSols++;
    const gap = this.ranker.rank(b, this.archive.measureDim, this.order);
    const numParents = this.selectionRule === "filter" ? newSols : Math.floor(this.batchSize / 2);
    this.opt.tell(this.order, numParents);
    this.stepTowardsParents(b, numParents);
    if (this.opt.checkStop(gap, b.n) || this.checkRestart(newSols)) {
      const cell = this.archive.sampleCell(this.rng);
      const sd = this.solutionDim;
      this.grad.reset(cell < 0 ? this.x0 : this.archive.solutions.subarray(cell * sd, cell * sd + sd));
      this.opt.reset(this.zeros);
      this.ranker.reset(this.archive, this.rng);
      this.restarts++;
    }
  }

  /**
   * Gradient step θ ← opt(θ, mean − θ), mean = Σ w_p·parent_p with CMA-ES'
   * log weights. With no parents pyribs' weighted sum is the zero vector;
   * kept so runs match the published numbers.
   */
  private stepTowardsParents(b: TellBatch, numParents: number): void {
    const dim = this.solutionDim;
    const step = this.step;
    step.fill(0);
    let total = 0;
    for (let p = 0; p < numParents; p++) total += Math.log(numParents + 0.5) - Math.log(p + 1);
    for (let p = 0; p < numParents; p++) {
      const w = (Math.log(numParents + 0.5) - Math.log(p + 1)) / total;
      const o = this.order[p] * dim;
      for (let k = 0; k < dim; k++) step[k] += w * b.solutions[o + k];
    }
    const theta = this.grad.theta;
    for (let k = 0; k < dim; k++) step[k] -= theta[k];
    this.grad.step(step);
  }

  private checkRestart(newSols: number): boolean {
    const r = this.restartRule;
    if (typeof r === "number") return this.itrs % r === 0;
    if (r === "no_improvement") return newSols === 0;
    return false;
  }

  getState(): GradientArborescenceState {
    return { rng: this.rng.getState(), opt: this.opt.getState(), theta: this.grad.getState(), ranker: this.ranker.getState(), restarts: this.restarts, itrs: this.itrs };
  }

  setState(state: unknown): void {
    const s = state as GradientArborescenceState;
    this.rng.setState(s.rng);
    this.opt.setState(s.opt);
    this.grad.setState(s.theta);
    this.ranker.setState(s.ranker);
    this.restarts = s.restarts;
    this.itrs = s.itrs;
  }
}
