import { newSolutionId } from "@/lib/db/solution-id";
import type { CandidateBatch } from "@/lib/db/archive-store";
import { encodeVector } from "@/lib/db/vector-codec";
import { chainEmitterConfig, chainLearning, cmaEmitter, encodeState } from "@/lib/experiments/cma";
import { thresholdStep, type ArchiveBase, type Rng } from "@/lib/qd";
import { FROM_X0, MutationEmitter } from "@/lib/qd/emitters/mutation";
import { banditOf } from "@/lib/experiments/config";
import type { ArchiveCache } from "./archive-cache";
import { emptyBatch } from "./generate-batch";
import { sameRow } from "./job-log";

/** Which chain job k continues, from where (workers/chain-job.ts decides). */
export interface ChainJob {
  chain: number;
  /** Jobs the chain committed before this one: the commit's compare-and-set expects exactly it. */
  generation: number;
  /** The chain's stored state (absent: a fresh emitter). */
  state?: unknown;
  /** Bandit runs: the slot the job runs in and its place in that slot. */
  slot?: { slot: number; slotJob: number };
}

/**
 * Job k of a CMA-ME / CMA-MAE / CMA-MEGA / CMA-MAEGA run, in this worker: ask/tell
 * steps of one emitter chain, resumed from its stored state, until the job's
 * size. The emitter ranks against the worker's view: the cached elites (CMA-ME,
 * CMA-MEGA) or the cached thresholds (CMA-MAE, CMA-MAEGA). CMA-MEGA's steps start
 * with its gradient phase: the solution point θ evaluated with its Jacobian (one
 * evaluation, inserted like any candidate), then batchSize branches. What goes to
 * PostgreSQL: the candidates that became elites in that view (as for MAP-Elites
 * jobs), the emitter's new state, for archive learning every candidate's (cell,
 * objective) per insertion, which the commit applies to the stored thresholds,
 * and for bandit runs the chain's successes.
 */
export function generateCmaBatch(cache: ArchiveCache, k: number, size: number, seed: number, batchId: string, job: ChainJob): CandidateBatch {
  const { archive, config, solutionIds } = cache;
  const domain = cache.domain;
  if (!domain) throw new Error(`experiment ${cache.experimentId} is not a chain run on a built-in domain`);
  // The chain's emitter: the run's, or (bandit pools) the chain's group (CMA-ES, or Iso+LineDD / Gaussian with its RNG).
  const e = chainEmitterConfig(config, job.chain);
  const learning = chainLearning(config);
  const emitter = cmaEmitter(learning && e.type === "gradient-arborescence" ? restartView(archive, cache.thresholds!) : archive, domain, e, config.batchSize, seed, job.chain, job.state);
  const mae = learning ? { ...learning, store: cache.thresholdStore } : null;
  const bandit = banditOf(config);
  const restartsBefore = emitter.restarts;
  // Emitters without restarts count as restarted after every job (pyribs: after every iteration).
  const restarted = () => restartsBefore === undefined || (emitter.restarts ?? 0) > restartsBefore;

  const dim = domain.dim;
  const md = archive.measureDim;
  const batchSize = config.batchSize;
  const dqd = emitter.askDqd ? { jacobians: new Float64Array((1 + md) * dim) } : null;
  if (dqd && !domain.evaluateWithGradients) throw new Error(`emitter "${e.type}" needs gradients; domain "${config.domain.type}" has none`);
  const children = new Float64Array(batchSize * dim);
  const objectives = new Float64Array(batchSize);
  const measures = new Float64Array(batchSize * md);
  const status = new Uint8Array(batchSize);
  const value = new Float64Array(batchSize);
  const cells = new Int32Array(batchSize);
  const steps: { cells: number[]; objectives: number[] }[] = [];
  /** Archive learning: each cell's threshold when this job first met it (as stored, refreshed before the job). */
  const startThreshold = new Map<number, number>();
  // CMA: parentsPer 0, children are sampled from the emitter's distribution, not from a parent elite.
  // A bandit pool's mutation emitters (Iso+LineDD, Gaussian) record their parents as their own jobs do.
  const parentsPer = emitter instanceof MutationEmitter ? emitter.parentsPer : 0;
  const parents: (string | null)[] = new Array(batchSize * parentsPer).fill(null);
  const out = emptyBatch({ experimentId: cache.experimentId, batchId, evaluations: size, operator: e.type, measureDim: md, genomeDim: dim, parentsPer });
  const genomes: number[] = [];
  let successes = 0;

  /** Inserts the first n rows locally, collects those that became elites, and ranks them (status, value). */
  const insert = (n: number) => {
    // The result archive (the worker's view of the Elite table): status and value for elitist ranking.
    archive.add(children, objectives, measures, n, { status, value, cells });
    for (let i = 0; i < n; i++) {
      if (objectives[i] !== objectives[i]) out.failed++;
      const c = cells[i]!;
      if (c < 0 || status[i] === 0 || archive.objective[c] !== objectives[i] || !sameRow(archive.solutions, c * dim, children, i * dim, dim)) continue;
      const id = newSolutionId();
      solutionIds[c] = id;
      out.solutionIds.push(id);
      out.cells.push(c);
      out.fitness.push(objectives[i]!);
      for (let j = 0; j < md; j++) out.descriptors.push(measures[i * md + j]!);
      for (let j = 0; j < dim; j++) genomes.push(children[i * dim + j]!);
      for (let j = 0; j < parentsPer; j++) out.parentIds.push(parents[i * parentsPer + j] ?? null);
    }
    if (mae) {
      // The commit replays each insertion on the stored thresholds, which only rise: a candidate at or
      // below the threshold this job started from can never count there, so it is left out.
      const step = { cells: [] as number[], objectives: [] as number[] };
      for (let i = 0; i < n; i++) {
        const c = cells[i]!;
        if (c < 0 || objectives[i] !== objectives[i]) continue;
        if (!startThreshold.has(c)) startThreshold.set(c, mae.store.get(c) ?? mae.thresholdMin);
        if (!(objectives[i]! > startThreshold.get(c)!)) continue;
        step.cells.push(c);
        step.objectives.push(objectives[i]!);
      }
      steps.push(step);
      // Archive learning ranks by improvement over the cells' thresholds, and moves them (pyribs' batch rule).
      thresholdStep(mae.store, cells, objectives, n, mae.learningRate, mae.thresholdMin, { status, value });
    }
    for (let i = 0; i < n; i++) if (status[i]! > 0) successes++;
  };

  // The last job of a run may end mid-step: evaluate what the budget allows, and stop there.
  for (let done = 0; done < size; ) {
    if (dqd) {
      // Gradient phase (pyribs ask_dqd / tell_dqd): θ and its Jacobian, one evaluation.
      emitter.askDqd!(children);
      domain.evaluateWithGradients!(children, 1, objectives, measures, dqd.jacobians);
      insert(1);
      done += 1;
      if (done >= size) break;
      emitter.tellDqd!({ solutions: children, objectives, measures, status, value, n: 1 }, dqd.jacobians);
    }
    const n = Math.min(batchSize, size - done);
    emitter.ask(children);
    if (parentsPer) {
      const cellsOfParents = (emitter as unknown as MutationEmitter).parents;
      for (let j = 0; j < n * parentsPer; j++) parents[j] = cellsOfParents[j] === FROM_X0 ? null : (solutionIds[cellsOfParents[j]!] ?? null);
    }
    domain.evaluateBatch(children, n, objectives, measures);
    insert(n);
    if (n === batchSize) emitter.tell({ solutions: children, objectives, measures, status, value, n });
    done += n;
  }
  out.genomes = encodeVector(genomes);
  out.cma = {
    emitter: job.chain,
    generation: job.generation,
    state: encodeState(emitter.getState()),
    ...(mae ? { thresholds: { learningRate: mae.learningRate, thresholdMin: mae.thresholdMin, steps } } : {}),
    ...(bandit && job.slot
      ? { bandit: { slot: job.slot.slot, slotJob: job.slot.slotJob, chain: job.chain, successes, evaluations: size, restarted: restarted(), params: bandit } }
      : {}),
  };
  return out;
}

/**
 * CMA-MAEGA restarts θ at an elite of pyribs' learning archive, which only holds cells some candidate
 * beat thresholdMin in. The worker's archive is the elitist result archive, whose cells may hold
 * only candidates far below it (unbounded branches): restarting there drags θ out of the box and
 * fills new cells with such candidates. The view samples among cells with a threshold instead.
 */
function restartView(archive: ArchiveBase, thresholds: Float64Array): ArchiveBase {
  const view = Object.create(archive) as ArchiveBase;
  view.sampleCell = (rng: Rng) => {
    const cells: number[] = [];
    for (let c = 0; c < thresholds.length; c++) if (thresholds[c] === thresholds[c] && archive.occupied[c] === 1) cells.push(c);
    return cells.length ? cells[rng.int(cells.length)]! : -1;
  };
  return view;
}
