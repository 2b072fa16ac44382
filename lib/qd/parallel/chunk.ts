/**
 * One thread's share of a MAP-Elites iteration: vary parents sampled from
 * the (shared) archive and evaluate the children, rows [start, end) of the
 * batch. Used by both the main thread and worker threads.
 */
import type { Domain } from "../domains/types";
import type { Bounds } from "../emitters/types";
import type { ArchiveBase } from "../archive/base";
import { GaussianEmitter, IsoLineEmitter, type MutationEmitter } from "../emitters/mutation";
import type { Rng } from "../rng";

export interface MutationParams {
  kind: "gaussian" | "iso-line";
  sigma: number;
  isoSigma: number;
  lineSigma: number;
}

export interface ChunkContext {
  params: MutationParams;
  domain: Domain;
  x0: Float64Array;
  bounds: Bounds | null;
  rng: Rng;
  /** Archive solution store and occupied list (SharedArrayBuffer-backed). */
  archiveSolutions: Float64Array;
  occupiedList: Int32Array;
  /** Batch buffers (SharedArrayBuffer-backed). */
  batch: Float64Array;
  objectives: Float64Array;
  measures: Float64Array;
}

/** Each context's emitter (built on first use): the engine's one implementation of the operators. */
const emitters = new WeakMap<ChunkContext, MutationEmitter>();

function emitterOf(ctx: ChunkContext): MutationEmitter {
  let e = emitters.get(ctx);
  if (!e) {
    // The emitter never reads this archive: runChunk hands it the shared rows.
    const archive = { solutionDim: ctx.domain.dim } as ArchiveBase;
    const common = { x0: ctx.x0, bounds: ctx.bounds, rng: ctx.rng, batchSize: 1 };
    const p = ctx.params;
    e = p.kind === "gaussian" ? new GaussianEmitter(archive, { ...common, sigma: p.sigma }) : new IsoLineEmitter(archive, { ...common, isoSigma: p.isoSigma, lineSigma: p.lineSigma });
    emitters.set(ctx, e);
  }
  return e;
}

export function runChunk(ctx: ChunkContext, start: number, end: number, numElites: number): void {
  const dim = ctx.domain.dim;
  const md = ctx.domain.descriptors.length;
  const emitter = emitterOf(ctx);
  const count = end - start;
  const rows = new Int32Array(count * emitter.parentsPer);
  emitter.selectParents(ctx.occupiedList, numElites, count, rows);
  emitter.vary(ctx.batch.subarray(start * dim, end * dim), ctx.archiveSolutions, rows, count);
  ctx.domain.evaluateBatch(ctx.batch.subarray(start * dim, end * dim), count, ctx.objectives.subarray(start, end), ctx.measures.subarray(start * md, end * md));
}
