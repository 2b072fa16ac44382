/** The compared runs' final archives (cell and fitness of every elite, and the geometry), read on the server. */
import { prisma } from "@/lib/db/client";
import { archiveIndex } from "@/lib/api/archive";
import type { ExperimentSpec } from "@/lib/experiments/config";
import { toBase64 } from "@/components/lib/codec";
import type { FinalArchive } from "@/components/compare/FinalGrids";
import type { Geometry } from "@/components/lib/types";

export async function loadFinalArchives(ids: string[]): Promise<FinalArchive[]> {
  if (!ids.length) return [];
  const [exps, elites] = await Promise.all([
    prisma.experiment.findMany({
      where: { id: { in: ids } },
      select: { id: true, name: true, cells: true, archiveType: true, config: true, descriptors: { orderBy: { index: "asc" }, select: { name: true, min: true, max: true, bins: true } } },
    }),
    prisma.$queryRawUnsafe<{ experimentId: string; cell: number; fitness: number }[]>(
      `SELECT "experimentId"::text AS "experimentId", cell, fitness FROM "Elite" WHERE "experimentId" = ANY($1::uuid[])`,
      ids,
    ),
  ]);
  const byRun = new Map<string, { cell: number[]; fitness: number[] }>();
  for (const r of elites) {
    let b = byRun.get(r.experimentId);
    if (!b) byRun.set(r.experimentId, (b = { cell: [], fitness: [] }));
    b.cell.push(r.cell);
    b.fitness.push(r.fitness);
  }
  const out = await Promise.all(
    exps.map(async (e): Promise<FinalArchive> => {
      const ranges = e.descriptors.map((d) => [d.min, d.max] as [number, number]);
      const g = e.archiveType === "cvt" ? (await archiveIndex(e.id, e.config as unknown as ExperimentSpec)).geometry : null;
      const geometry: Geometry = g?.type === "cvt" ? { type: "cvt", ranges: g.ranges, centroids: g.centroids } : { type: "grid", ranges, dims: e.descriptors.map((d) => d.bins) };
      const b = byRun.get(e.id) ?? { cell: [], fitness: [] };
      return { id: e.id, name: e.name, cells: e.cells, geometry, names: e.descriptors.map((d) => d.name), cell: toBase64(Int32Array.from(b.cell)), fitness: toBase64(Float64Array.from(b.fitness)) };
    }),
  );
  // In the order the runs were picked (their colours follow that order).
  return ids.map((id) => out.find((a) => a.id === id)).filter((a): a is FinalArchive => a != null);
}
