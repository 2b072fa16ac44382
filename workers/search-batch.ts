import { newSolutionId } from "@/lib/db/solution-id";
import type { ArchiveBase } from "@/lib/qd";
import type { AddResult } from "@/lib/qd/archive/base";
import type { CandidateBatch } from "@/lib/db/archive-store";
import type { SearchCommit } from "@/lib/db/search-store";
import { encodeVector } from "@/lib/db/vector-codec";
import { cmaEmitter, encodeState } from "@/lib/experiments/cma";
import { isCmaEmitter } from "@/lib/experiments/config";
import { newSearchArchive } from "@/lib/experiments/search-state";
import { hasDeltas, type StatefulSearchArchive } from "@/lib/registry/archives";
import type { ArchiveCache } from "./archive-cache";
import { emptyBatch } from "./generate-batch";
import { sameRow } from "./job-log";

/**
 * The search archive a job runs against: in memory at `revision` (a worker's cache,
 * workers/search-cache.ts). The job inserts into it; its commit leaves it at the revision it
 * produced (`archive` may be swapped for a rebuilt one by a full-state replay).
 */
export interface SearchView {
  archive: StatefulSearchArchive;
  revision: number;
  /** An empty archive of the run. */
  fresh(): StatefulSearchArchive;
}

/** One ask/tell step of the job, kept so the commit can replay it on a newer stored state. */
interface Step {
  solutions: Float64Array;
  objectives: Float64Array;
  measures: Float64Array;
  n: number;
}

/**
 * Job k of a run on a proximity, density or discount archive (pyribs' novelty search, NSLC, DDS, DMS), in this
 * worker: the CMA-ME chain k mod count resumes from its stored state and asks/tells against the
 * search archive at the newest revision this worker has (`view`: the truth for ranking: novelty,
 * local competition, density), inserting each step into it. The result grid (the worker's view of
 * the Elite table) takes every candidate too; those that became elites there go to PostgreSQL as in
 * any CMA job. The commit stores the job's delta (or, for full-state kinds, its state) if nobody
 * committed meanwhile, else its steps replayed on the newer revision (lib/db/search-store.ts).
 * `view` null: an empty archive at revision 0 (tests).
 */
export function generateSearchBatch(cache: ArchiveCache, k: number, size: number, seed: number, batchId: string, savedEmitter: unknown, view: SearchView | null): CandidateBatch {
  const { config, solutionIds } = cache;
  const result = cache.archive;
  const domain = cache.domain;
  const e = config.emitter;
  if (!domain || !isCmaEmitter(e)) throw new Error(`experiment ${cache.experimentId} is not a search-archive run on a built-in domain`);
  const v: SearchView = view ?? { archive: newSearchArchive(config, seed, result), revision: 0, fresh: () => newSearchArchive(config, seed, result) };
  const search = v.archive;
  const baseRevision = v.revision;
  const deltas = hasDeltas(search);
  if (deltas) search.beginDelta();
  // Novelty search restarts its emitters from the points it keeps; density and discount archives keep none, so from the result grid.
  const source = (config.archive.type === "proximity" ? search : result) as unknown as ArchiveBase;
  const chain = k % e.count;
  const emitter = cmaEmitter(source, domain, e, config.batchSize, seed, chain, savedEmitter);

  const dim = domain.dim;
  const md = result.measureDim;
  const batchSize = config.batchSize;
  const status = new Uint8Array(batchSize);
  const value = new Float64Array(batchSize);
  const cells = new Int32Array(batchSize);
  const rStatus = new Uint8Array(batchSize);
  const rValue = new Float64Array(batchSize);
  const rCells = new Int32Array(batchSize);
  const steps: Step[] = [];
  const out = emptyBatch({ experimentId: cache.experimentId, batchId, evaluations: size, operator: e.type, measureDim: md, genomeDim: dim, parentsPer: 0 });
  const genomes: number[] = [];

  for (let done = 0; done < size; ) {
    // The last job of a run may end mid-step: evaluate what the budget allows, and stop there.
    const n = Math.min(batchSize, size - done);
    const step: Step = { solutions: new Float64Array(batchSize * dim), objectives: new Float64Array(batchSize), measures: new Float64Array(batchSize * md), n };
    emitter.ask(step.solutions);
    domain.evaluateBatch(step.solutions, n, step.objectives, step.measures);
    const res: AddResult = search.add(step.solutions, step.objectives, step.measures, n, { status, value, cells });
    steps.push(step);
    result.add(step.solutions, step.objectives, step.measures, n, { status: rStatus, value: rValue, cells: rCells });
    for (let i = 0; i < n; i++) {
      if (step.objectives[i] !== step.objectives[i]) out.failed++;
      const c = rCells[i]!;
      if (c < 0 || rStatus[i] === 0 || result.objective[c] !== step.objectives[i] || !sameRow(result.solutions, c * dim, step.solutions, i * dim, dim)) continue;
      const id = newSolutionId();
      solutionIds[c] = id;
      out.solutionIds.push(id);
      out.cells.push(c);
      out.fitness.push(step.objectives[i]!);
      for (let j = 0; j < md; j++) out.descriptors.push(step.measures[i * md + j]!);
      for (let j = 0; j < dim; j++) genomes.push(step.solutions[i * dim + j]!);
    }
    if (n === batchSize) {
      emitter.tell({
        solutions: step.solutions,
        objectives: step.objectives,
        measures: step.measures,
        status,
        value,
        n,
        ...(res.novelty ? { novelty: res.novelty } : {}),
        ...(res.localCompetition ? { localCompetition: res.localCompetition } : {}),
        ...(res.density ? { density: res.density } : {}),
      });
    }
    done += n;
  }
  out.genomes = encodeVector(genomes);
  out.cma = { emitter: chain, generation: Math.floor(k / e.count), state: encodeState(emitter.getState()) };
  out.search = searchCommit(config.archive.type, v, baseRevision, steps);
  return out;
}

/** How the commit moves the stored search archive (see SearchCommit); every path leaves `v.archive` at the revision stored. */
function searchCommit(kind: string, v: SearchView, baseRevision: number, steps: readonly Step[]): SearchCommit {
  const archive = v.archive;
  if (hasDeltas(archive)) {
    return {
      kind,
      baseRevision,
      delta: archive.exportDelta(),
      // Undo the job, take the newer deltas, redo the job's steps on them: the job's delta from the newest revision.
      replay: (newer) => {
        if (!("deltas" in newer)) throw new Error(`archive "${kind}" commits deltas, not whole states`);
        archive.rollbackDelta();
        for (const d of newer.deltas) archive.applyDelta(d);
        archive.beginDelta();
        insertSteps(archive, steps);
        return archive.exportDelta();
      },
      snapshot: () => archive.exportState(),
    };
  }
  return {
    kind,
    baseRevision,
    state: archive.exportState(),
    replay: (newer) => {
      if (!("state" in newer)) throw new Error(`archive "${kind}" commits whole states, not deltas`);
      const rebuilt = v.fresh();
      v.archive = rebuilt;
      return replaySteps(rebuilt, newer.state, steps);
    },
  };
}

/** The job's steps inserted, in order, into `archive` restored from `state` (pyribs' batch semantics per step). */
export function replaySteps(archive: StatefulSearchArchive, state: Uint8Array | null, steps: readonly Step[]): Uint8Array {
  if (state) archive.importState(state);
  insertSteps(archive, steps);
  return archive.exportState();
}

function insertSteps(archive: StatefulSearchArchive, steps: readonly Step[]): void {
  for (const s of steps) {
    if (archive.absorb) archive.absorb(s.solutions, s.objectives, s.measures, s.n);
    else archive.add(s.solutions, s.objectives, s.measures, s.n);
  }
}
