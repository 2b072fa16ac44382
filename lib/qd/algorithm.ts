/**
 * Builds a runnable QD algorithm (domain + archive(s) + emitters + scheduler)
 * from a plain JSON config, and runs it in-process. Used by the CLI, the
 * bench and workers; one seed gives one run.
 */
import type { ArchiveBase, InsertArchive } from "./archive/base";
import { CVTArchive } from "./archive/cvt";
import type { DensityMethod } from "./archive/density";
import { GridArchive } from "./archive/grid";
import { getDomain } from "./domains/registry";
import type { DescriptorSpec, Domain, DomainSpec } from "./domains/types";
import { EvolutionStrategyEmitter, type RestartRule, type SelectionRule } from "./emitters/evolution-strategy";
import { GaussianEmitter, IsoLineEmitter } from "./emitters/mutation";
import type { RankerName } from "./emitters/rankers";
import type { Emitter } from "./emitters/types";
import { Rng } from "./rng";
import { Scheduler } from "./scheduler";
import { createSearchAlgorithm, isSearchArchive } from "./search-algorithm";

export type ArchiveSpec =
  | { type: "grid"; bins?: number[] }
  | { type: "cvt"; cells: number; samples?: number; maxIter?: number }
  | SearchArchiveSpec;

/** Grid or CVT: the archives that keep elites by cell (result archives of the search archives). */
export type CellArchiveSpec = Extract<ArchiveSpec, { type: "grid" | "cvt" }>;

/**
 * Archives that steer the search without keeping one elite per cell: their
 * reported metrics come from `result` (default: the descriptors' grid).
 * proximity: novelty search (pyribs ProximityArchive; local competition = NSLC);
 * density: density descent (DensityArchive, KDE over a reservoir of measures);
 * discount: Discount Model Search (DiscountArchive, MLP discount model).
 */
export type SearchArchiveSpec =
  | { type: "proximity"; kNeighbors: number; noveltyThreshold: number; localCompetition?: boolean; initialCapacity?: number; result?: CellArchiveSpec }
  | { type: "density"; bandwidth: number; bufferSize?: number; method?: DensityMethod; result?: CellArchiveSpec }
  | {
      type: "discount";
      /** α of the discount targets (pyribs sphere: 0.1). */
      learningRate?: number;
      /** Discount of unexplored regions (default: the domain's lowest objective). */
      thresholdMin?: number;
      initTrainPoints?: number;
      emptyPoints?: number;
      hidden?: number[];
      /** Adam learning rate (default 0.001). */
      modelLearningRate?: number;
      trainEpochs?: number;
      trainCutoffLoss?: number;
      trainBatchSize?: number;
      result?: CellArchiveSpec;
    };

export type EmitterSpec =
  | { type: "gaussian"; sigma: number; batchSize: number; count?: number }
  | { type: "iso-line"; isoSigma: number; lineSigma: number; batchSize: number; count?: number }
  | {
      type: "cma-me";
      sigma0: number;
      batchSize: number;
      count?: number;
      ranker?: RankerName;
      selectionRule?: SelectionRule;
      restartRule?: RestartRule;
    }
  | {
      type: "cma-mae";
      sigma0: number;
      batchSize: number;
      count?: number;
      learningRate?: number;
      thresholdMin?: number;
      ranker?: RankerName;
      selectionRule?: SelectionRule;
      restartRule?: RestartRule;
    };

export interface AlgorithmConfig {
  domain: DomainSpec;
  archive: ArchiveSpec;
  emitter: EmitterSpec;
  /** Overrides the domain's default descriptors (ranges and bins). */
  descriptors?: DescriptorSpec[];
  seed: number;
}

export interface Algorithm {
  config: AlgorithmConfig;
  domain: Domain;
  /** Archive the emitters work on (thresholded for CMA-MAE; the result archive for search archives). */
  archive: ArchiveBase;
  /** The proximity, density or discount archive the scheduler inserts into, when there is one. */
  searchArchive?: InsertArchive;
  /** Elitist archive whose metrics are reported. */
  resultArchive: ArchiveBase;
  scheduler: Scheduler;
}

export function makeArchive(spec: ArchiveSpec, descriptors: DescriptorSpec[], solutionDim: number, extra: { learningRate?: number; thresholdMin?: number; qdScoreOffset?: number; seed?: number; shared?: boolean }): ArchiveBase {
  const ranges = descriptors.map((d) => [d.min, d.max] as [number, number]);
  if (spec.type === "grid") {
    const dims = spec.bins ?? descriptors.map((d) => d.bins);
    return new GridArchive({ solutionDim, dims, ranges, ...extra });
  }
  if (isSearchArchive(spec)) throw new Error(`a ${spec.type} archive keeps no elites by cell; use createAlgorithm`);
  return new CVTArchive({ solutionDim, ranges, cells: spec.cells, samples: spec.samples, maxIter: spec.maxIter, ...extra });
}

export function createAlgorithm(config: AlgorithmConfig): Algorithm {
  const domain = getDomain(config.domain);
  const descriptors = config.descriptors ?? domain.descriptors;
  if (descriptors.length !== domain.descriptors.length) {
    throw new Error(`domain ${domain.type} produces ${domain.descriptors.length} measures; got ${descriptors.length} descriptors`);
  }
  if (isSearchArchive(config.archive)) return createSearchAlgorithm(config, config.archive, domain, descriptors);
  const rng = new Rng(config.seed);
  const e = config.emitter;
  const base = { qdScoreOffset: domain.qdScoreOffset, seed: config.seed };
  let archive: ArchiveBase;
  let resultArchive: ArchiveBase | null = null;
  if (e.type === "cma-mae") {
    archive = makeArchive(config.archive, descriptors, domain.dim, { ...base, learningRate: e.learningRate ?? 0.01, thresholdMin: e.thresholdMin ?? domain.objectiveRange[0] });
    resultArchive = config.archive.type === "cvt"
      ? new CVTArchive({ solutionDim: domain.dim, ranges: descriptors.map((d) => [d.min, d.max] as [number, number]), cells: archive.cells, centroids: (archive as CVTArchive).centroids, qdScoreOffset: domain.qdScoreOffset })
      : makeArchive(config.archive, descriptors, domain.dim, base);
  } else {
    archive = makeArchive(config.archive, descriptors, domain.dim, base);
  }
  const count = e.count ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new Error("emitter count must be a positive integer");
  const emitters: Emitter[] = [];
  for (let i = 0; i < count; i++) {
    const erng = rng.spawn();
    const common = { x0: domain.x0, batchSize: e.batchSize, rng: erng, bounds: domain.bounds };
    switch (e.type) {
      case "gaussian":
        emitters.push(new GaussianEmitter(archive, { ...common, sigma: e.sigma }));
        break;
      case "iso-line":
        emitters.push(new IsoLineEmitter(archive, { ...common, isoSigma: e.isoSigma, lineSigma: e.lineSigma }));
        break;
      case "cma-me":
        emitters.push(new EvolutionStrategyEmitter(archive, { ...common, sigma0: e.sigma0, ranker: e.ranker ?? "2imp", selectionRule: e.selectionRule ?? "filter", restartRule: e.restartRule ?? "no_improvement" }));
        break;
      case "cma-mae":
        emitters.push(new EvolutionStrategyEmitter(archive, { ...common, sigma0: e.sigma0, ranker: e.ranker ?? "imp", selectionRule: e.selectionRule ?? "mu", restartRule: e.restartRule ?? "basic" }));
        break;
      default:
        throw new Error(`unknown emitter "${(e as { type: string }).type}"`);
    }
  }
  const scheduler = new Scheduler(archive, emitters, { resultArchive });
  return { config, domain, archive, resultArchive: scheduler.resultArchive, scheduler };
}

export interface RunMetrics {
  evaluations: number;
  iterations: number;
  seconds: number;
  evalsPerSec: number;
  coverage: number;
  qdScore: number;
  normQdScore: number;
  maxFitness: number;
  meanFitness: number;
  numElites: number;
}

export function metricsOf(alg: Algorithm, seconds: number): RunMetrics {
  const s = alg.resultArchive.stats();
  const ev = alg.scheduler.evaluations;
  return {
    evaluations: ev,
    iterations: alg.scheduler.iterations,
    seconds,
    evalsPerSec: seconds > 0 ? ev / seconds : 0,
    coverage: s.coverage,
    qdScore: s.qdScore,
    normQdScore: s.normQdScore,
    maxFitness: s.objMax,
    meanFitness: s.objMean,
    numElites: s.numElites,
  };
}

/** Runs `iterations` ask/evaluate/tell rounds in-process. */
export function runAlgorithm(alg: Algorithm, iterations: number, onProgress?: (m: RunMetrics) => void, progressEvery = 0): RunMetrics {
  const { scheduler, domain } = alg;
  const n = scheduler.batchSize;
  const objectives = new Float64Array(n);
  const measures = new Float64Array(n * alg.archive.measureDim);
  const t0 = performance.now();
  for (let it = 1; it <= iterations; it++) {
    const sols = scheduler.ask();
    domain.evaluateBatch(sols, n, objectives, measures);
    scheduler.tell(objectives, measures);
    if (onProgress && progressEvery > 0 && it % progressEvery === 0 && it !== iterations) {
      onProgress(metricsOf(alg, (performance.now() - t0) / 1000));
    }
  }
  return metricsOf(alg, (performance.now() - t0) / 1000);
}
