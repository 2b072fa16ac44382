import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Rng } from "@/lib/qd";
import { ParentSampler, needsChildren, needsDescriptors, type ParentSelectionConfig } from "@/lib/llm/parent-selection";
import type { ArchiveCache } from "./archive-cache";

/** An elite chosen as a parent, with the rule that chose it and its probability then (kept in the lineage). */
export interface ChosenParent {
  cell: number;
  solutionId: string;
  policy: string;
  p: number;
}

export interface ParentChooser {
  /** An elite by the experiment's policy; `other`: never this one (crossover's second parent, from another cell). */
  pick(rng: Rng, other?: ChosenParent | null): ChosenParent | null;
  /** A child of this parent is planned (DGM-style weights move at once). */
  addChild(parent: ChosenParent): void;
  readonly size: number;
}

/**
 * The worker's parent chooser for one job: the elites of its cached archive (in the archive's own
 * order, so the uniform policy draws exactly what `pickElite` drew), and for the DGM policy how
 * many children each already has, counted from the stored solutions' parentIds in one query.
 */
export async function createParentChooser(prisma: PrismaClient, cache: ArchiveCache, config: ParentSelectionConfig): Promise<ParentChooser> {
  const { archive, solutionIds } = cache;
  const md = archive.measureDim;
  const cells: number[] = [];
  for (let i = 0; i < archive.numElites; i++) {
    const cell = archive.occupiedList[i]!;
    if (solutionIds[cell]) cells.push(cell);
  }
  const ids = cells.map((c) => solutionIds[c]!);
  const fitness = Float64Array.from(cells, (c) => archive.objective[c]!);
  let descriptors: Float64Array | undefined;
  if (needsDescriptors(config)) {
    descriptors = new Float64Array(cells.length * md);
    cells.forEach((c, i) => descriptors!.set(archive.measures.subarray(c * md, (c + 1) * md), i * md));
  }
  let children: Float64Array | undefined;
  if (needsChildren(config) && ids.length) {
    const counts = await childCounts(prisma, cache.experimentId, ids);
    children = Float64Array.from(ids, (id) => counts.get(id) ?? 0);
  }
  const sampler = new ParentSampler(config, { fitness, descriptors, dim: md, lower: archive.lowerBounds, upper: archive.upperBounds, children });
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  return {
    size: ids.length,
    pick(rng, other) {
      const exclude = other ? (indexOf.get(other.solutionId) ?? -1) : -1;
      const p = sampler.pick(rng, exclude);
      return p ? { cell: cells[p.index]!, solutionId: ids[p.index]!, policy: p.policy, p: p.p } : null;
    },
    addChild(parent) {
      const i = indexOf.get(parent.solutionId);
      if (i !== undefined) sampler.addChild(i);
    },
  };
}

/**
 * Children per parent among the given ids: every stored solution naming it (failed and invalid
 * children included — an elite that keeps yielding broken children has been tried as often).
 * One grouped query over the experiment's solutions (LLM runs hold thousands, not millions).
 */
export async function childCounts(prisma: PrismaClient, experimentId: string, ids: string[]): Promise<Map<string, number>> {
  const rows = await prisma.$queryRawUnsafe<{ id: string; n: number }[]>(
    `SELECT p::text AS id, count(*)::int AS n
       FROM "Solution" s CROSS JOIN LATERAL unnest(s."parentIds") AS p
      WHERE s."experimentId" = $1::uuid AND p = ANY($2::uuid[])
      GROUP BY p`,
    experimentId,
    ids,
  );
  return new Map(rows.map((r) => [r.id, r.n]));
}
