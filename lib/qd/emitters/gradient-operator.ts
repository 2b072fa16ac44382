/**
 * GradientOperatorEmitter (pyribs; OG-MAP-Elites and OMG-MEGA, Fontaine &
 * Nikolaidis 2021). Gradient phase: batchSize parents, uniform elites (x0
 * while the archive is empty) each perturbed by N(0, σ²) (or Iso+LineDD).
 * Main phase: each parent steps along its own gradients:
 *   OG-MAP-Elites (measureGradients off): x = p + σ_g·∇f(p);
 *   OMG-MEGA (on): x = p + |c₀|·∇f(p) + Σⱼ cⱼ·∇mⱼ(p), c ~ N(0, σ_g² I).
 * Gradients are optionally normalized to unit length (+ε) first.
 */
import type { ArchiveBase } from "../archive/base";
import { Rng, type RngState } from "../rng";
import { clipRow, gaussianKernel, isoLineKernel } from "./operators";
import type { Bounds, Emitter, TellBatch } from "./types";

export interface GradientOperatorOptions {
  x0: ArrayLike<number>;
  /** σ of the Gaussian perturbation of the gradient phase's parents. */
  sigma: number;
  /** Step size (OG) or σ of the gradient coefficients (OMG). */
  sigmaG: number;
  measureGradients?: boolean;
  normalizeGrad?: boolean;
  /** "iso-line": perturb parents with Iso+LineDD (σ iso = sigma, lineSigma) instead. */
  operator?: "isotropic" | "iso-line";
  lineSigma?: number;
  epsilon?: number;
  batchSize?: number;
  bounds?: Bounds | null;
  rng: Rng;
}

export class GradientOperatorEmitter implements Emitter {
  readonly batchSize: number;
  readonly batchSizeDqd: number;
  readonly solutionDim: number;
  readonly sigma: number;
  readonly sigmaG: number;
  readonly measureGradients: boolean;
  readonly normalizeGrad: boolean;
  readonly operator: "isotropic" | "iso-line";
  readonly lineSigma: number;
  readonly epsilon: number;
  private readonly x0: Float64Array;
  private readonly bounds: Bounds | null;
  private readonly rng: Rng;
  /** Gradient-phase solutions (the parents of the main phase), batchSize × dim. */
  private readonly parents: Float64Array;
  /** Their Jacobians, batchSize × (1 + measureDim) × dim, normalized if asked. */
  private readonly jacobians: Float64Array;
  private haveGradients = false;

  constructor(private readonly archive: ArchiveBase, opts: GradientOperatorOptions) {
    const dim = archive.solutionDim;
    this.solutionDim = dim;
    if (opts.x0.length !== dim) throw new Error(`x0 must have ${dim} values`);
    this.batchSize = opts.batchSize ?? 64;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new Error("batchSize must be a positive integer");
    this.batchSizeDqd = this.batchSize;
    if (!(opts.sigma >= 0)) throw new Error("sigma must be >= 0");
    if (!(opts.sigmaG >= 0)) throw new Error("sigmaG must be >= 0");
    this.sigma = opts.sigma;
    this.sigmaG = opts.sigmaG;
    this.measureGradients = opts.measureGradients ?? false;
    this.normalizeGrad = opts.normalizeGrad ?? false;
    this.operator = opts.operator ?? "isotropic";
    if (this.operator !== "isotropic" && this.operator !== "iso-line") throw new Error(`invalid operator ${this.operator as string}`);
    this.lineSigma = opts.lineSigma ?? 0;
    if (!(this.lineSigma >= 0)) throw new Error("lineSigma must be >= 0");
    this.epsilon = opts.epsilon ?? 1e-8;
    this.x0 = Float64Array.from(opts.x0);
    this.bounds = opts.bounds ?? null;
    this.rng = opts.rng;
    this.parents = new Float64Array(this.batchSize * dim);
    this.jacobians = new Float64Array(this.batchSize * (1 + archive.measureDim) * dim);
  }

  askDqd(out: Float64Array): void {
    const dim = this.solutionDim;
    const a = this.archive;
    const sols = a.solutions;
    const rng = this.rng;
    for (let i = 0; i < this.batchSize; i++) {
      const o = i * dim;
      if (a.numElites === 0) {
        gaussianKernel(out, o, this.x0, 0, dim, this.sigma, rng, this.bounds);
      } else if (this.operator === "isotropic") {
        gaussianKernel(out, o, sols, a.sampleCell(rng) * dim, dim, this.sigma, rng, this.bounds);
      } else {
        const p = a.sampleCell(rng) * dim;
        const q = a.sampleCell(rng) * dim;
        isoLineKernel(out, o, sols, p, sols, q, dim, this.sigma, this.lineSigma, rng, this.bounds);
      }
    }
    this.parents.set(out.subarray(0, this.batchSize * dim));
    this.haveGradients = false;
  }

  tellDqd(b: TellBatch, jacobians: Float64Array): void {
    const jd = (1 + this.archive.measureDim) * this.solutionDim;
    if (b.n !== this.batchSize || jacobians.length < b.n * jd) throw new Error(`tellDqd expects ${this.batchSize} rows and their Jacobians`);
    this.jacobians.set(jacobians.subarray(0, b.n * jd));
    if (this.normalizeGrad) normalizeRows(this.jacobians, b.n * (1 + this.archive.measureDim), this.solutionDim, this.epsilon);
    this.haveGradients = true;
  }

  ask(out: Float64Array): void {
    if (!this.haveGradients) throw new Error("call askDqd() and tellDqd() before ask()");
    const dim = this.solutionDim;
    const rows = 1 + this.archive.measureDim;
    const J = this.jacobians;
    const P = this.parents;
    const coeff = new Float64Array(rows);
    for (let i = 0; i < this.batchSize; i++) {
      const o = i * dim;
      const jo = i * rows * dim;
      if (this.measureGradients) {
        for (let j = 0; j < rows; j++) coeff[j] = this.sigmaG * this.rng.normal();
        coeff[0] = Math.abs(coeff[0]); // never step down the objective
      } else {
        coeff.fill(0);
        coeff[0] = this.sigmaG;
      }
      for (let k = 0; k < dim; k++) {
        let v = P[o + k];
        for (let j = 0; j < rows; j++) v += coeff[j] * J[jo + j * dim + k];
        out[o + k] = v;
      }
      if (this.bounds) clipRow(out, o, dim, this.bounds);
    }
  }

  tell(_batch: TellBatch): void {
    // Nothing to learn: the next gradient phase samples fresh elites.
  }

  getState(): { rng: RngState } {
    return { rng: this.rng.getState() };
  }

  setState(state: unknown): void {
    this.rng.setState((state as { rng: RngState }).rng);
  }
}

/** Scales each of `rows` vectors of length dim to unit L2 norm (norm + ε, as pyribs). */
export function normalizeRows(a: Float64Array, rows: number, dim: number, epsilon: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let s = 0;
    for (let k = 0; k < dim; k++) s += a[o + k] * a[o + k];
    const inv = 1 / (Math.sqrt(s) + epsilon);
    for (let k = 0; k < dim; k++) a[o + k] *= inv;
  }
}
