/**
 * MAP-Elites emitters: GaussianEmitter and IsoLineEmitter (pyribs semantics).
 * Parents are sampled uniformly from the archive; while the archive is
 * empty, children are drawn around x0 (σ for Gaussian, σ_iso for iso-line).
 */
import type { ArchiveBase } from "../archive/base";
import { Rng, type RngState } from "../rng";
import { gaussianKernel, isoLineKernel } from "./operators";
import type { Bounds, Emitter, TellBatch } from "./types";

interface MutationOptions {
  x0: ArrayLike<number>;
  batchSize: number;
  rng: Rng;
  bounds?: Bounds | null;
}

abstract class MutationEmitter implements Emitter {
  readonly batchSize: number;
  readonly solutionDim: number;
  protected readonly x0: Float64Array;
  protected readonly rng: Rng;
  protected readonly bounds: Bounds | null;

  constructor(protected readonly archive: ArchiveBase, opts: MutationOptions) {
    this.solutionDim = archive.solutionDim;
    if (opts.x0.length !== this.solutionDim) throw new Error(`x0 must have ${this.solutionDim} values`);
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new Error("batchSize must be a positive integer");
    this.x0 = Float64Array.from(opts.x0);
    this.batchSize = opts.batchSize;
    this.rng = opts.rng;
    this.bounds = opts.bounds ?? null;
  }

  abstract ask(out: Float64Array): void;

  tell(_batch: TellBatch): void {
    // Stateless between iterations: everything lives in the archive.
  }

  getState(): { rng: RngState } {
    return { rng: this.rng.getState() };
  }

  setState(state: unknown): void {
    this.rng.setState((state as { rng: RngState }).rng);
  }
}

export class GaussianEmitter extends MutationEmitter {
  readonly sigma: number;

  constructor(archive: ArchiveBase, opts: MutationOptions & { sigma: number }) {
    super(archive, opts);
    if (!(opts.sigma >= 0)) throw new Error("sigma must be >= 0");
    this.sigma = opts.sigma;
  }

  ask(out: Float64Array): void {
    const dim = this.solutionDim;
    const a = this.archive;
    const sols = a.solutions;
    const rng = this.rng;
    for (let i = 0; i < this.batchSize; i++) {
      if (a.numElites === 0) {
        gaussianKernel(out, i * dim, this.x0, 0, dim, this.sigma, rng, this.bounds);
      } else {
        const p = a.occupiedList[rng.int(a.numElites)];
        gaussianKernel(out, i * dim, sols, p * dim, dim, this.sigma, rng, this.bounds);
      }
    }
  }
}

export class IsoLineEmitter extends MutationEmitter {
  readonly isoSigma: number;
  readonly lineSigma: number;

  constructor(archive: ArchiveBase, opts: MutationOptions & { isoSigma?: number; lineSigma?: number }) {
    super(archive, opts);
    this.isoSigma = opts.isoSigma ?? 0.01;
    this.lineSigma = opts.lineSigma ?? 0.2;
    if (!(this.isoSigma >= 0 && this.lineSigma >= 0)) throw new Error("isoSigma and lineSigma must be >= 0");
  }

  ask(out: Float64Array): void {
    const dim = this.solutionDim;
    const a = this.archive;
    const sols = a.solutions;
    const rng = this.rng;
    for (let i = 0; i < this.batchSize; i++) {
      if (a.numElites === 0) {
        gaussianKernel(out, i * dim, this.x0, 0, dim, this.isoSigma, rng, this.bounds);
      } else {
        const n = a.numElites;
        const p = a.occupiedList[rng.int(n)];
        const q = a.occupiedList[rng.int(n)];
        isoLineKernel(out, i * dim, sols, p * dim, sols, q * dim, dim, this.isoSigma, this.lineSigma, rng, this.bounds);
      }
    }
  }
}
