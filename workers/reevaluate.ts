import type { CandidateBatch, CandidateExtras } from "@/lib/db/archive-store";
import type { Evaluator } from "@/lib/evaluators";
import { agreement, agreementMetrics } from "@/lib/experiments/reevaluation";

/**
 * `evaluation.reevaluate: n`: before the batch is committed, each candidate that would become an
 * elite by the worker's cache (an empty cell, or better than the cached elite; a stale cache only
 * re-evaluates more, never fewer) is evaluated n more times, all of them at once per round. Its
 * fitness becomes the mean and its metrics say how much the evaluations agreed. Returns how many
 * candidates were re-evaluated. Re-evaluations are not counted against the budget (it counts candidates).
 */
export async function reevaluateNewElites(
  evaluator: Evaluator,
  batch: CandidateBatch,
  genomeOf: (id: string) => unknown,
  mayImprove: (cell: number, fitness: number) => boolean,
  opts: { reevaluate: number; tolerance?: number },
  signal?: AbortSignal,
): Promise<number> {
  const picks = batch.cells.map((c, i) => i).filter((i) => mayImprove(batch.cells[i]!, batch.fitness[i]!));
  if (!picks.length) return 0;
  const again: (number | null)[][] = picks.map(() => []);
  for (let round = 0; round < opts.reevaluate && !signal?.aborted; round++) {
    const rs = await evaluator.evaluate(picks.map((i) => ({ id: batch.solutionIds[i]!, genome: genomeOf(batch.solutionIds[i]!) })), { signal });
    rs.forEach((r, j) => again[j]!.push(r.ok ? r.fitness : null));
  }
  const extras = (batch.extras ??= batch.cells.map((): CandidateExtras => ({})));
  picks.forEach((i, j) => {
    const a = agreement(batch.fitness[i]!, again[j]!, opts.tolerance);
    batch.fitness[i] = a.fitness;
    extras[i] = { ...extras[i], metrics: { ...extras[i]?.metrics, ...agreementMetrics(a) } };
  });
  return picks.length;
}
