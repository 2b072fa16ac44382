import crypto from "node:crypto";
import { Rng, gaussianKernel, isoLineKernel } from "@/lib/qd";
import type { CandidateBatch } from "@/lib/db/archive-store";
import { encodeVector } from "@/lib/db/vector-codec";
import { vectorEmitter } from "@/lib/experiments/config";
import type { ArchiveCache } from "./archive-cache";

/**
 * One numbered job of a numeric experiment, run in this worker: MAP-Elites
 * iterations (select parents from the cached archive, mutate, evaluate,
 * insert locally), collecting every candidate that became an elite in the
 * local view. Only those go to PostgreSQL; the rest cannot improve it.
 */
export function generateBatch(cache: ArchiveCache, k: number, size: number, seed: number, batchId: string): CandidateBatch {
  const { archive, config, solutionIds } = cache;
  const domain = cache.domain;
  if (!domain) throw new Error(`domain "${config.domain.type}" is not evaluated in place`);
  const dim = domain.dim;
  const md = archive.measureDim;
  const rng = new Rng(mixSeed(seed, k));
  const batchSize = config.batchSize;
  const emitter = vectorEmitter(config);
  const parentsPer = emitter.type === "iso-line" ? 2 : 1;

  const children = new Float64Array(batchSize * dim);
  const objectives = new Float64Array(batchSize);
  const measures = new Float64Array(batchSize * md);
  const parents: (string | null)[] = new Array(batchSize * parentsPer);
  const out = emptyBatch({ experimentId: cache.experimentId, batchId, evaluations: size, operator: emitter.type, measureDim: md, genomeDim: dim, parentsPer });

  const genomes: number[] = [];
  for (let done = 0; done < size; ) {
    const n = Math.min(batchSize, size - done);
    for (let i = 0; i < n; i++) {
      if (archive.numElites === 0) {
        // Empty archive: children around x0, as pyribs does.
        const s = emitter.type === "gaussian" ? emitter.sigma : emitter.isoSigma;
        gaussianKernel(children, i * dim, domain.x0, 0, dim, s, rng, domain.bounds);
        parents.fill(null, i * parentsPer, (i + 1) * parentsPer);
        continue;
      }
      const a = archive.occupiedList[rng.int(archive.numElites)]!;
      parents[i * parentsPer] = solutionIds[a] ?? null;
      if (emitter.type === "gaussian") {
        gaussianKernel(children, i * dim, archive.solutions, a * dim, dim, emitter.sigma, rng, domain.bounds);
      } else {
        const b = archive.occupiedList[rng.int(archive.numElites)]!;
        parents[i * parentsPer + 1] = solutionIds[b] ?? null;
        isoLineKernel(children, i * dim, archive.solutions, a * dim, archive.solutions, b * dim, dim, emitter.isoSigma, emitter.lineSigma, rng, domain.bounds);
      }
    }
    domain.evaluateBatch(children, n, objectives, measures);
    const { status, cells } = archive.add(children, objectives, measures, n);
    for (let i = 0; i < n; i++) {
      if (objectives[i] !== objectives[i]) out.failed++;
      const c = cells[i]!;
      // The archive kept at most one candidate per cell: the one whose objective it now holds.
      if (status[i] === 0 || archive.objective[c] !== objectives[i] || !sameRow(archive.solutions, c * dim, children, i * dim, dim)) continue;
      const id = crypto.randomUUID();
      solutionIds[c] = id;
      out.solutionIds.push(id);
      out.cells.push(c);
      out.fitness.push(objectives[i]!);
      for (let j = 0; j < md; j++) out.descriptors.push(measures[i * md + j]!);
      for (let j = 0; j < dim; j++) genomes.push(children[i * dim + j]!);
      for (let j = 0; j < parentsPer; j++) out.parentIds.push(parents[i * parentsPer + j] ?? null);
    }
    done += n;
  }
  out.genomes = encodeVector(genomes);
  return out;
}

function sameRow(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): boolean {
  for (let j = 0; j < n; j++) if (a[ao + j] !== b[bo + j]) return false;
  return true;
}

/** Seed of job k: independent streams per job, reproducible from the experiment seed. */
/** A numbered job's batch before its candidates are pushed in (vector genomes, filled as the job runs). */
export function emptyBatch(b: Pick<CandidateBatch, "experimentId" | "batchId" | "evaluations" | "operator" | "measureDim" | "genomeDim" | "parentsPer">): CandidateBatch {
  return { ...b, failed: 0, generated: true, cells: [], fitness: [], descriptors: [], genomes: new Uint8Array(0), parentIds: [], solutionIds: [] };
}

export function mixSeed(seed: number, k: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (k + 0x7f4a7c15), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
