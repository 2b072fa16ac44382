import type { PrismaClient } from "@/lib/generated/prisma/client";
import { splitLogs } from "@/lib/evaluators/artifacts";
import type { FeedbackConfig } from "@/lib/evaluators/program-schema";
import { unifiedDiff, type PromptFeedback } from "@/lib/llm";
import type { StoredGenome } from "./genomes";

/**
 * The evaluator's feedback for the next prompt about a parent (program domain): the parent's
 * artifacts and log tail (from its stored logs) and its latest failed or invalid children with
 * their reasons, logs and changes, as `domain.feedback` switches them on.
 */
export async function loadFeedback(prisma: PrismaClient, experimentId: string, parentId: string | null, parent: StoredGenome | undefined, cfg: FeedbackConfig): Promise<PromptFeedback> {
  const fb: PromptFeedback = { maxChars: cfg.maxChars };
  if (parent && (cfg.artifacts || cfg.logs)) {
    const { logs, artifacts } = splitLogs(parent.logs);
    if (cfg.artifacts && Object.keys(artifacts).length) fb.artifacts = artifacts;
    if (cfg.logs && logs.trim()) fb.logs = logs;
  }
  if (parentId && cfg.failedChildren > 0) {
    const rows = await prisma.solution.findMany({
      where: { experimentId, parentIds: { has: parentId }, status: { in: ["failed", "invalid"] } },
      orderBy: { createdAt: "desc" },
      take: cfg.failedChildren,
      select: { status: true, error: true, logs: true, genomeText: true },
    });
    const parentCode = typeof parent?.genome === "string" ? parent.genome : null;
    fb.failedChildren = rows.map((r) => {
      const { logs, artifacts } = splitLogs(r.logs);
      const diff = parentCode !== null && r.genomeText && r.status === "failed" ? unifiedDiff(parentCode, r.genomeText, { maxLines: 2000 }) : "";
      return {
        status: r.status === "invalid" ? "invalid" : "failed",
        reason: r.error ?? "unknown",
        ...(logs.trim() ? { logs } : {}),
        ...(Object.keys(artifacts).length ? { artifacts } : {}),
        ...(diff ? { diff } : {}),
      };
    });
  }
  return fb;
}
