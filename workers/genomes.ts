import { keyedUuid } from "@/lib/keyed-uuid";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Rng } from "@/lib/qd";
import type { ExperimentSpec } from "@/lib/experiments/config";
import { getCodeTask } from "@/lib/tasks";
import type { ArchiveCache } from "./archive-cache";

/**
 * Programs, texts and JSON genomes are not kept in the worker's archive cache (only fitness and
 * descriptors are): the few a mutation needs — parent and inspirations — are read by id.
 */
export interface StoredGenome {
  genome: unknown;
  fitness: number | null;
  descriptors: number[];
  metrics: Record<string, number> | null;
  /** Stored logs (stderr tail and artifacts), for the program domain's feedback. */
  logs?: string | null;
}

export async function loadGenomes(prisma: PrismaClient, ids: string[]): Promise<Map<string, StoredGenome>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await prisma.solution.findMany({
    where: { id: { in: unique } },
    select: { id: true, genomeKind: true, genomeText: true, genomeJson: true, fitness: true, descriptors: true, metrics: true, logs: true },
  });
  return new Map(
    rows.map((r) => [
      r.id,
      { genome: r.genomeKind === "json" ? r.genomeJson : r.genomeText, fitness: r.fitness, descriptors: r.descriptors, metrics: (r.metrics as Record<string, number> | null) ?? null, logs: r.logs },
    ]),
  );
}

/** An elite chosen uniformly among the filled cells of the cached archive (MAP-Elites selection). */
export function pickElite(cache: ArchiveCache, rng: Rng): { cell: number; solutionId: string } | null {
  const { archive, solutionIds } = cache;
  if (archive.numElites === 0) return null;
  for (let tries = 0; tries < 8; tries++) {
    const cell = archive.occupiedList[rng.int(archive.numElites)]!;
    const id = solutionIds[cell];
    if (id) return { cell, solutionId: id };
  }
  return null;
}

/** The best elite of the cached archive (an inspiration every prompt benefits from). */
export function bestElite(cache: ArchiveCache): { cell: number; solutionId: string } | null {
  const { archive, solutionIds } = cache;
  let best = -1;
  for (let i = 0; i < archive.numElites; i++) {
    const cell = archive.occupiedList[i]!;
    if (solutionIds[cell] && (best < 0 || archive.objective[cell]! > archive.objective[best]!)) best = cell;
  }
  return best < 0 ? null : { cell: best, solutionId: solutionIds[best]! };
}

/** The starting population: the user's seeds, or the task's starter program. */
export function seedGenomes(config: ExperimentSpec): unknown[] {
  const d = config.domain;
  if (d.type === "llm-code") return d.seeds ?? [getCodeTask(d.task)!.seed];
  if (d.type === "program") return [d.initialProgram, ...(d.seeds ?? [])];
  if ("seeds" in d && Array.isArray(d.seeds)) return d.seeds;
  return [];
}

/**
 * Seeds get ids derived from the experiment, so a child mutated from a seed before the seed's own
 * job committed (early jobs run in parallel) still names it as its parent: lineage stays whole.
 */
export const seedId = (experimentId: string, index: number): string => keyedUuid(`${experimentId}:seed:${index}`);
