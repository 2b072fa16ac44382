import type { PrismaClient } from "@/lib/generated/prisma/client";
import { embed } from "@/lib/dedupe/embeddings";
import { checkAndRegister, prepareCandidate, unregister, type DuplicateVerdict } from "@/lib/dedupe/index-store";
import { askNoveltyJudge } from "@/lib/dedupe/novelty-judge";
import type { LlmClient } from "@/lib/llm/client";
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
export async function dedupeRound(prisma: PrismaClient, experimentId: string, settings: DedupeSettings, candidates: StagedCandidate[], force: boolean[] = [], signal?: AbortSignal, judgeClient?: LlmClient): Promise<DedupeOutcome> {
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
  const near: (DuplicateVerdict | null)[] = [];
  const found = await checkAndRegister(prisma, experimentId, settings, prepared, near);
  const verdicts: (DuplicateVerdict | null)[] = candidates.map(() => null);
  checked.forEach(({ i }, n) => (verdicts[i] = found[n] ?? null));
  if (settings.judge && judgeClient) await judgeBorderline(prisma, experimentId, settings, candidates, checked.map(({ i }, n) => ({ i, near: near[n] ?? null })), verdicts, judgeClient, signal);
  return { verdicts, ...(embeddingsError ? { embeddingsError } : {}) };
}

/**
 * The novelty judge on the admitted candidates of the borderline band: "not meaningfully different"
 * turns one into a duplicate (and takes it out of the index again); its tokens and cost, and the
 * verdict either way, go on the candidate (mutated in place: the caller's slot).
 */
async function judgeBorderline(
  prisma: PrismaClient,
  experimentId: string,
  settings: DedupeSettings,
  candidates: StagedCandidate[],
  band: { i: number; near: DuplicateVerdict | null }[],
  verdicts: (DuplicateVerdict | null)[],
  client: LlmClient,
  signal?: AbortSignal,
) {
  const asked = band.filter((b): b is { i: number; near: DuplicateVerdict } => !!b.near && !verdicts[b.i]);
  if (!asked.length) return;
  const inRound = new Map(candidates.map((c) => [c.id, c.genome]));
  const stored = await prisma.solution.findMany({ where: { id: { in: asked.map((b) => b.near.of).filter((id) => !inRound.has(id)) } }, select: { id: true, genomeText: true, genomeJson: true } });
  const text = (id: string) => {
    const g = inRound.has(id) ? inRound.get(id) : stored.find((s) => s.id === id)?.genomeText ?? stored.find((s) => s.id === id)?.genomeJson;
    return typeof g === "string" ? g : g == null ? null : JSON.stringify(g);
  };
  const rejected: string[] = [];
  await Promise.all(
    asked.map(async ({ i, near }) => {
      const original = text(near.of);
      const c = candidates[i]!;
      if (original === null) return;
      const v = await askNoveltyJudge(client, { candidate: String(c.genome), original, similarity: near.similarity, model: settings.judge!.model, signal });
      const x = c.extras ?? {};
      const line = `novelty judge (${v.model}) on ${near.method} similarity ${near.similarity.toFixed(3)} to ${near.of}: ${v.different === false ? "not meaningfully different" : v.different ? "different" : "no verdict"}${v.reason ? ` — ${v.reason}` : ""}`;
      c.extras = { ...x, promptTokens: (x.promptTokens ?? 0) + v.promptTokens, completionTokens: (x.completionTokens ?? 0) + v.completionTokens, costUsd: (x.costUsd ?? 0) + v.costUsd, logs: [x.logs, line].filter(Boolean).join("\n") };
      if (v.different === false) {
        verdicts[i] = { ...near, judge: `not meaningfully different${v.reason ? `: ${v.reason}` : ""}` };
        rejected.push(c.id);
      }
    }),
  );
  await unregister(prisma, experimentId, rejected);
}

/** What the candidate row says about a duplicate (its error column). */
export const duplicateReason = (v: DuplicateVerdict) =>
  `duplicate of ${v.of} (${v.method === "exact" ? "identical after normalisation" : `${v.method} similarity ${v.similarity.toFixed(3)}`}${v.judge ? `; novelty judge: ${v.judge}` : ""})`;
