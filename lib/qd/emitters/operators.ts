/**
 * Variation operators with explicit parents, usable without an archive
 * (e.g. by a distributed worker that fetched parents from the database).
 * The kernels take (array, offset) pairs so emitters can read parents in
 * place from the archive's flat solution store without copying.
 */
import type { Rng } from "../rng";
import type { Bounds } from "./types";

/** out[o..o+dim) = a[ao..] + σ·N(0, I), clipped to bounds. */
export function gaussianKernel(out: Float64Array, o: number, a: ArrayLike<number>, ao: number, dim: number, sigma: number, rng: Rng, bounds?: Bounds | null): void {
  rng.mutateRow(out, o, a, ao, a, ao, dim, sigma, 0);
  if (bounds) clipRow(out, o, dim, bounds);
}

/** Iso+LineDD: out = a + σ_iso·N(0, I) + σ_line·N(0,1)·(b − a), clipped to bounds. */
export function isoLineKernel(out: Float64Array, o: number, a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, dim: number, isoSigma: number, lineSigma: number, rng: Rng, bounds?: Bounds | null): void {
  const line = lineSigma * rng.normal();
  rng.mutateRow(out, o, a, ao, b, bo, dim, isoSigma, line);
  if (bounds) clipRow(out, o, dim, bounds);
}

export function clipRow(out: Float64Array, o: number, dim: number, bounds: Bounds): void {
  const lo = bounds.lower;
  const hi = bounds.upper;
  for (let k = 0; k < dim; k++) {
    const v = out[o + k];
    if (v < lo[k]) out[o + k] = lo[k];
    else if (v > hi[k]) out[o + k] = hi[k];
  }
}

/**
 * Gaussian mutation of explicit parents: parents is row-major (nParents×dim);
 * child i uses parent i mod nParents. Returns a new array of count×dim.
 */
export function gaussianVary(parents: Float64Array, dim: number, count: number, sigma: number, rng: Rng, bounds?: Bounds | null): Float64Array {
  const np = parents.length / dim;
  if (!Number.isInteger(np) || np < 1) throw new Error("parents must hold at least one row of length dim");
  const out = new Float64Array(count * dim);
  for (let i = 0; i < count; i++) gaussianKernel(out, i * dim, parents, (i % np) * dim, dim, sigma, rng, bounds);
  return out;
}

/**
 * Iso+LineDD with explicit parent pairs: child i uses row i mod n of
 * parentsA and of parentsB (both row-major, same number of rows).
 */
export function isoLineVary(parentsA: Float64Array, parentsB: Float64Array, dim: number, count: number, isoSigma: number, lineSigma: number, rng: Rng, bounds?: Bounds | null): Float64Array {
  const np = parentsA.length / dim;
  if (!Number.isInteger(np) || np < 1 || parentsB.length !== parentsA.length) {
    throw new Error("parentsA and parentsB must hold the same number (>= 1) of rows of length dim");
  }
  const out = new Float64Array(count * dim);
  for (let i = 0; i < count; i++) {
    const r = (i % np) * dim;
    isoLineKernel(out, i * dim, parentsA, r, parentsB, r, dim, isoSigma, lineSigma, rng, bounds);
  }
  return out;
}
