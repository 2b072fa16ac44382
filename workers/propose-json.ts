import { newSolutionId } from "@/lib/db/solution-id";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { Rng } from "@/lib/qd";
import type { MutationOperator } from "@/lib/evaluators";
import type { StagedCandidate } from "@/lib/experiments/jobs";
import type { ArchiveCache } from "./archive-cache";
import { mixSeed } from "./generate-batch";
import { loadGenomes, pickElite, seedGenomes, seedId } from "./genomes";

/**
 * The first stage of a job whose genomes are JSON values mutated by the user's sandboxed
 * `mutate(parent, rng)`. Jobs holding the seeds evaluate them as they are; a mutation that throws,
 * times out or returns nothing becomes an invalid candidate with the reason.
 */
export async function proposeJson(prisma: PrismaClient, mutation: MutationOperator, cache: ArchiveCache, k: number, size: number, seed: number): Promise<StagedCandidate[]> {
  const seeds = seedGenomes(cache.config);
  const rng = new Rng(mixSeed(seed, k));
  const plans = Array.from({ length: size }, (_, i) => {
    const seedIndex = k * size + i;
    if (seedIndex < seeds.length) return { seedIndex, parent: null, callSeed: 0 };
    return { seedIndex: -1, parent: pickElite(cache, rng), callSeed: rng.nextInt32() >>> 0, fallback: rng.int(Math.max(1, seeds.length)) };
  });
  const genomes = await loadGenomes(prisma, plans.flatMap((p) => (p.parent ? [p.parent.solutionId] : [])));
  const toMutate = plans.filter((p) => p.seedIndex < 0);
  const results = await mutation.mutate(toMutate.map((p) => ({ parent: p.parent ? genomes.get(p.parent.solutionId)?.genome : seeds[p.fallback!], seed: p.callSeed })));
  let next = 0;
  return plans.map((p): StagedCandidate => {
    const id = newSolutionId();
    if (p.seedIndex >= 0) return { id: seedId(cache.experimentId, p.seedIndex), genome: seeds[p.seedIndex], parentIds: [], extras: { operator: "seed" } };
    const r = results[next++]!;
    // No elite yet: the child comes from a seed (maybe still being evaluated by its own job).
    const parentIds = p.parent && genomes.has(p.parent.solutionId) ? [p.parent.solutionId] : p.parent ? [] : [seedId(cache.experimentId, p.fallback!)];
    if (!r.ok) return { id, genome: null, parentIds, invalid: `mutation: ${r.error}`, extras: { logs: r.logs, evalMs: r.ms } };
    if (r.genome === undefined) return { id, genome: null, parentIds, invalid: "mutation: mutate() returned undefined", extras: { logs: r.logs, evalMs: r.ms } };
    return { id, genome: r.genome, parentIds, extras: { logs: r.logs } };
  });
}
