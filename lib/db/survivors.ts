import type { CandidateBatch } from "@/lib/db/archive-store";

/**
 * What a numbered job stores: the candidates still elites of the worker's archive at the end of the
 * job, plus every candidate of the job that one of those descends from (parents chosen from the
 * local archive may be earlier candidates of the same job). A candidate that was an elite locally
 * for a few iterations, left no stored descendant and was replaced before the commit never was an
 * elite of the stored archive, so dropping it loses no lineage and saves a row per such candidate.
 *
 * `currentId(cell)`: the id of the cell's elite in the worker's archive now.
 */
export function keepSurvivors(batch: CandidateBatch, currentId: (cell: number) => string | undefined): CandidateBatch {
  const n = batch.solutionIds.length;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(batch.solutionIds[i]!, i);
  const keep = new Uint8Array(n);
  const stack: number[] = [];
  for (let i = 0; i < n; i++) {
    if (currentId(batch.cells[i]!) === batch.solutionIds[i]) {
      keep[i] = 1;
      stack.push(i);
    }
  }
  // Walk parents back through the job's own candidates (parents from before the job are stored already).
  while (stack.length) {
    const i = stack.pop()!;
    for (let p = 0; p < batch.parentsPer; p++) {
      const parent = batch.parentIds[i * batch.parentsPer + p];
      const j = parent == null ? undefined : index.get(parent);
      if (j !== undefined && !keep[j]) {
        keep[j] = 1;
        stack.push(j);
      }
    }
  }
  let kept = 0;
  for (let i = 0; i < n; i++) kept += keep[i]!;
  if (kept === n) return batch;
  const md = batch.measureDim;
  const gBytes = batch.genomeDim * 8;
  const out: CandidateBatch = { ...batch, cells: [], fitness: [], descriptors: [], parentIds: [], solutionIds: [], genomes: new Uint8Array(kept * gBytes) };
  if (batch.extras) out.extras = [];
  if (batch.genomeTexts?.length) out.genomeTexts = [];
  let o = 0;
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    out.cells.push(batch.cells[i]!);
    out.fitness.push(batch.fitness[i]!);
    for (let j = 0; j < md; j++) out.descriptors.push(batch.descriptors[i * md + j]!);
    for (let p = 0; p < batch.parentsPer; p++) out.parentIds.push(batch.parentIds[i * batch.parentsPer + p] ?? null);
    out.solutionIds.push(batch.solutionIds[i]!);
    out.genomes.set(batch.genomes.subarray(i * gBytes, (i + 1) * gBytes), o * gBytes);
    if (out.extras) out.extras.push(batch.extras![i]!);
    if (out.genomeTexts) out.genomeTexts.push(batch.genomeTexts![i]!);
    o++;
  }
  return out;
}
