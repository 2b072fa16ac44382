import type { PrismaClient } from "@/lib/generated/prisma/client";
import { embed } from "@/lib/dedupe/embeddings";
import { checkAndRegister, prepareCandidate, type DuplicateVerdict } from "@/lib/dedupe/index-store";
import type { DedupeSettings } from "@/lib/dedupe/settings";
import type { StagedCandidate } from "@/lib/experiments/jobs";

export interface DedupeOutcome {
  /** Per candidate: why it is a duplicate, or null (admitted, or not checked: invalid replies). */
  verdicts: (DuplicateVerdict | null)[];
  /** The embeddings endpoint failed: this round fell back to exact matching (the reason, for the logs). */
  embeddingsError?: string;
}

/**
 * Checks a round of proposals against the experiment's index and registers the admitted ones.
 * `force[i]`: register without checking (seeds are evaluated as given). Invalid candidates (no
 * usable program) are neither checked nor registered.
 */
export async function dedupeRound(prisma: PrismaClient, experimentId: string, settings: DedupeSettings, candidates: StagedCandidate[], force: boolean[] = [], signal?: AbortSignal): Promise<DedupeOutcome> {
  const checked = candidates.map((c, i) => ({ c, i })).filter(({ c }) => !c.invalid && typeof c.genome === "string");
  const prepared = checked.map(({ c, i }) => prepareCandidate(c.id, c.genome as string, settings, !!force[i]));
  let embeddingsError: string | undefined;
  if (settings.mode === "embeddings" && settings.embeddings && prepared.length) {
    // The network call happens before the lock is taken; a failed call leaves only the exact check.
    try {
      const r = await embed(settings.embeddings, prepared.map((p) => p.normalised), signal);
      prepared.forEach((p, i) => (p.embedding = r.vectors[i]));
    } catch (e) {
      embeddingsError = e instanceof Error ? e.message : String(e);
    }
  }
  const found = await checkAndRegister(prisma, experimentId, settings, prepared);
  const verdicts: (DuplicateVerdict | null)[] = candidates.map(() => null);
  checked.forEach(({ i }, n) => (verdicts[i] = found[n] ?? null));
  return { verdicts, ...(embeddingsError ? { embeddingsError } : {}) };
}

/** What the candidate row says about a duplicate (its error column). */
export const duplicateReason = (v: DuplicateVerdict) =>
  `duplicate of ${v.of} (${v.method === "exact" ? "identical after normalisation" : `${v.method} similarity ${v.similarity.toFixed(3)}`})`;
