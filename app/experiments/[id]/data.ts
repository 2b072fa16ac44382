/**
 * First paint of the experiment page, read straight from PostgreSQL on the
 * server (live updates then come from the REST API and its SSE stream).
 */
import { prisma } from "@/lib/db/client";
import { archiveIndex } from "@/lib/api/archive";
import { redactSecrets } from "@/lib/api/redact";
import type { ExperimentSpec } from "@/lib/experiments/config";
import { normalizeExperiment } from "@/components/lib/api";
import { toBase64 } from "@/components/lib/codec";
import { thin, toSnapshot } from "@/components/lib/thin";
import type { Geometry, InitialData } from "@/components/lib/types";

export async function loadInitial(id: string): Promise<InitialData | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  // The event id first: replaying from it covers anything written while the rest is read.
  const lastEvent = await prisma.experimentEvent.findFirst({ where: { experimentId: id }, orderBy: { id: "desc" }, select: { id: true } });
  const e = await prisma.experiment.findUnique({ where: { id }, include: { descriptors: { orderBy: { index: "asc" } } } });
  if (!e) return null;
  const [elites, snaps] = await Promise.all([
    prisma.$queryRawUnsafe<{ cell: number; fitness: number; descriptors: number[] }[]>(
      `SELECT cell, fitness, descriptors FROM "Elite" WHERE "experimentId" = $1::uuid`,
      id,
    ),
    prisma.metricSnapshot.findMany({ where: { experimentId: id }, orderBy: { evaluations: "asc" }, take: 20_000 }),
  ]);
  const ranges = e.descriptors.map((d) => [d.min, d.max] as [number, number]);
  const g = e.archiveType === "cvt" ? (await archiveIndex(id, e.config as unknown as ExperimentSpec)).geometry : null;
  const geometry: Geometry = g?.type === "cvt" ? { type: "cvt", ranges: g.ranges, centroids: g.centroids } : { type: "grid", ranges, dims: e.descriptors.map((d) => d.bins) };
  const d = ranges.length;
  const n = elites.length;
  const cell = new Int32Array(n);
  const fitness = new Float64Array(n);
  const desc = new Float32Array(n * d);
  elites.forEach((r, i) => {
    cell[i] = r.cell;
    fitness[i] = r.fitness;
    for (let k = 0; k < d; k++) desc[i * d + k] = r.descriptors[k] ?? NaN;
  });
  const experiment = normalizeExperiment({
    ...e,
    config: redactSecrets(e.config),
    archiveRevision: Number(e.archiveRevision),
    metrics: {
      coverage: e.numElites / e.cells,
      qdScore: e.qdScore,
      normQdScore: e.qdScore / e.cells,
      maxFitness: e.maxFitness,
      meanFitness: e.numElites ? e.sumFitness / e.numElites : null,
    },
  });
  return {
    experiment,
    archive: {
      cells: e.cells,
      geometry,
      names: e.descriptors.map((x) => x.name),
      cell: toBase64(cell),
      fitness: toBase64(fitness),
      descriptors: toBase64(desc),
      revision: Number(e.archiveRevision),
    },
    snapshots: thin(snaps, 600).map(toSnapshot),
    lastEventId: lastEvent ? String(lastEvent.id) : null,
  };
}

