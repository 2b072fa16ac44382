/**
 * First paint of the experiment page, read on the server (live updates then come from the REST API and
 * its SSE stream). The elites come from the web process's copy of the archive (lib/api/archive-state.ts),
 * caught up by revision: a reload of a finished run reads no elite rows at all, and one during a live run
 * reads only the rows written since the last read (a fresh 10,000-row read through the ORM took 170–720 ms
 * on a loaded machine, most of the page's server time).
 */
import { cache } from "react";
import { prisma } from "@/lib/db/client";
import { archiveIndex, pool } from "@/lib/api/archive";
import { archiveState, RaggedArchiveError, sortedCells } from "@/lib/api/archive-state";
import { redactSecrets } from "@/lib/api/redact";
import type { ExperimentSpec } from "@/lib/experiments/config";
import { normalizeExperiment } from "@/components/lib/api";
import { toBase64 } from "@/components/lib/codec";
import { thin, toSnapshot } from "@/components/lib/thin";
import type { Geometry, InitialData } from "@/components/lib/types";

const UUID = /^[0-9a-f-]{36}$/i;

/** The experiment row with its descriptors: read once per request (the page title and the page share it). */
export const experimentRow = cache(async (id: string) => (UUID.test(id) ? prisma.experiment.findUnique({ where: { id }, include: { descriptors: { orderBy: { index: "asc" } } } }) : null));

/** The archive as the page's typed columns (cells in increasing order), with the revision it is exact at. */
async function eliteColumns(id: string, revision: bigint, dim: number): Promise<{ cell: Int32Array; fitness: Float64Array; desc: Float32Array; revision: number }> {
  try {
    const state = await archiveState(pool(), id, revision);
    if (state) {
      const cells = sortedCells(state);
      const n = cells.length;
      const cell = new Int32Array(n);
      const fitness = new Float64Array(n);
      const desc = new Float32Array(n * dim);
      for (let i = 0; i < n; i++) {
        const e = state.byCell.get(cells[i]!)!;
        cell[i] = e.cell;
        fitness[i] = e.fitness;
        for (let k = 0; k < dim; k++) desc[i * dim + k] = e.descriptors[k] ?? NaN;
      }
      return { cell, fitness, desc, revision: Number(state.revision) };
    }
  } catch (e) {
    if (!(e instanceof RaggedArchiveError)) throw e;
  }
  // Rows that do not fit fixed-width columns (or a copy that could not be made): the table itself.
  const rows = await prisma.$queryRawUnsafe<{ cell: number; fitness: number; descriptors: number[] }[]>(`SELECT cell, fitness, descriptors FROM "Elite" WHERE "experimentId" = $1::uuid`, id);
  const n = rows.length;
  const cell = new Int32Array(n);
  const fitness = new Float64Array(n);
  const desc = new Float32Array(n * dim);
  rows.forEach((r, i) => {
    cell[i] = r.cell;
    fitness[i] = r.fitness;
    for (let k = 0; k < dim; k++) desc[i * dim + k] = r.descriptors[k] ?? NaN;
  });
  return { cell, fitness, desc, revision: Number(revision) };
}

export async function loadInitial(id: string): Promise<InitialData | null> {
  if (!UUID.test(id)) return null;
  // The event id first: replaying from it covers anything written while the rest is read.
  const lastEvent = await prisma.experimentEvent.findFirst({ where: { experimentId: id }, orderBy: { id: "desc" }, select: { id: true } });
  // Read after the event id (not the request's cached row): the archive must be at least as new as the replay start.
  const e = await prisma.experiment.findUnique({ where: { id }, include: { descriptors: { orderBy: { index: "asc" } } } });
  if (!e) return null;
  const ranges = e.descriptors.map((d) => [d.min, d.max] as [number, number]);
  const d = ranges.length;
  const [elites, snaps, g] = await Promise.all([
    eliteColumns(id, e.archiveRevision, d),
    prisma.metricSnapshot.findMany({ where: { experimentId: id }, orderBy: { evaluations: "asc" }, take: 20_000 }),
    e.archiveType === "cvt" ? archiveIndex(id, e.config as unknown as ExperimentSpec).then((x) => x.geometry) : null,
  ]);
  const geometry: Geometry = g?.type === "cvt" ? { type: "cvt", ranges: g.ranges, centroids: g.centroids } : { type: "grid", ranges, dims: e.descriptors.map((x) => x.bins) };
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
      cell: toBase64(elites.cell),
      fitness: toBase64(elites.fitness),
      descriptors: toBase64(elites.desc),
      revision: elites.revision,
    },
    snapshots: thin(snaps, 600).map(toSnapshot),
    lastEventId: lastEvent ? String(lastEvent.id) : null,
  };
}
