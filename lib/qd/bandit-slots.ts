/**
 * ME-MAP-Elites' bandit scheduler in distributed runs (pure: the rule lib/db/bandit-store.ts applies in the commit).
 *
 * The pool is the run's `count` CMA chains; `numActive` job slots run at once (job k in slot
 * k mod numActive, one job in flight per slot), each slot running the chain the bandit gave it.
 * A job's commit adds its chain's successes (candidates the archive took, in the worker's view) and
 * evaluations to the counts, and, when the chain restarted during the job ("terminated") or after
 * every job ("all"), gives the slot the chain with the best UCB1 score among those no other slot
 * runs (pyribs BanditScheduler's rule, applied per job instead of per iteration).
 */

export interface BanditRow {
  /** The chain each slot runs. Distinct: a chain is in at most one slot. */
  slots: number[];
  /** Jobs each slot has committed: slot s's next job is s + numActive · slotJobs[s]. */
  slotJobs: number[];
  /** Per chain: candidates that entered the archive, and evaluations (pyribs: successes, selections). */
  success: number[];
  selection: number[];
  /** Slot changes so far (for the dashboard and tests). */
  reselections: number;
}

export interface BanditJob {
  slot: number;
  chain: number;
  /** slotJobs[slot] this job expects (k div numActive). */
  slotJob: number;
  successes: number;
  evaluations: number;
  /** The chain restarted during the job. */
  restarted: boolean;
}

export interface BanditParams {
  numActive: number;
  pool: number;
  reselect: "terminated" | "all";
  zeta: number;
}

/** Before any commit: slot s runs chain s (pyribs fills the active set in pool order first). */
export function initialBandit(p: Pick<BanditParams, "numActive" | "pool">): BanditRow {
  return {
    slots: Array.from({ length: p.numActive }, (_, s) => s),
    slotJobs: new Array<number>(p.numActive).fill(0),
    success: new Array<number>(p.pool).fill(0),
    selection: new Array<number>(p.pool).fill(0),
    reselections: 0,
  };
}

/** Slot of job k and whether it is that slot's next job ("behind": already committed). */
export function slotOfJob(row: BanditRow, k: number, numActive: number): { slot: number; chain: number; slotJob: number; due: "now" | "behind" | "ahead" } {
  const slot = k % numActive;
  const slotJob = Math.floor(k / numActive);
  const done = row.slotJobs[slot] ?? 0;
  return { slot, chain: row.slots[slot]!, slotJob, due: done === slotJob ? "now" : done > slotJob ? "behind" : "ahead" };
}

/** The row after a job commits; throws if the job is not its slot's next job on its chain (a stale or duplicate job). */
export function applyBanditJob(row: BanditRow, job: BanditJob, p: BanditParams): BanditRow {
  if (row.slots[job.slot] !== job.chain || row.slotJobs[job.slot] !== job.slotJob) {
    throw new Error(`bandit slot ${job.slot} is at job ${row.slotJobs[job.slot]} on chain ${row.slots[job.slot]}, not job ${job.slotJob} on chain ${job.chain}`);
  }
  const next: BanditRow = { slots: [...row.slots], slotJobs: [...row.slotJobs], success: [...row.success], selection: [...row.selection], reselections: row.reselections };
  next.success[job.chain]! += job.successes;
  next.selection[job.chain]! += job.evaluations;
  next.slotJobs[job.slot]! += 1;
  if (p.reselect === "all" || job.restarted) {
    const chosen = ucbChoice(next, job.slot, p.zeta);
    if (chosen !== job.chain) next.reselections++;
    next.slots[job.slot] = chosen;
  }
  return next;
}

/**
 * The free chain (not run by another slot; the slot's own chain may stay) with the highest
 * successes/selections + ζ·sqrt(ln(total successes)/selections); never-selected chains first,
 * ties to the later index (as lib/qd/bandit-scheduler.ts).
 */
export function ucbChoice(row: BanditRow, slot: number, zeta: number): number {
  const taken = new Set(row.slots.filter((_, s) => s !== slot));
  const total = row.success.reduce((a, b) => a + b, 0);
  const explore = Math.log(Math.max(total, 1));
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < row.success.length; i++) {
    if (taken.has(i)) continue;
    const n = row.selection[i]!;
    const score = n === 0 ? Infinity : row.success[i]! / n + zeta * Math.sqrt(explore / n);
    if (score >= bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best < 0 ? row.slots[slot]! : best;
}
