import { MutationEmitter, Rng, mixSeed } from "@/lib/qd";
import type { CandidateBatch } from "@/lib/db/archive-store";
import { createEmitter } from "@/lib/registry/emitters";
import type { ArchiveCache } from "./archive-cache";
import { JobLog } from "./job-log";

export { mixSeed };

/**
 * One numbered job of a numeric experiment whose emitter keeps no state between
 * jobs (Gaussian, Iso+LineDD, gradient operator), run in this worker: a fresh
 * engine emitter seeded for job k asks/tells against the cached archive
 * (inserting locally; DQD emitters run their gradient phase first), and the
 * job logs every candidate that became an elite in the local view. Only
 * those can improve PostgreSQL, and of those only the ones still elites at the
 * end of the job, and their ancestors, are stored (JobLog, lib/db/survivors.ts).
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
  const { children, objectives, measures, status, value, cells } = stepBuffers(rows, dim, md);
  const log = JobLog.empty(archive.cells, dim, md, parentsPer, batchSize);
  let failed = 0;
  /** Inserts the step's first n children locally and logs those that became elites. */
  const insert = (n: number) => {
    archive.add(children, objectives, measures, n, { status, value, cells });
    failed += log.collect(archive, children, objectives, measures, cells, status, n);
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
    // Parents now, before this step's inserts replace the elites they were picked from.
    if (emitter instanceof MutationEmitter) log.takeParents(emitter.parents, n);
    domain.evaluateBatch(children, n, objectives, measures);
    insert(n);
    if (n === batchSize) emitter.tell(tellBatch(n));
    done += n;
  }
  return log.toBatch({ experimentId: cache.experimentId, batchId, evaluations: size, operator: config.emitter.type, failed }, solutionIds);
}

type StepBuffers = ReturnType<typeof allocStep>;
const allocStep = (rows: number, dim: number, md: number) => ({
  rows,
  dim,
  md,
  children: new Float64Array(rows * dim),
  objectives: new Float64Array(rows),
  measures: new Float64Array(rows * md),
  status: new Uint8Array(rows),
  value: new Float64Array(rows),
  cells: new Int32Array(rows),
});
let lastStep: StepBuffers | null = null;

/** One step's arrays, reused from job to job (jobs run one at a time, synchronously). */
function stepBuffers(rows: number, dim: number, md: number): StepBuffers {
  const b = lastStep;
  return b && b.rows === rows && b.dim === dim && b.md === md ? b : (lastStep = allocStep(rows, dim, md));
}

/** A numbered job's batch before its candidates are pushed in (vector genomes, filled as the job runs). */
export function emptyBatch(b: Pick<CandidateBatch, "experimentId" | "batchId" | "evaluations" | "operator" | "measureDim" | "genomeDim" | "parentsPer">): CandidateBatch {
  return { ...b, failed: 0, generated: true, cells: [], fitness: [], descriptors: [], genomes: new Uint8Array(0), parentIds: [], solutionIds: [] };
}
