/**
 * "Does evolution pay on this task?": a best-of-N run against an evolutionary run, read at the same
 * number of evaluations (the shorter run's last snapshot, and the other's last snapshot at or before
 * it), so a longer run is not credited with its extra budget.
 */
import type { Snapshot } from "@/components/lib/types";

export interface BaselineSide {
  id: string;
  maxFitness: number | null;
  qdScore: number;
  costUsd: number | null;
  evaluations: number;
}

export interface BaselineVerdict {
  /** Where both are read. */
  evaluations: number;
  evolve: BaselineSide;
  bestOfN: BaselineSide;
  /** evolve − best-of-N (null when either is unknown). */
  fitnessGain: number | null;
  qdScoreGain: number;
}

/** The last snapshot at or before `evaluations`. */
export function snapshotAt(snaps: Snapshot[], evaluations: number): Snapshot | null {
  let out: Snapshot | null = null;
  for (const s of snaps) {
    if (s.evaluations > evaluations) break;
    out = s;
  }
  return out;
}

export function baselineVerdict(evolveId: string, bestOfNId: string, snapshots: Record<string, Snapshot[]>): BaselineVerdict | null {
  const a = snapshots[evolveId] ?? [];
  const b = snapshots[bestOfNId] ?? [];
  if (!a.length || !b.length) return null;
  const at = Math.min(a.at(-1)!.evaluations, b.at(-1)!.evaluations);
  const sa = snapshotAt(a, at);
  const sb = snapshotAt(b, at);
  if (!sa || !sb) return null;
  const side = (id: string, s: Snapshot): BaselineSide => ({ id, maxFitness: s.maxFitness, qdScore: s.qdScore, costUsd: s.costUsd ?? null, evaluations: s.evaluations });
  return {
    evaluations: at,
    evolve: side(evolveId, sa),
    bestOfN: side(bestOfNId, sb),
    fitnessGain: sa.maxFitness != null && sb.maxFitness != null ? sa.maxFitness - sb.maxFitness : null,
    qdScoreGain: sa.qdScore - sb.qdScore,
  };
}
