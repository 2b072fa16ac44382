import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { CandidateBatch } from "./archive-store";

/**
 * Evolving prompts: what a committed batch does to the prompt variants' records. Runs in the batch's
 * commit transaction, under the experiment's row lock and after the ProcessedBatch ledger, so concurrent
 * workers never lose an update and a retried job never counts twice. Every candidate written with a
 * variant is a pull (failures and duplicates too: the prompt led to them) and its Solution row records
 * the variant; each one that won a cell adds its QD-score gain, as for model arms.
 */
export async function movePromptVariants(tx: PrismaClient, id: string, batch: CandidateBatch, wins: [number, number, number | null][], qdOffset: number) {
  const tagged: { id: string; variant: number }[] = [];
  batch.extras?.forEach((x, i) => x.promptVariant !== undefined && tagged.push({ id: batch.solutionIds[i]!, variant: x.promptVariant }));
  batch.failures?.forEach((f) => f.promptVariant !== undefined && tagged.push({ id: f.id, variant: f.promptVariant }));
  if (!tagged.length) return;
  const by = new Map<number, { pulls: number; gain: number; improvements: number }>();
  const of = (v: number) => by.get(v) ?? by.set(v, { pulls: 0, gain: 0, improvements: 0 }).get(v)!;
  for (const t of tagged) of(t.variant).pulls++;
  for (const [variant, fitness, old] of wins) {
    const d = of(variant);
    d.improvements++;
    d.gain += Math.max(0, fitness - (old ?? qdOffset));
  }
  await tx.$executeRawUnsafe(
    `UPDATE "Solution" s SET "promptVariant" = t.v FROM unnest($2::uuid[], $3::int[]) AS t(sid, v) WHERE s.id = t.sid AND s."experimentId" = $1::uuid`,
    id,
    tagged.map((t) => t.id),
    tagged.map((t) => t.variant),
  );
  const rows = [...by];
  await tx.$executeRawUnsafe(
    `UPDATE "PromptVariant" p SET pulls = p.pulls + t.n, gain = p.gain + t.g, improvements = p.improvements + t.i, "updatedAt" = now()
     FROM unnest($2::int[], $3::int[], $4::float8[], $5::int[]) AS t(v, n, g, i) WHERE p."experimentId" = $1::uuid AND p.variant = t.v`,
    id,
    rows.map(([v]) => v),
    rows.map(([, d]) => d.pulls),
    rows.map(([, d]) => d.gain),
    rows.map(([, d]) => d.improvements),
  );
}
