/**
 * Seeded Lloyd k-means over uniform samples of a box, for CVT centroids.
 * Mirrors pyribs' defaults (sklearn k_means with init="random", n_init=1,
 * algorithm="lloyd", max_iter=300, tol=1e-4 scaled by the data variance).
 */
import { Rng } from "../rng";
import { KdTree } from "./kdtree";

export interface KMeansOptions {
  k: number;
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  /** Uniform samples drawn from the box (pyribs default 100,000). */
  samples?: number;
  maxIter?: number;
  tol?: number;
  seed?: number;
}

export interface KMeansResult {
  centroids: Float64Array;
  iterations: number;
}

export function cvtCentroids(opts: KMeansOptions): KMeansResult {
  return runToEnd(cvtSteps(opts));
}

/**
 * The same computation, pausing every `sliceMs` (default 4) so the event loop keeps
 * serving other requests: for servers that need a CVT archive's centroids (the web
 * server's archive view), where a synchronous k-means would block for seconds. The slice is
 * short because one request takes several event-loop turns, and each turn may wait for a slice.
 */
export async function cvtCentroidsAsync(opts: KMeansOptions, sliceMs = 4): Promise<KMeansResult> {
  const steps = cvtSteps(opts);
  let deadline = performance.now() + sliceMs;
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() >= deadline) {
      await new Promise((resolve) => setImmediate(resolve));
      deadline = performance.now() + sliceMs;
    }
  }
}

/** Work between two possible pauses: this many point assignments. */
const CHUNK = 2048;

function runToEnd(steps: Generator<void, KMeansResult>): KMeansResult {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

function* cvtSteps(opts: KMeansOptions): Generator<void, KMeansResult> {
  const dim = opts.lower.length;
  const k = opts.k;
  const ns = opts.samples ?? 100_000;
  if (!Number.isInteger(k) || k < 1) throw new Error("k must be a positive integer");
  if (ns < k) throw new Error(`need at least k=${k} samples, got ${ns}`);
  const rng = new Rng(opts.seed ?? 0);
  const x = new Float64Array(ns * dim);
  for (let i = 0; i < ns; i++) {
    for (let d = 0; d < dim; d++) x[i * dim + d] = opts.lower[d] + (opts.upper[d] - opts.lower[d]) * rng.random();
    if (i % (CHUNK * 16) === 0) yield;
  }
  return yield* lloydSteps(x, dim, k, rng, opts.maxIter ?? 300, opts.tol ?? 1e-4);
}

/** Lloyd iterations on samples x (flat, n×dim); init = k distinct random samples. */
export function lloyd(x: Float64Array, dim: number, k: number, rng: Rng, maxIter: number, tol: number): KMeansResult {
  return runToEnd(lloydSteps(x, dim, k, rng, maxIter, tol));
}

/** Lloyd's algorithm as a generator that yields between chunks of work (the caller decides whether to pause). */
function* lloydSteps(x: Float64Array, dim: number, k: number, rng: Rng, maxIter: number, tol: number): Generator<void, KMeansResult> {
  const n = x.length / dim;
  // sklearn scales tol by the mean per-dimension variance of the data.
  let varMean = 0;
  for (let d = 0; d < dim; d++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i * dim + d];
      s += v;
      s2 += v * v;
    }
    const m = s / n;
    varMean += s2 / n - m * m;
  }
  const tolAbs = (tol * varMean) / dim;

  // Partial Fisher-Yates: the first k entries of a random permutation.
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const c = new Float64Array(k * dim);
  for (let j = 0; j < k; j++) {
    const r = j + rng.int(n - j);
    const t = perm[j];
    perm[j] = perm[r];
    perm[r] = t;
    for (let d = 0; d < dim; d++) c[j * dim + d] = x[perm[j] * dim + d];
  }

  const sums = new Float64Array(k * dim);
  const counts = new Int32Array(k);
  let it = 0;
  while (it < maxIter) {
    it++;
    const tree = new KdTree(c, dim);
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const j = tree.nearest(x, i * dim);
      counts[j]++;
      for (let d = 0; d < dim; d++) sums[j * dim + d] += x[i * dim + d];
      if (i % CHUNK === CHUNK - 1) yield;
    }
    let shift = 0;
    for (let j = 0; j < k; j++) {
      if (counts[j] === 0) continue; // empty cluster keeps its centroid
      for (let d = 0; d < dim; d++) {
        const nv = sums[j * dim + d] / counts[j];
        const diff = nv - c[j * dim + d];
        shift += diff * diff;
        c[j * dim + d] = nv;
      }
    }
    if (shift <= tolAbs) break;
  }
  return { centroids: c, iterations: it };
}
