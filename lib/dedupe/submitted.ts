import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { ExperimentSpec } from "@/lib/experiments/config";
import type { StagedCandidate } from "@/lib/experiments/jobs";
import { dedupeRound } from "./round";
import { dedupeSettings } from "./settings";

/**
 * Candidates submitted over REST (POST .../solutions) to an LLM run go through the same duplicate check
 * as the model's children: a repeat of a stored program (or of an earlier one in the same request) is
 * marked `duplicate` (stored with duplicateOf and similarity, never evaluated, not counted against the
 * budget); the others are registered in the index. JSON genomes are compared as their JSON text.
 * A resubmission with the same idempotency key gets the same ids, so it gets the same verdicts.
 */
export async function markSubmittedDuplicates(prisma: PrismaClient, config: ExperimentSpec, experimentId: string, candidates: StagedCandidate[]): Promise<StagedCandidate[]> {
  const settings = dedupeSettings(config);
  if (!settings || !candidates.length) return candidates;
  const asText = candidates.map((c) => (typeof c.genome === "string" || c.genome === null ? c : { ...c, genome: JSON.stringify(c.genome) }));
  const { verdicts, embeddingsError } = await dedupeRound(prisma, experimentId, settings, asText);
  return candidates.map((c, i) => {
    const logs = embeddingsError ? { extras: { ...c.extras, logs: [c.extras?.logs, `dedupe: embeddings failed, exact check only: ${embeddingsError}`].filter(Boolean).join("\n") } } : {};
    return verdicts[i] ? { ...c, ...logs, duplicate: verdicts[i]! } : { ...c, ...logs };
  });
}
