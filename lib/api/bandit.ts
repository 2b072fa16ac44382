import type { z } from "zod";
import { prisma } from "@/lib/db/client";
import { loadBandit } from "@/lib/db/bandit-store";
import { banditOf, type ExperimentSpec } from "@/lib/experiments/config";
import { groupLabel, groupOfChain, poolGroups } from "@/lib/registry/schedulers/bandit-pool";
import { ApiError, notFound } from "./errors";
import type { BanditReport as BanditSchema } from "./responses";

export type BanditReport = z.infer<typeof BanditSchema>;

const rate = (successes: number, selections: number) => (selections > 0 ? successes / selections : null);

/** GET /api/experiments/:id/bandit: the pool of a bandit run with the counts its commits moved. */
export async function banditReport(id: string): Promise<BanditReport> {
  const exp = await prisma.experiment.findUnique({ where: { id }, select: { config: true } });
  if (!exp) throw notFound("experiment");
  const config = exp.config as unknown as ExperimentSpec;
  const bandit = banditOf(config);
  if (!bandit) throw new ApiError(404, `experiment runs the ${config.scheduler?.type ?? "default"} scheduler; only runs with "scheduler": { "type": "bandit" } have an emitter pool`);
  const row = await loadBandit(prisma, id, bandit);
  const groups = poolGroups(config);
  const slotOf = new Map(row.slots.map((chain, slot) => [chain, slot]));
  const members = Array.from({ length: bandit.pool }, (_, member) => {
    const g = groupOfChain(groups, member);
    const selections = row.selection[member] ?? 0;
    const successes = row.success[member] ?? 0;
    const slot = slotOf.get(member) ?? null;
    return { member, group: groups.indexOf(g), type: g.emitter.type, label: groupLabel(g.emitter), active: slot !== null, slot, selections, successes, successRate: rate(successes, selections) };
  });
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    experimentId: id,
    numActive: bandit.numActive,
    reselect: bandit.reselect,
    zeta: bandit.zeta,
    jobs: sum(row.slotJobs),
    reselections: row.reselections,
    selections: sum(row.selection),
    successes: sum(row.success),
    groups: groups.map((g, group) => {
      const of = members.filter((m) => m.group === group);
      const selections = sum(of.map((m) => m.selections));
      const successes = sum(of.map((m) => m.successes));
      return { group, type: g.emitter.type, label: groupLabel(g.emitter), count: g.count, active: of.filter((m) => m.active).length, selections, successes, successRate: rate(successes, selections) };
    }),
    members,
  };
}
