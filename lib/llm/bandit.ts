/**
 * Which model of an ensemble writes the next children: a cost-aware multi-armed bandit.
 *
 * An arm is a model of `emitter.models`. Its record (kept in PostgreSQL, one row per experiment and
 * model, updated in the commit transaction of each batch) counts pulls (calls whose child was
 * committed, unusable replies included), the money they cost, how many of them improved the archive
 * and by how much (`gain`: the QD-score gain of the child's insertion, i.e. its fitness minus the
 * cell's previous elite, or minus the QD offset in a new cell). The value of an arm is archive gain
 * per dollar: mean gain per pull divided by mean cost per pull.
 *
 * - Costs are made relative to the cheapest arm (the cheapest costs 1), so a model twice as dear
 *   must improve the archive twice as much per call to be worth as much. A model with no known price
 *   (a local server) costs a thousandth of the dearest one; when no model has a price, all cost 1
 *   and the bandit maximises gain per call.
 * - Gains are divided by the best arm's mean gain per pull, so the exploration term has the same
 *   scale whatever the fitness units.
 * - `ucb`: index = (mean + c·√(2 ln N / n)) / relative cost (UCB1 on the normalised gain).
 * - `thompson`: θ = p · g / relative cost with p ~ Beta(1 + improvements, 1 + pulls − improvements)
 *   the chance a call improves the archive and g its mean gain when it does (shrunk toward the
 *   ensemble's mean gain per improvement).
 * - Every arm is tried once before either rule applies (its cost is unknown until then).
 * - A job asks for several calls at once: each choice counts as a pending pull at the arm's mean for
 *   the next ones (UCB's bonus shrinks, so a batch spreads over close arms instead of piling on one).
 */
import { Rng } from "../qd/rng";

export interface ArmStats {
  model: string;
  pulls: number;
  costUsd: number;
  /** Sum of the archive gains of the arm's children (≥ 0). */
  gain: number;
  /** Children that created or improved a cell. */
  improvements: number;
}

export interface BanditOptions {
  policy: "ucb" | "thompson";
  /** UCB's exploration constant c (default 0.5). */
  exploration?: number;
}

/** Share of the dearest arm's cost charged to an arm whose calls cost nothing (unknown price). */
const FREE_COST_SHARE = 1e-3;

/** Cost of an arm relative to the cheapest arm with pulls (≥ 1 for pulled arms). */
export function relativeCosts(arms: ArmStats[]): number[] {
  const perPull = arms.map((a) => (a.pulls > 0 ? a.costUsd / a.pulls : NaN));
  const known = perPull.filter((c) => Number.isFinite(c));
  const dearest = Math.max(0, ...known);
  if (!(dearest > 0)) return arms.map(() => 1);
  const floor = dearest * FREE_COST_SHARE;
  const cheapest = Math.min(...known.map((c) => Math.max(c, floor)));
  return perPull.map((c) => (Number.isFinite(c) ? Math.max(c, floor) / cheapest : 1));
}

/** Archive gain per dollar of an arm; null before its first pull or when its calls cost nothing. */
export function gainPerDollar(a: ArmStats): number | null {
  if (a.pulls === 0) return null;
  return a.costUsd > 0 ? a.gain / a.costUsd : null;
}

/** The value the bandit ranks arms by, without exploration: normalised mean gain over relative cost. */
export function armValues(arms: ArmStats[]): number[] {
  const rc = relativeCosts(arms);
  const scale = gainScale(arms);
  return arms.map((a, i) => (a.pulls > 0 ? a.gain / a.pulls / scale / rc[i]! : 0));
}

function gainScale(arms: ArmStats[]): number {
  const best = Math.max(0, ...arms.map((a) => (a.pulls > 0 ? a.gain / a.pulls : 0)));
  return best > 0 ? best : 1;
}

function ucbIndex(arms: ArmStats[], c: number): number[] {
  const rc = relativeCosts(arms);
  const scale = gainScale(arms);
  const total = arms.reduce((s, a) => s + a.pulls, 0);
  const logN = Math.log(Math.max(total, 1));
  return arms.map((a, i) => (a.gain / a.pulls / scale + c * Math.sqrt((2 * logN) / a.pulls)) / rc[i]!);
}

function thompsonDraw(arms: ArmStats[], rng: Rng): number[] {
  const rc = relativeCosts(arms);
  const scale = gainScale(arms);
  const wins = arms.reduce((s, a) => s + a.improvements, 0);
  const meanWin = wins > 0 ? arms.reduce((s, a) => s + a.gain, 0) / wins / scale : 1;
  return arms.map((a, i) => {
    const p = sampleBeta(rng, 1 + a.improvements, 1 + Math.max(0, a.pulls - a.improvements));
    const g = (a.gain / scale + meanWin) / (a.improvements + 1);
    return (p * g) / rc[i]!;
  });
}

function argmax(xs: number[], rng: Rng): number {
  let best = -Infinity;
  let ties: number[] = [];
  xs.forEach((x, i) => {
    if (x > best) {
      best = x;
      ties = [i];
    } else if (x === best) ties.push(i);
  });
  return ties.length === 1 ? ties[0]! : ties[rng.int(ties.length)]!;
}

/**
 * The models of the next `count` calls. `arms` is the stored record, one entry per configured
 * model (arms without a record have zero pulls). Deterministic for a given rng state.
 */
export function chooseArms(arms: ArmStats[], count: number, rng: Rng, opts: BanditOptions): string[] {
  if (!arms.length) throw new Error("chooseArms: no arms");
  const state = arms.map((a) => ({ ...a }));
  const out: string[] = [];
  const c = opts.exploration ?? 0.5;
  for (let k = 0; k < count; k++) {
    const untried = state.map((a, i) => (a.pulls === 0 ? i : -1)).filter((i) => i >= 0);
    let i: number;
    if (untried.length) i = untried[rng.int(untried.length)]!;
    else i = argmax(opts.policy === "ucb" ? ucbIndex(state, c) : thompsonDraw(state, rng), rng);
    out.push(state[i]!.model);
    // A pending pull at the arm's current means (or at the ensemble's, for a first pull).
    const a = state[i]!;
    const ref = a.pulls > 0 ? a : pooled(state);
    a.costUsd += ref.pulls > 0 ? ref.costUsd / ref.pulls : 0;
    a.gain += ref.pulls > 0 ? ref.gain / ref.pulls : 0;
    a.improvements += ref.pulls > 0 ? ref.improvements / ref.pulls : 0;
    a.pulls += 1;
  }
  return out;
}

function pooled(arms: ArmStats[]): ArmStats {
  return arms.reduce((s, a) => ({ model: "", pulls: s.pulls + a.pulls, costUsd: s.costUsd + a.costUsd, gain: s.gain + a.gain, improvements: s.improvements + a.improvements }), { model: "", pulls: 0, costUsd: 0, gain: 0, improvements: 0 });
}

/** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 via the boost u^(1/shape)). */
export function sampleGamma(rng: Rng, shape: number): number {
  if (shape < 1) return sampleGamma(rng, shape + 1) * Math.pow(Math.max(rng.random(), 1e-300), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(Math.max(u, 1e-300)) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function sampleBeta(rng: Rng, a: number, b: number): number {
  const x = sampleGamma(rng, a);
  const y = sampleGamma(rng, b);
  return x / (x + y);
}
