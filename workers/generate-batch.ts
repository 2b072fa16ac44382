import crypto from "node:crypto";
import { FROM_X0, MutationEmitter, Rng, mixSeed } from "@/lib/qd";
import type { CandidateBatch } from "@/lib/db/archive-store";
import { encodeVector } from "@/lib/db/vector-codec";
import { createEmitter } from "@/lib/registry/emitters";
import type { ArchiveCache } from "./archive-cache";

export { mixSeed };

/**
 * One numbered job of a numeric experiment whose emitter keeps no state between
 * jobs (Gaussian, Iso+LineDD, gradient operator), run in this worker: a fresh
 * engine emitter seeded for job k asks/tells against the cached archive
 * (inserting locally; DQD emitters run their gradient phase first), and the
 * job collects every candidate that became an elite in the local view. Only
 * those go to PostgreSQL; the rest cannot improve it.
 */
export function generateBatch(cache: ArchiveCache, k: number, size: number, seed: number, batchId: string): CandidateBatch {
  const { archive, config, solutionIds } = cache;
  const domain = cache.domain;
  if (!domain) throw new Error(`domain "${config.domain.type}" is not evaluated in place`);
  const dim = domain.dim;
  const md = archive.measureDim;
  const batchSize = config.batchSize;
  const emitter = createEmitter(config.emitter, { archive, x0: domain.x0, bounds: domain.bounds, batchSize, rng: new Rng(mixSeed(seed, k)) });
  const parentsPer = emitter instanceof MutationEmitter ? emitter.parentsPer : 0;

  // DQD emitters (gradient operator): a gradient phase of batchSizeDqd rows before each ask.
  const dqd = emitter.askDqd ? { rows: emitter.batchSizeDqd!, jacobians: new Float64Array(emitter.batchSizeDqd! * (1 + md) * dim) } : null;
  if (dqd && !domain.evaluateWithGradients) throw new Error(`emitter "${config.emitter.type}" needs gradients; domain "${config.domain.type}" has none`);
  const rows = Math.max(batchSize, dqd?.rows ?? 0);
  const children = new Float64Array(rows * dim);
  const objectives = new Float64Array(rows);
  const measures = new Float64Array(rows * md);
  const status = new Uint8Array(rows);
  const value = new Float64Array(rows);
  const cells = new Int32Array(rows);
  const parents: (string | null)[] = new Array(batchSize * parentsPer);
  const out = emptyBatch({ experimentId: cache.experimentId, batchId, evaluations: size, operator: config.emitter.type, measureDim: md, genomeDim: dim, parentsPer });

  const genomes: number[] = [];
  /** Inserts the step's first n children locally and collects those that became elites. */
  const insert = (n: number) => {
    archive.add(children, objectives, measures, n, { status, value, cells });
    for (let i = 0; i < n; i++) {
      if (objectives[i] !== objectives[i]) out.failed++;
      const c = cells[i]!;
      // The archive kept at most one candidate per cell: the one whose objective it now holds.
      if (c < 0 || status[i] === 0 || archive.objective[c] !== objectives[i] || !sameRow(archive.solutions, c * dim, children, i * dim, dim)) continue;
      const id = crypto.randomUUID();
      solutionIds[c] = id;
      out.solutionIds.push(id);
      out.cells.push(c);
      out.fitness.push(objectives[i]!);
      for (let j = 0; j < md; j++) out.descriptors.push(measures[i * md + j]!);
      for (let j = 0; j < dim; j++) genomes.push(children[i * dim + j]!);
      for (let j = 0; j < parentsPer; j++) out.parentIds.push(parents[i * parentsPer + j] ?? null);
    }
  };
  const tellBatch = (n: number) => ({ solutions: children, objectives, measures, status, value, n });
  // The last step of a job may be short: evaluate what the job carries, and stop there.
  for (let done = 0; done < size; ) {
    if (dqd) {
      // Gradient phase (pyribs ask_dqd / tell_dqd): evaluated with Jacobians, inserted like any candidate.
      const n = Math.min(dqd.rows, size - done);
      emitter.askDqd!(children);
      domain.evaluateWithGradients!(children, n, objectives, measures, dqd.jacobians);
      insert(n);
      done += n;
      if (n < dqd.rows) break;
      emitter.tellDqd!(tellBatch(n), dqd.jacobians);
      if (done >= size) break;
    }
    const n = Math.min(batchSize, size - done);
    emitter.ask(children);
    // Parent ids now, before this step's inserts give cells new ids.
    if (emitter instanceof MutationEmitter) {
      const cellsOfParents = emitter.parents;
      for (let j = 0; j < n * parentsPer; j++) parents[j] = cellsOfParents[j] === FROM_X0 ? null : (solutionIds[cellsOfParents[j]!] ?? null);
    }
    domain.evaluateBatch(children, n, objectives, measures);
    insert(n);
    if (n === batchSize) emitter.tell(tellBatch(n));
    done += n;
  }
  out.genomes = encodeVector(genomes);
  return out;
}

export function sameRow(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): boolean {
  for (let j = 0; j < n; j++) if (a[ao + j] !== b[bo + j]) return false;
  return true;
}

/** A numbered job's batch before its candidates are pushed in (vector genomes, filled as the job runs). */
export function emptyBatch(b: Pick<CandidateBatch, "experimentId" | "batchId" | "evaluations" | "operator" | "measureDim" | "genomeDim" | "parentsPer">): CandidateBatch {
  return { ...b, failed: 0, generated: true, cells: [], fitness: [], descriptors: [], genomes: new Uint8Array(0), parentIds: [], solutionIds: [] };
}
