/**
 * Evolving prompts in a job of an LLM run (emitter.prompts.evolve): which system message each call of
 * the job uses, and now and then one extra call that writes a new variant. The variants and their
 * records live in PostgreSQL (PromptVariant); the records move in the commit transaction of each batch
 * (lib/db/prompt-store.ts), so every worker sees the same archive of prompts.
 */
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { Rng } from "@/lib/qd";
import type { LlmClient } from "@/lib/llm/client";
import { buildMetaPrompt, chooseVariants, parseVariantReply, variantToMutate, type PromptEvolutionConfig, type VariantStats } from "@/lib/llm/prompt-evolution";
import type { CandidateExtras } from "@/lib/db/archive-store";

export interface PromptPlan {
  /** Per call of the job: the variant and its system message. */
  calls: { variant: number; text: string }[];
  /** The meta call's spend and what it did, to charge to one child of the job (null when none was made). */
  meta: Pick<CandidateExtras, "promptTokens" | "completionTokens" | "costUsd" | "logs"> | null;
}

const SELECT = { variant: true, parentVariant: true, text: true, pulls: true, gain: true, improvements: true } as const;

async function loadVariants(prisma: PrismaClient, experimentId: string, baseText: string): Promise<VariantStats[]> {
  // Variant 0, the task's own system message, is written by whichever job comes first.
  await prisma.promptVariant.createMany({ data: [{ experimentId, variant: 0, text: baseText }], skipDuplicates: true });
  return prisma.promptVariant.findMany({ where: { experimentId }, select: SELECT, orderBy: { variant: "asc" } });
}

/**
 * The system messages of job k's `calls` model calls. With probability `mutationRate` (and room in the
 * archive) the job first asks the model to rewrite the variant with the best gain per child, from that
 * variant's recent children; the new variant is untried, so the bandit gives it the next call.
 */
export async function planPrompts(
  prisma: PrismaClient,
  client: LlmClient,
  opts: { experimentId: string; k: number; config: PromptEvolutionConfig; baseText: string; task: string; objective?: string; calls: number; seed: number; signal?: AbortSignal },
): Promise<PromptPlan> {
  const { experimentId, config } = opts;
  const rng = new Rng(opts.seed);
  let variants = await loadVariants(prisma, experimentId, opts.baseText);
  let meta: PromptPlan["meta"] = null;
  const jobKey = `job:${opts.k}`;
  if (opts.calls > 0 && rng.random() < config.mutationRate && variants.length < config.maxVariants) {
    const parent = variantToMutate(variants, config.minChildren);
    // A retried job finds the variant it wrote before instead of paying for another.
    const done = parent && (await prisma.promptVariant.findUnique({ where: { experimentId_jobKey: { experimentId, jobKey } }, select: { variant: true } }));
    if (parent && !done) {
      meta = await writeVariant(prisma, client, { ...opts, parent, jobKey, seed: rng.nextInt32() >>> 0 });
      variants = await prisma.promptVariant.findMany({ where: { experimentId }, select: SELECT, orderBy: { variant: "asc" } });
    }
  }
  const text = new Map(variants.map((v) => [v.variant, v.text]));
  const chosen = chooseVariants(variants, opts.calls, rng, config.exploration);
  return { calls: chosen.map((variant) => ({ variant, text: text.get(variant)! })), meta };
}

async function writeVariant(
  prisma: PrismaClient,
  client: LlmClient,
  o: { experimentId: string; config: PromptEvolutionConfig; task: string; objective?: string; parent: VariantStats; jobKey: string; seed: number; signal?: AbortSignal },
): Promise<NonNullable<PromptPlan["meta"]>> {
  const recent = await prisma.solution.findMany({
    where: { experimentId: o.experimentId, promptVariant: o.parent.variant },
    orderBy: { createdAt: "desc" },
    take: 8,
    select: { status: true, fitness: true, eliteRevision: true, error: true },
  });
  const outcomes = recent.map((s) => ({ status: s.status, fitness: s.fitness, elite: s.eliteRevision !== null, error: s.error }));
  const prompt = buildMetaPrompt({ variant: o.parent, task: o.task, objective: o.objective, outcomes });
  const r = await client.complete({ messages: [{ role: "system", content: prompt.system }, { role: "user", content: prompt.user }], seed: o.seed, signal: o.signal });
  const spent = { promptTokens: r.promptTokens, completionTokens: r.completionTokens, costUsd: r.costUsd };
  if (!r.ok) return { ...spent, logs: `prompt evolution: the call to rewrite variant ${o.parent.variant} failed: ${r.error.kind}: ${r.error.message}` };
  const parsed = parseVariantReply(r.text);
  if (!parsed.ok) return { ...spent, logs: `prompt evolution: unusable rewrite of variant ${o.parent.variant}: ${parsed.reason}` };
  // Numbers are taken under a per-experiment lock, so concurrent jobs never collide; the archive never grows past maxVariants.
  const made = await prisma.$transaction(async (tx) => {
    await tx.$queryRawUnsafe(`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 16))`, `prompts:${o.experimentId}`);
    return tx.$queryRawUnsafe<{ variant: number }[]>(
      `INSERT INTO "PromptVariant" ("experimentId", variant, "parentVariant", text, "jobKey", model, "promptTokens", "completionTokens", "costUsd", "metaPrompt", reply)
       SELECT $1::uuid, max(variant) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM "PromptVariant" WHERE "experimentId" = $1::uuid HAVING count(*) < $11
       ON CONFLICT ("experimentId", "jobKey") DO NOTHING RETURNING variant`,
      o.experimentId,
      o.parent.variant,
      parsed.text,
      o.jobKey,
      r.model,
      r.promptTokens,
      r.completionTokens,
      r.costUsd,
      `### system\n${prompt.system}\n\n### user\n${prompt.user}`,
      r.text,
      o.config.maxVariants,
    );
  });
  const logs = made[0] ? `prompt evolution: wrote variant ${made[0].variant} from variant ${o.parent.variant}` : `prompt evolution: the archive of prompts is full (${o.config.maxVariants}); the rewrite of variant ${o.parent.variant} was dropped`;
  return { ...spent, logs };
}
