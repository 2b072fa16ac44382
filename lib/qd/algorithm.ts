/**
 * Builds a runnable QD algorithm (domain + archive(s) + emitters + scheduler)
 * from a plain JSON config, and runs it in-process. Used by the CLI, the
 * bench and workers; one seed gives one run.
 */
import type { ArchiveBase, InsertArchive } from "./archive/base";
import { CVTArchive } from "./archive/cvt";
import type { DensityMethod, ReservoirRule } from "./archive/density";
import { GridArchive } from "./archive/grid";
import { getDomain } from "./domains/registry";
import type { DescriptorSpec, Domain, DomainSpec } from "./domains/types";
import { EvolutionStrategyEmitter, type RestartRule, type SelectionRule } from "./emitters/evolution-strategy";
import { GradientArborescenceEmitter } from "./emitters/gradient-arborescence";
import { GradientOperatorEmitter } from "./emitters/gradient-operator";
import type { GradientOptName } from "./emitters/gradient-optimizers";
import { GaussianEmitter, IsoLineEmitter } from "./emitters/mutation";
import type { RankerName } from "./emitters/rankers";
import type { Emitter } from "./emitters/types";
import { Rng } from "./rng";
import { BanditScheduler, type Reselect } from "./bandit-scheduler";
import { Scheduler, type QdScheduler } from "./scheduler";
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
  | { type: "density"; bandwidth: number; bufferSize?: number; method?: DensityMethod; reservoir?: ReservoirRule; result?: CellArchiveSpec }
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
    }
  | {
      /** OG-MAP-Elites (measureGradients off) / OMG-MEGA (on); needs a domain with gradients. */
      type: "gradient-operator";
      sigma: number;
      sigmaG: number;
      batchSize: number;
      count?: number;
      measureGradients?: boolean;
      normalizeGrad?: boolean;
      operator?: "isotropic" | "iso-line";
      lineSigma?: number;
    }
  | {
      /** CMA-MEGA; with learningRate (and thresholdMin) on a thresholded archive: CMA-MAEGA. */
      type: "gradient-arborescence";
      sigma0: number;
      lr: number;
      /** Main-phase solutions per emitter; the gradient phase adds one. */
      batchSize: number;
      count?: number;
      gradOpt?: GradientOptName;
      ranker?: RankerName;
      selectionRule?: SelectionRule;
      restartRule?: RestartRule;
      normalizeGrad?: boolean;
      learningRate?: number;
      thresholdMin?: number;
    };

/** "default": every emitter every iteration; "bandit": ME-MAP-Elites' UCB1 choice of numActive emitters. */
export type SchedulerSpec = { type: "default" } | { type: "bandit"; numActive: number; reselect?: Reselect; zeta?: number };

export interface AlgorithmConfig {
  domain: DomainSpec;
  archive: ArchiveSpec;
  emitter: EmitterSpec;
  /** Further emitter groups after `emitter` (pyribs' mixed emitter sets, a bandit pool). */
  extraEmitters?: EmitterSpec[];
  scheduler?: SchedulerSpec;
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
  scheduler: QdScheduler;
}

/** CMA-MAE-style archive learning requested by an emitter spec (null: elitist archive). */
function archiveLearning(e: EmitterSpec): { learningRate: number; thresholdMin?: number } | null {
  if (e.type === "cma-mae") return { learningRate: e.learningRate ?? 0.01, thresholdMin: e.thresholdMin };
  if (e.type === "gradient-arborescence" && e.learningRate !== undefined) return { learningRate: e.learningRate, thresholdMin: e.thresholdMin };
  return null;
}

function makeEmitter(e: EmitterSpec, archive: ArchiveBase, domain: Domain, rng: Rng): Emitter {
  const common = { x0: domain.x0, batchSize: e.batchSize, rng, bounds: domain.bounds };
  switch (e.type) {
    case "gaussian":
      return new GaussianEmitter(archive, { ...common, sigma: e.sigma });
    case "iso-line":
      return new IsoLineEmitter(archive, { ...common, isoSigma: e.isoSigma, lineSigma: e.lineSigma });
    case "cma-me":
      return new EvolutionStrategyEmitter(archive, { ...common, sigma0: e.sigma0, ranker: e.ranker ?? "2imp", selectionRule: e.selectionRule ?? "filter", restartRule: e.restartRule ?? "no_improvement" });
    case "cma-mae":
      return new EvolutionStrategyEmitter(archive, { ...common, sigma0: e.sigma0, ranker: e.ranker ?? "imp", selectionRule: e.selectionRule ?? "mu", restartRule: e.restartRule ?? "basic" });
    case "gradient-operator":
      return new GradientOperatorEmitter(archive, { ...common, sigma: e.sigma, sigmaG: e.sigmaG, measureGradients: e.measureGradients, normalizeGrad: e.normalizeGrad, operator: e.operator, lineSigma: e.lineSigma });
    case "gradient-arborescence":
      return new GradientArborescenceEmitter(archive, {
        ...common,
        sigma0: e.sigma0,
        lr: e.lr,
        gradOpt: e.gradOpt,
        ranker: e.ranker,
        selectionRule: e.selectionRule,
        restartRule: e.restartRule,
        normalizeGrad: e.normalizeGrad,
      });
    default:
      throw new Error(`unknown emitter "${(e as { type: string }).type}"`);
  }
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
  const specs = [config.emitter, ...(config.extraEmitters ?? [])];
  const base = { qdScoreOffset: domain.qdScoreOffset, seed: config.seed };
  let archive: ArchiveBase;
  let resultArchive: ArchiveBase | null = null;
  const learnings = specs.map(archiveLearning).filter((l) => l !== null);
  const learning = learnings[0] ?? null;
  if (learnings.some((l) => l.learningRate !== learning!.learningRate || l.thresholdMin !== learning!.thresholdMin)) {
    throw new Error("emitters share one archive: give every CMA-MAE / CMA-MAEGA group the same learningRate and thresholdMin");
  }
  if (learning) {
    archive = makeArchive(config.archive, descriptors, domain.dim, { ...base, learningRate: learning.learningRate, thresholdMin: learning.thresholdMin ?? domain.objectiveRange[0] });
    resultArchive = config.archive.type === "cvt"
      ? new CVTArchive({ solutionDim: domain.dim, ranges: descriptors.map((d) => [d.min, d.max] as [number, number]), cells: archive.cells, centroids: (archive as CVTArchive).centroids, qdScoreOffset: domain.qdScoreOffset })
      : makeArchive(config.archive, descriptors, domain.dim, base);
  } else {
    archive = makeArchive(config.archive, descriptors, domain.dim, base);
  }
  const emitters: Emitter[] = [];
  for (const e of specs) {
    const count = e.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new Error("emitter count must be a positive integer");
    if ((e.type === "gradient-operator" || e.type === "gradient-arborescence") && !domain.evaluateWithGradients) {
      throw new Error(`emitter ${e.type} needs gradients; domain ${domain.type} does not provide them`);
    }
    for (let i = 0; i < count; i++) emitters.push(makeEmitter(e, archive, domain, rng.spawn()));
  }
  const sched = config.scheduler ?? { type: "default" };
  const scheduler: QdScheduler =
    sched.type === "bandit"
      ? new BanditScheduler(archive, emitters, { numActive: sched.numActive, reselect: sched.reselect, zeta: sched.zeta, resultArchive })
      : new Scheduler(archive, emitters, { resultArchive });
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
  const md = alg.archive.measureDim;
  const sd = scheduler.solutionDim;
  const rows = Math.max(scheduler.batchSize, scheduler.batchSizeDqd);
  const objectives = new Float64Array(rows);
  const measures = new Float64Array(rows * md);
  const nd = scheduler.batchSizeDqd;
  const jacobians = new Float64Array(nd * (1 + md) * sd);
  if (nd > 0 && !domain.evaluateWithGradients) throw new Error(`domain ${domain.type} provides no gradients for the DQD emitters`);
  const t0 = performance.now();
  for (let it = 1; it <= iterations; it++) {
    if (nd > 0) {
      // Gradient phase (pyribs ask_dqd / tell_dqd): counts as evaluations.
      domain.evaluateWithGradients!(scheduler.askDqd(), nd, objectives, measures, jacobians);
      scheduler.tellDqd(objectives, measures, jacobians);
    }
    const sols = scheduler.ask();
    domain.evaluateBatch(sols, sols.length / sd, objectives, measures);
    scheduler.tell(objectives, measures);
    if (onProgress && progressEvery > 0 && it % progressEvery === 0 && it !== iterations) {
      onProgress(metricsOf(alg, (performance.now() - t0) / 1000));
    }
  }
  return metricsOf(alg, (performance.now() - t0) / 1000);
}
