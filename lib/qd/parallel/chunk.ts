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
  if (numElites === 0) {
    const sigma = params.kind === "gaussian" ? params.sigma : params.isoSigma;
    for (let i = start; i < end; i++) gaussianKernel(batch, i * dim, ctx.x0, 0, dim, sigma, rng, bounds);
  } else {
    // No software prefetch (touching the next parents' cache lines): it cost
    // more than it saved once the kernel got faster. Same draw order as before.
    const iso = params.kind === "iso-line";
    for (let i = start; i < end; i++) {
      const p = occ[rng.int(numElites)] * dim;
      if (iso) {
        const q = occ[rng.int(numElites)] * dim;
        isoLineKernel(batch, i * dim, sols, p, sols, q, dim, params.isoSigma, params.lineSigma, rng, bounds);
      } else {
        gaussianKernel(batch, i * dim, sols, p, dim, params.sigma, rng, bounds);
      }
    }
  }
  ctx.domain.evaluateBatch(batch.subarray(start * dim, end * dim), end - start, ctx.objectives.subarray(start, end), ctx.measures.subarray(start * md, end * md));
}
