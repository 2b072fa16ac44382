import { prisma } from "@/lib/db/client";
import { armValues, gainPerDollar, type ArmStats } from "@/lib/llm/bandit";
import { thin } from "@/components/lib/thin";
import { ApiError } from "./errors";

/**
 * The models of an LLM run: per configured model, its calls (pulls), their cost, the archive gain of
 * its children and how many improved the archive, with the bandit's current value of each; and the
 * same record at each metric snapshot (the per-model curves).
 */
export async function modelsReport(id: string) {
  const exp = await prisma.experiment.findUnique({ where: { id }, select: { config: true, emitterType: true } });
  if (!exp) throw new ApiError(404, `experiment ${id} not found`);
  const emitter = (exp.config as { emitter?: Record<string, unknown> }).emitter ?? {};
  const configured = exp.emitterType === "llm" ? ((emitter.models as { model: string; weight?: number; baseURL?: string }[] | undefined) ?? (emitter.model ? [{ model: String(emitter.model), weight: 1 }] : [])) : [];
  const [arms, snaps] = await Promise.all([
    prisma.modelArm.findMany({ where: { experimentId: id }, select: { model: true, pulls: true, costUsd: true, gain: true, improvements: true } }),
    prisma.modelArmSnapshot.findMany({ where: { experimentId: id }, orderBy: [{ evaluations: "asc" }, { model: "asc" }], select: { evaluations: true, model: true, pulls: true, costUsd: true, gain: true, improvements: true }, take: 100_000 }),
  ]);
  const byModel = new Map(arms.map((a) => [a.model, a]));
  // Configured models first (in config order), then any recorded model no longer in the config.
  const names = [...configured.map((m) => m.model), ...arms.map((a) => a.model).filter((m) => !configured.some((c) => c.model === m))];
  const stats: ArmStats[] = names.map((model) => byModel.get(model) ?? { model, pulls: 0, costUsd: 0, gain: 0, improvements: 0 });
  const values = armValues(stats);
  const totalPulls = stats.reduce((s, a) => s + a.pulls, 0);
  const points = new Map<number, Record<string, { pulls: number; costUsd: number; gain: number; improvements: number }>>();
  for (const s of snaps) {
    let p = points.get(s.evaluations);
    if (!p) points.set(s.evaluations, (p = {}));
    p[s.model] = { pulls: s.pulls, costUsd: s.costUsd, gain: s.gain, improvements: s.improvements };
  }
  const host = (u: unknown) => {
    try {
      return typeof u === "string" ? new URL(u).host : null;
    } catch {
      return null;
    }
  };
  return {
    experimentId: id,
    modelSelection: (emitter.modelSelection as string | undefined) ?? (exp.emitterType === "llm" ? "fixed" : null),
    strategy: (emitter.strategy as string | undefined) ?? (exp.emitterType === "llm" ? "evolve" : null),
    models: stats.map((a, i) => {
      const c = configured.find((m) => m.model === a.model);
      return {
        model: a.model,
        /** Where its calls go (host only). */
        provider: host(c?.baseURL ?? emitter.baseURL),
        weight: c?.weight ?? null,
        configured: !!c,
        pulls: a.pulls,
        share: totalPulls ? a.pulls / totalPulls : null,
        costUsd: a.costUsd,
        gain: a.gain,
        improvements: a.improvements,
        gainPerPull: a.pulls ? a.gain / a.pulls : null,
        gainPerDollar: gainPerDollar(a),
        /** The bandit's value without exploration, relative to the best model (1). */
        value: a.pulls ? values[i]! / Math.max(...values) || 0 : null,
      };
    }),
    series: thin(
      [...points].map(([evaluations, models]) => ({ evaluations, models })),
      400,
    ),
  };
}
