/**
 * `evaluation.reevaluate: n` (noisy evaluators): a candidate that would become an elite is
 * evaluated n more times. Its fitness is the mean of all n + 1 evaluations that succeeded; the
 * spread is max − min of them. It is "verified" when every re-evaluation succeeded and the spread
 * is at most the tolerance (`evaluation.tolerance`, default 1% of |mean|): the evaluations agree.
 * Stored in the solution's metrics (numbers, like every metric): reevaluations, fitnessSpread,
 * verified (1 or 0); the elite panel and the elite table read them from there.
 */

export const DEFAULT_RELATIVE_TOLERANCE = 0.01;

export interface Agreement {
  /** Mean of the successful evaluations (the first one included). */
  fitness: number;
  /** max − min of the successful evaluations. */
  spread: number;
  /** Re-evaluations run (not counting the first evaluation). */
  reevaluations: number;
  /** Re-evaluations that failed (an error counts as disagreement). */
  failed: number;
  verified: boolean;
}

/** `first`: the candidate's fitness; `again`: each re-evaluation's fitness, or null when it failed. */
export function agreement(first: number, again: (number | null)[], tolerance?: number): Agreement {
  const ok = [first, ...again.filter((f): f is number => f !== null && Number.isFinite(f))];
  const fitness = ok.reduce((s, f) => s + f, 0) / ok.length;
  const spread = Math.max(...ok) - Math.min(...ok);
  const failed = again.length - (ok.length - 1);
  const limit = tolerance ?? DEFAULT_RELATIVE_TOLERANCE * Math.abs(fitness);
  // A hair of slack for float rounding in the evaluator's output.
  return { fitness, spread, reevaluations: again.length, failed, verified: failed === 0 && spread <= limit + 1e-12 };
}

/** The metrics a re-evaluated candidate carries. */
export function agreementMetrics(a: Agreement): Record<string, number> {
  return { reevaluations: a.reevaluations, fitnessSpread: a.spread, verified: a.verified ? 1 : 0, ...(a.failed ? { reevaluationsFailed: a.failed } : {}) };
}

/** What the dashboard shows, from a solution's metrics (null: not re-evaluated). */
export function verificationOf(metrics: unknown): { verified: boolean; spread: number; reevaluations: number } | null {
  if (!metrics || typeof metrics !== "object") return null;
  const m = metrics as Record<string, unknown>;
  if (typeof m.verified !== "number" || typeof m.reevaluations !== "number") return null;
  return { verified: m.verified === 1, spread: typeof m.fitnessSpread === "number" ? m.fitnessSpread : NaN, reevaluations: m.reevaluations };
}
