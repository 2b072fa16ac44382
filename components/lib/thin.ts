/** At most ~max points, evenly strided, always keeping the last (curves are a few hundred pixels wide). */
export function thin<T>(rows: T[], max: number): T[] {
  if (rows.length <= max) return rows;
  const stride = Math.ceil(rows.length / max);
  const out = rows.filter((_, i) => i % stride === 0);
  if (out.at(-1) !== rows.at(-1)) out.push(rows.at(-1)!);
  return out;
}

/** The fields of a stored metric snapshot that the curves plot. */
export function toSnapshot(s: { evaluations: number; coverage: number; qdScore: number; normQdScore: number; maxFitness: number | null; meanFitness: number | null; numElites: number; costUsd?: number | null }) {
  const { evaluations, coverage, qdScore, normQdScore, maxFitness, meanFitness, numElites, costUsd } = s;
  return { evaluations, coverage, qdScore, normQdScore, maxFitness, meanFitness, numElites, ...(costUsd != null ? { costUsd } : {}) };
}
