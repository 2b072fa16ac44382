/**
 * Parent selection for LLM-driven runs: which elite the next child is written from.
 *
 *   uniform    every elite alike (MAP-Elites; the default)
 *   fitness    fitness-proportional above the worst elite: w = (f − f_min) + floor·(f_max − f_min)
 *   power-law  by rank, best first: w = rank^(−exponent) (ties share their average rank)
 *   dgm        Darwin Gödel Machine's score_child_prop: w = sigmoid(sharpness·(s − ½)) / (1 + children),
 *              s = the fitness scaled to [0, 1] over the elites (DGM's scores are accuracies in [0, 1])
 *   novelty    mean distance to the k nearest other elites in descriptor space (each axis scaled to its range)
 *   mix        explore/exploit: with probability exploitShare a power-law(exponent) pick, else a uniform one
 *
 * Weights are computed from plain arrays (one entry per elite), so this module knows nothing of
 * workers or the database; the caller says how many children each elite already has (dgm) and
 * tells the sampler about each child it plans, so one batch spreads over parents the same way
 * a sequence of batches would. Browser-safe (zod and arithmetic only).
 */
import { z } from "zod";
import type { Rng } from "../qd/rng";

export const PARENT_POLICIES = ["uniform", "fitness", "power-law", "dgm", "novelty", "mix"] as const;
export type ParentPolicy = (typeof PARENT_POLICIES)[number];

const P = "emitter.parentSelection";
const num = (label: string) => z.number({ error: `${P}.${label} must be a number` }).finite(`${P}.${label} must be finite`);
const share = (label: string) => num(label).min(0, `${P}.${label} must be between 0 and 1`).max(1, `${P}.${label} must be between 0 and 1`);

export const ParentSelectionConfig = z.discriminatedUnion(
  "policy",
  [
    z.object({ policy: z.literal("uniform") }).strict(),
    z.object({ policy: z.literal("fitness"), floor: share("floor").default(0.05) }).strict(),
    z.object({ policy: z.literal("power-law"), exponent: num("exponent").gt(0, `${P}.exponent must be > 0`).max(20, `${P}.exponent must be at most 20`).default(1) }).strict(),
    z.object({ policy: z.literal("dgm"), sharpness: num("sharpness").gt(0, `${P}.sharpness must be > 0`).max(1000, `${P}.sharpness must be at most 1,000`).default(10) }).strict(),
    z.object({ policy: z.literal("novelty"), k: z.number({ error: `${P}.k must be a number` }).int(`${P}.k must be a whole number`).min(1, `${P}.k must be at least 1`).max(100, `${P}.k must be at most 100`).default(3) }).strict(),
    z
      .object({
        policy: z.literal("mix"),
        /** Share of picks made by the best-biased power-law; the rest are uniform. */
        exploitShare: share("exploitShare").default(0.5),
        exponent: num("exponent").gt(0, `${P}.exponent must be > 0`).max(20, `${P}.exponent must be at most 20`).default(2),
      })
      .strict(),
  ],
  { error: `${P}.policy must be one of ${PARENT_POLICIES.map((p) => `"${p}"`).join(", ")}` },
);
export type ParentSelectionConfig = z.infer<typeof ParentSelectionConfig>;
export type ParentSelectionInput = z.input<typeof ParentSelectionConfig>;

/** The emitter fields of parent selection and crossover (spread into the llm emitter's schema). */
export const parentSelectionShape = {
  parentSelection: ParentSelectionConfig.default({ policy: "uniform" }),
  /** Share of children written from two parents of different cells ("combine their strengths"). */
  crossoverRate: z.number({ error: "emitter.crossoverRate must be a number" }).min(0, "emitter.crossoverRate must be between 0 and 1").max(1, "emitter.crossoverRate must be between 0 and 1").default(0),
};

/** What the lineage keeps about how a child's parents were chosen (stored on the Solution). */
export interface SelectionRecord {
  /** The experiment's policy. */
  policy: ParentPolicy;
  /** One entry per parent id, same order: the rule that chose it ("mix/exploit", ...) and its probability then. */
  parents: { policy: string; p: number }[];
  /** The child was written from two parents (crossover). */
  crossover?: boolean;
}

/** The elites a parent is chosen from: fitness, and what some policies need besides. */
export interface SelectionPool {
  fitness: ArrayLike<number>;
  /** novelty: descriptor values, `dim` per elite, row after row. */
  descriptors?: ArrayLike<number>;
  dim?: number;
  /** novelty: each descriptor's range, to put the axes on one scale (default [0, 1]). */
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
  /** dgm: children each elite already has. */
  children?: ArrayLike<number>;
}

export const needsChildren = (c: ParentSelectionConfig) => c.policy === "dgm";
export const needsDescriptors = (c: ParentSelectionConfig) => c.policy === "novelty";

/** Above this many elites, novelty compares each elite with an evenly spread subset of this size (an approximation: distances to the k nearest of the subset). */
export const NOVELTY_REFERENCE = 512;

function range(f: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < f.length; i++) {
    if (f[i]! < lo) lo = f[i]!;
    if (f[i]! > hi) hi = f[i]!;
  }
  return [lo, hi];
}

/** Rank 1 = highest fitness; equal fitness shares the average of its ranks (so no cell order matters). */
export function fitnessRanks(f: ArrayLike<number>): Float64Array {
  const n = f.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => f[b]! - f[a]!); // descending: best first
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && f[order[j + 1]!] === f[order[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) ranks[order[t]!] = avg;
    i = j + 1;
  }
  return ranks;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Mean distance of each elite to its k nearest others (axes scaled to their ranges). */
export function noveltyScores(pool: SelectionPool, k: number): Float64Array {
  const n = pool.fitness.length;
  const dim = pool.dim ?? 0;
  const d = pool.descriptors;
  const out = new Float64Array(n);
  if (n < 2 || !d || dim < 1) return out.fill(1);
  const scaled = new Float64Array(n * dim);
  for (let j = 0; j < dim; j++) {
    const lo = pool.lower?.[j] ?? 0;
    const span = (pool.upper?.[j] ?? 1) - lo || 1;
    for (let i = 0; i < n; i++) scaled[i * dim + j] = (d[i * dim + j]! - lo) / span;
  }
  // Reference set: every elite, or an evenly spread subset when there are many (keeps a job O(n·512)).
  const step = Math.max(1, n / NOVELTY_REFERENCE);
  const refIndex: number[] = [];
  for (let r = 0; r < n; r += step) refIndex.push(Math.floor(r));
  const m = refIndex.length;
  const refs = new Float64Array(m * dim);
  refIndex.forEach((r, t) => refs.set(scaled.subarray(r * dim, (r + 1) * dim), t * dim));
  const kk = Math.min(k, m - 1);
  const nearest = new Float64Array(kk);
  for (let i = 0; i < n; i++) {
    nearest.fill(Infinity);
    let worst = Infinity;
    const o = i * dim;
    for (let t = 0; t < m; t++) {
      if (refIndex[t] === i) continue;
      let s = 0;
      const q = t * dim;
      for (let j = 0; j < dim; j++) {
        const x = scaled[o + j]! - refs[q + j]!;
        s += x * x;
      }
      if (s >= worst) continue;
      // Insert into the sorted k smallest.
      let p = kk - 1;
      while (p > 0 && nearest[p - 1]! > s) {
        nearest[p] = nearest[p - 1]!;
        p--;
      }
      nearest[p] = s;
      worst = nearest[kk - 1]!;
    }
    let sum = 0;
    let found = 0;
    for (let t = 0; t < kk; t++) if (Number.isFinite(nearest[t]!)) (sum += Math.sqrt(nearest[t]!)), found++;
    out[i] = found ? sum / found : 0;
  }
  return out;
}

/** Unnormalised weight of each elite under a single (non-mix) policy. All zero or non-finite: uniform. */
export function policyWeights(config: Exclude<ParentSelectionConfig, { policy: "mix" }>, pool: SelectionPool): Float64Array {
  const f = pool.fitness;
  const n = f.length;
  const w = new Float64Array(n);
  const [lo, hi] = range(f);
  const spread = hi - lo;
  switch (config.policy) {
    case "uniform":
      w.fill(1);
      break;
    case "fitness":
      for (let i = 0; i < n; i++) w[i] = spread > 0 ? f[i]! - lo + config.floor * spread : 1;
      break;
    case "power-law": {
      const ranks = fitnessRanks(f);
      for (let i = 0; i < n; i++) w[i] = Math.pow(ranks[i]!, -config.exponent);
      break;
    }
    case "dgm":
      for (let i = 0; i < n; i++) {
        const s = spread > 0 ? (f[i]! - lo) / spread : 0.5;
        w[i] = sigmoid(config.sharpness * (s - 0.5)) / (1 + (pool.children?.[i] ?? 0));
      }
      break;
    case "novelty": {
      const nov = noveltyScores(pool, config.k);
      // A small floor: an elite sitting on another one still gets picked now and then.
      const [, top] = range(nov);
      for (let i = 0; i < n; i++) w[i] = nov[i]! + 1e-3 * (top > 0 ? top : 1);
      break;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i]!;
  if (!(total > 0) || !Number.isFinite(total)) w.fill(1);
  return w;
}

export interface ParentPick {
  index: number;
  /** The rule that chose it: the policy, or "mix/explore" | "mix/exploit". */
  policy: string;
  /** Its probability under the experiment's policy at that moment. */
  p: number;
}

/**
 * Draws parents from a pool. `pick(rng, exclude)` leaves one elite out (crossover's second
 * parent comes from another cell); `addChild(i)` counts a planned child (dgm weights move).
 */
export class ParentSampler {
  private readonly branches: { name: string; share: number; w: Float64Array; total: number }[];
  private readonly children: Float64Array | null;

  constructor(
    readonly config: ParentSelectionConfig,
    private readonly pool: SelectionPool,
  ) {
    const n = pool.fitness.length;
    const branch = (name: string, share: number, w: Float64Array) => ({ name, share, w, total: w.reduce((a, b) => a + b, 0) });
    if (config.policy === "mix") {
      this.branches = [
        branch("mix/exploit", config.exploitShare, policyWeights({ policy: "power-law", exponent: config.exponent }, pool)),
        branch("mix/explore", 1 - config.exploitShare, policyWeights({ policy: "uniform" }, pool)),
      ];
    } else this.branches = [branch(config.policy, 1, policyWeights(config, pool))];
    this.children = needsChildren(config) ? Float64Array.from({ length: n }, (_, i) => pool.children?.[i] ?? 0) : null;
  }

  get size() {
    return this.pool.fitness.length;
  }

  /** Probability of elite i under the policy (excluding `exclude`, renormalised). */
  probability(i: number, exclude = -1): number {
    let p = 0;
    for (const b of this.branches) {
      const total = b.total - (exclude >= 0 ? b.w[exclude]! : 0);
      if (b.share > 0 && i !== exclude) p += b.share * (total > 0 ? b.w[i]! / total : 1 / Math.max(1, this.size - (exclude >= 0 ? 1 : 0)));
    }
    return p;
  }

  pick(rng: Rng, exclude = -1): ParentPick | null {
    const n = this.size;
    if (n === 0 || (n === 1 && exclude === 0)) return null;
    // Uniform draws use rng.int(n) exactly like the archive's uniform selection did before policies.
    // mix: exploit with probability exploitShare, else explore.
    const b = this.branches.length > 1 && rng.random() >= this.branches[0]!.share ? this.branches[1]! : this.branches[0]!;
    let index: number;
    if (b.name === "uniform" || b.name === "mix/explore") {
      index = exclude >= 0 ? (exclude + 1 + rng.int(n - 1)) % n : rng.int(n);
    } else {
      const total = b.total - (exclude >= 0 ? b.w[exclude]! : 0);
      index = total > 0 ? drawWeighted(b.w, total, rng, exclude) : exclude >= 0 ? (exclude + 1 + rng.int(n - 1)) % n : rng.int(n);
    }
    return { index, policy: b.name, p: this.probability(index, exclude) };
  }

  /** A child of elite i is planned: dgm's 1/(1 + children) moves at once. */
  addChild(i: number) {
    if (!this.children) return;
    const c = this.children[i]!;
    for (const b of this.branches) {
      const before = b.w[i]!;
      b.w[i] = (before * (1 + c)) / (2 + c);
      b.total += b.w[i]! - before;
    }
    this.children[i] = c + 1;
  }
}

function drawWeighted(w: Float64Array, total: number, rng: Rng, exclude: number): number {
  let u = rng.random() * total;
  let last = -1;
  for (let i = 0; i < w.length; i++) {
    if (i === exclude || !(w[i]! > 0)) continue;
    last = i;
    if ((u -= w[i]!) < 0) return i;
  }
  return last; // rounding at the very end
}
