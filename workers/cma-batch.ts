import crypto from "node:crypto";
import type { CandidateBatch } from "@/lib/db/archive-store";
import { encodeVector } from "@/lib/db/vector-codec";
import { cmaEmitter, cmaThresholdMin, encodeState } from "@/lib/experiments/cma";
import { thresholdStep } from "@/lib/qd";
import { isCmaEmitter } from "@/lib/experiments/config";
import type { ArchiveCache } from "./archive-cache";
import { emptyBatch } from "./generate-batch";

/**
 * Job k of a CMA-ME / CMA-MAE run, in this worker: `ceil(size / batchSize)`
 * ask/tell steps of emitter k mod count, resumed from its stored state.
 * The emitter ranks against the worker's view: the cached elites (CMA-ME) or
 * the cached thresholds (CMA-MAE). What goes to PostgreSQL: the candidates
 * that became elites in that view (as for MAP-Elites jobs), the emitter's new
 * state, and for CMA-MAE every candidate's (cell, objective) per step, which
 * the commit applies to the stored thresholds.
 */
export function generateCmaBatch(cache: ArchiveCache, k: number, size: number, seed: number, batchId: string, saved: unknown): CandidateBatch {
  const { archive, config, solutionIds } = cache;
  const domain = cache.domain;
  const e = config.emitter;
  if (!domain || !isCmaEmitter(e)) throw new Error(`experiment ${cache.experimentId} is not a CMA run on a built-in domain`);
  const chain = k % e.count;
  const emitter = cmaEmitter(archive, domain, e, config.batchSize, seed, chain, saved);
  const mae = e.type === "cma-mae" ? { learningRate: e.learningRate, thresholdMin: cmaThresholdMin({ domain: config.domain, emitter: e }), store: cache.thresholdStore } : null;

  const dim = domain.dim;
  const md = archive.measureDim;
  const batchSize = config.batchSize;
  const children = new Float64Array(batchSize * dim);
  const objectives = new Float64Array(batchSize);
  const measures = new Float64Array(batchSize * md);
  const status = new Uint8Array(batchSize);
  const value = new Float64Array(batchSize);
  const cells = new Int32Array(batchSize);
  const steps: { cells: number[]; objectives: number[] }[] = [];
  /** CMA-MAE: each cell's threshold when this job first met it (as stored, refreshed before the job). */
  const startThreshold = new Map<number, number>();
  // parentsPer 0: children are sampled from the emitter's distribution, not from a parent elite.
  const out = emptyBatch({ experimentId: cache.experimentId, batchId, evaluations: size, operator: e.type, measureDim: md, genomeDim: dim, parentsPer: 0 });
  const genomes: number[] = [];

  for (let done = 0; done < size; ) {
    // The last job of a run may end mid-step: evaluate what the budget allows, and stop there.
    const n = Math.min(batchSize, size - done);
    emitter.ask(children);
    domain.evaluateBatch(children, n, objectives, measures);
    // The result archive (the worker's view of the Elite table): status and value for CMA-ME's ranking.
    archive.add(children, objectives, measures, n, { status, value, cells });
    for (let i = 0; i < n; i++) {
      if (objectives[i] !== objectives[i]) out.failed++;
      const c = cells[i]!;
      if (c < 0 || status[i] === 0 || archive.objective[c] !== objectives[i] || !sameRow(archive.solutions, c * dim, children, i * dim, dim)) continue;
      const id = crypto.randomUUID();
      solutionIds[c] = id;
      out.solutionIds.push(id);
      out.cells.push(c);
      out.fitness.push(objectives[i]!);
      for (let j = 0; j < md; j++) out.descriptors.push(measures[i * md + j]!);
      for (let j = 0; j < dim; j++) genomes.push(children[i * dim + j]!);
    }
    if (mae) {
      // The commit replays each step on the stored thresholds, which only rise: a candidate at or
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
      // CMA-MAE ranks by improvement over the cells' thresholds, and moves them (pyribs' batch rule).
      thresholdStep(mae.store, cells, objectives, n, mae.learningRate, mae.thresholdMin, { status, value });
    }
    if (n === batchSize) emitter.tell({ solutions: children, objectives, measures, status, value, n });
    done += n;
  }
  out.genomes = encodeVector(genomes);
  out.cma = {
    emitter: chain,
    generation: Math.floor(k / e.count),
    state: encodeState(emitter.getState()),
    ...(mae ? { thresholds: { learningRate: mae.learningRate, thresholdMin: mae.thresholdMin, steps } } : {}),
  };
  return out;
}

function sameRow(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): boolean {
  for (let j = 0; j < n; j++) if (a[ao + j] !== b[bo + j]) return false;
  return true;
}
