/**
 * One thread's share of a MAP-Elites iteration: vary parents sampled from
 * the (shared) archive and evaluate the children, rows [start, end) of the
 * batch. Used by both the main thread and worker threads.
 */
import type { Domain } from "../domains/types";
import type { Bounds } from "../emitters/types";
import { gaussianKernel, isoLineKernel } from "../emitters/operators";
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

export function runChunk(ctx: ChunkContext, start: number, end: number, numElites: number): void {
  const dim = ctx.domain.dim;
  const md = ctx.domain.descriptors.length;
  const { params, rng, batch, archiveSolutions: sols, occupiedList: occ, bounds } = ctx;
  for (let i = start; i < end; i++) {
    const o = i * dim;
    if (numElites === 0) {
      gaussianKernel(batch, o, ctx.x0, 0, dim, params.kind === "gaussian" ? params.sigma : params.isoSigma, rng, bounds);
    } else if (params.kind === "gaussian") {
      gaussianKernel(batch, o, sols, occ[rng.int(numElites)] * dim, dim, params.sigma, rng, bounds);
    } else {
      const p = occ[rng.int(numElites)];
      const q = occ[rng.int(numElites)];
      isoLineKernel(batch, o, sols, p * dim, sols, q * dim, dim, params.isoSigma, params.lineSigma, rng, bounds);
    }
  }
  ctx.domain.evaluateBatch(batch.subarray(start * dim, end * dim), end - start, ctx.objectives.subarray(start, end), ctx.measures.subarray(start * md, end * md));
}
