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

// Software prefetch (touch the next parents one row ahead) is opt-in: with
// the faster kernel it measured slower on this machine (QD_PREFETCH=1 to try).
const PREFETCH = typeof process !== "undefined" && process.env?.QD_PREFETCH === "1";

/** Reads one double per 64-byte line of a row (software prefetch). */
function touch(a: Float64Array, o: number, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k += 8) s += a[o + k];
  return s;
}

abstract class MutationEmitter implements Emitter {
  /** Keeps the prefetch reads observable so the JIT cannot drop them. */
  protected sink = 0;
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
    const n = a.numElites;
    if (n === 0) {
      for (let i = 0; i < this.batchSize; i++) gaussianKernel(out, i * dim, this.x0, 0, dim, this.sigma, rng, this.bounds);
      return;
    }
    const occ = a.occupiedList;
    let p = occ[rng.int(n)] * dim;
    for (let i = 0; i < this.batchSize; i++) {
      let pn = 0;
      if (i + 1 < this.batchSize) {
        pn = occ[rng.int(n)] * dim;
        if (PREFETCH) this.sink += touch(sols, pn, dim);
      }
      gaussianKernel(out, i * dim, sols, p, dim, this.sigma, rng, this.bounds);
      p = pn;
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
    const n = a.numElites;
    if (n === 0) {
      for (let i = 0; i < this.batchSize; i++) gaussianKernel(out, i * dim, this.x0, 0, dim, this.isoSigma, rng, this.bounds);
      return;
    }
    const occ = a.occupiedList;
    let p = occ[rng.int(n)] * dim;
    let q = occ[rng.int(n)] * dim;
    for (let i = 0; i < this.batchSize; i++) {
      // Pick the next pair now and touch one value per cache line: the misses
      // overlap each other instead of trickling in during the kernel.
      let pn = 0;
      let qn = 0;
      if (i + 1 < this.batchSize) {
        pn = occ[rng.int(n)] * dim;
        qn = occ[rng.int(n)] * dim;
        if (PREFETCH) this.sink += touch(sols, pn, dim) + touch(sols, qn, dim);
      }
      isoLineKernel(out, i * dim, sols, p, sols, q, dim, this.isoSigma, this.lineSigma, rng, this.bounds);
      p = pn;
      q = qn;
    }
  }
}
