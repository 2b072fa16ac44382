import { prisma } from "@/lib/db/client";
import { armValues } from "@/lib/llm/bandit";
import { ApiError } from "./errors";

/**
 * Evolving prompts of an LLM run (emitter.prompts.evolve): the archive of system-message variants, each
 * with the prompt bandit's record (children = pulls, improvements, archive gain) and where it came from.
 */
export async function promptsReport(id: string) {
  const exp = await prisma.experiment.findUnique({ where: { id }, select: { config: true } });
  if (!exp) throw new ApiError(404, `experiment ${id} not found`);
  const prompts = ((exp.config as { emitter?: { prompts?: Record<string, unknown> } }).emitter?.prompts ?? null) as Record<string, unknown> | null;
  const rows = await prisma.promptVariant.findMany({
    where: { experimentId: id },
    orderBy: { variant: "asc" },
    select: { variant: true, parentVariant: true, text: true, pulls: true, gain: true, improvements: true, model: true, promptTokens: true, completionTokens: true, costUsd: true, createdAt: true },
  });
  const values = armValues(rows.map((r) => ({ model: String(r.variant), pulls: r.pulls, costUsd: 0, gain: r.gain, improvements: r.improvements })));
  const best = Math.max(0, ...values);
  return {
    experimentId: id,
    evolve: prompts?.evolve === true,
    config: prompts,
    variants: rows.map((r, i) => ({
      ...r,
      /** The first line, for tables; the whole text is `text`. */
      summary: r.text.split("\n")[0]!.slice(0, 160),
      gainPerPull: r.pulls ? r.gain / r.pulls : null,
      /** The bandit's value without exploration, relative to the best variant (1). */
      value: r.pulls ? (best > 0 ? values[i]! / best : 0) : null,
    })),
  };
}

/** One variant: its whole text, the meta-prompt and reply that wrote it, and its children by outcome. */
export async function promptVariant(id: string, variant: number) {
  const v = await prisma.promptVariant.findUnique({ where: { experimentId_variant: { experimentId: id, variant } } });
  if (!v) {
    const exists = await prisma.experiment.count({ where: { id } });
    throw new ApiError(404, exists ? `experiment ${id} has no prompt variant ${variant}` : `experiment ${id} not found`);
  }
  const [byStatus, children] = await Promise.all([
    prisma.solution.groupBy({ by: ["status"], where: { experimentId: id, promptVariant: variant }, _count: { _all: true } }),
    prisma.solution.findMany({
      where: { experimentId: id, promptVariant: variant },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: { id: true, status: true, fitness: true, cell: true, eliteRevision: true, model: true, createdAt: true },
    }),
  ]);
  const { experimentId: _e, jobKey: _j, ...rest } = v;
  return {
    experimentId: id,
    ...rest,
    children: Object.fromEntries(byStatus.map((s) => [s.status, s._count._all])),
    recentChildren: children.map(({ eliteRevision, ...c }) => ({ ...c, elite: eliteRevision !== null })),
  };
}
