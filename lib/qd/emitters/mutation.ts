/**
 * MAP-Elites emitters: GaussianEmitter and IsoLineEmitter (pyribs semantics),
 * the one implementation of these operators: the in-process engine, the
 * workers' jobs, the staged proposals and REST `ask` all produce through them.
 *
 * An ask is two steps, in pyribs' order: pick every parent of the batch
 * uniformly among the archive's elites (`selectParents`), then vary them
 * (`vary`). Callers that hold the elites elsewhere (REST ask reads them from
 * PostgreSQL) run the two steps themselves and fetch only the picked rows.
 *
 * Cold start, the one rule: while the archive is empty, every child is x0
 * plus Gaussian noise (σ for Gaussian, σ_iso for iso-line), clipped to the
 * bounds — pyribs' rule.
 */
import type { ArchiveBase } from "../archive/base";
import { Rng, type RngState } from "../rng";
import { gaussianKernel, isoLineKernel } from "./operators";
import type { Bounds, Emitter, TellBatch } from "./types";

export interface MutationOptions {
  x0: ArrayLike<number>;
  batchSize: number;
  rng: Rng;
  bounds?: Bounds | null;
}

/** A parent row that is x0 (the archive was empty when it was picked). */
export const FROM_X0 = -1;

export abstract class MutationEmitter implements Emitter {
  readonly batchSize: number;
  readonly solutionDim: number;
  /** Parents per child: 1 (Gaussian) or 2 (Iso+LineDD). */
  abstract readonly parentsPer: 1 | 2;
  protected readonly x0: Float64Array;
  protected readonly rng: Rng;
  protected readonly bounds: Bounds | null;
  private lastParents: Int32Array | null = null;

  constructor(protected readonly archive: ArchiveBase, opts: MutationOptions) {
    this.solutionDim = archive.solutionDim;
    if (opts.x0.length !== this.solutionDim) throw new Error(`x0 must have ${this.solutionDim} values`);
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new Error("batchSize must be a positive integer");
    this.x0 = Float64Array.from(opts.x0);
    this.batchSize = opts.batchSize;
    this.rng = opts.rng;
    this.bounds = opts.bounds ?? null;
  }

  /** Archive cells of the last ask's parents, batchSize × parentsPer row-major (FROM_X0 on a cold start). */
  get parents(): Int32Array {
    return (this.lastParents ??= new Int32Array(this.batchSize * this.parentsPer));
  }

  ask(out: Float64Array): void {
    const parents = this.parents;
    this.selectParents(this.archive.occupiedList, this.archive.numElites, this.batchSize, parents);
    this.vary(out, this.archive.solutions, parents, this.batchSize);
  }

  /**
   * Picks `count` children's parents uniformly among `numElites` occupied cells
   * (`occupied[0..numElites)`), writing cells into `into` (count × parentsPer);
   * FROM_X0 when there is no elite yet.
   */
  selectParents(occupied: ArrayLike<number>, numElites: number, count: number, into: Int32Array): void {
    const m = count * this.parentsPer;
    if (numElites === 0) {
      into.fill(FROM_X0, 0, m);
      return;
    }
    const rng = this.rng;
    for (let i = 0; i < m; i++) into[i] = occupied[rng.int(numElites)]!;
  }

  /**
   * Writes `count` children into `out`: child i varies rows `rows[i·parentsPer …]`
   * of `solutions` (row-major, solutionDim wide), or x0 where a row is FROM_X0.
   */
  abstract vary(out: Float64Array, solutions: Float64Array, rows: ArrayLike<number>, count: number): void;

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
  readonly parentsPer = 1 as const;
  readonly sigma: number;

  constructor(archive: ArchiveBase, opts: MutationOptions & { sigma: number }) {
    super(archive, opts);
    if (!(opts.sigma >= 0)) throw new Error("sigma must be >= 0");
    this.sigma = opts.sigma;
  }

  vary(out: Float64Array, solutions: Float64Array, rows: ArrayLike<number>, count: number): void {
    const dim = this.solutionDim;
    for (let i = 0; i < count; i++) {
      const r = rows[i]!;
      if (r === FROM_X0) gaussianKernel(out, i * dim, this.x0, 0, dim, this.sigma, this.rng, this.bounds);
      else gaussianKernel(out, i * dim, solutions, r * dim, dim, this.sigma, this.rng, this.bounds);
    }
  }
}

export class IsoLineEmitter extends MutationEmitter {
  readonly parentsPer = 2 as const;
  readonly isoSigma: number;
  readonly lineSigma: number;

  constructor(archive: ArchiveBase, opts: MutationOptions & { isoSigma?: number; lineSigma?: number }) {
    super(archive, opts);
    this.isoSigma = opts.isoSigma ?? 0.01;
    this.lineSigma = opts.lineSigma ?? 0.2;
    if (!(this.isoSigma >= 0 && this.lineSigma >= 0)) throw new Error("isoSigma and lineSigma must be >= 0");
  }

  vary(out: Float64Array, solutions: Float64Array, rows: ArrayLike<number>, count: number): void {
    const dim = this.solutionDim;
    for (let i = 0; i < count; i++) {
      const a = rows[2 * i]!;
      const b = rows[2 * i + 1]!;
      // Cold start: x0 with σ_iso only (the line through x0 and itself is empty).
      if (a === FROM_X0 || b === FROM_X0) gaussianKernel(out, i * dim, this.x0, 0, dim, this.isoSigma, this.rng, this.bounds);
      else isoLineKernel(out, i * dim, solutions, a * dim, solutions, b * dim, dim, this.isoSigma, this.lineSigma, this.rng, this.bounds);
    }
  }
}

/**
 * Distinct known ids of child i's parents, from the parent rows of an ask
 * (`rows`, count × parentsPer) and the id of each row (none for FROM_X0).
 */
export function parentIdsOf(rows: ArrayLike<number>, i: number, parentsPer: number, idOfRow: ArrayLike<string | undefined>): string[] {
  const ids: string[] = [];
  for (let j = i * parentsPer; j < (i + 1) * parentsPer; j++) {
    const id = rows[j] === FROM_X0 ? undefined : idOfRow[rows[j]!];
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}
