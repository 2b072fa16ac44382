/** Public API of the pure QD engine (no I/O, no database). */
export { Rng, mixSeed, type RngState } from "./rng";

export {
  ArchiveBase,
  NOT_ADDED,
  IMPROVE_EXISTING,
  NEW,
  type AddStatus,
  type AddResult,
  type ArchiveOptions,
  type ArchiveStats,
  type EliteRow,
  type EliteRowInput,
} from "./archive/base";
export { GridArchive, gridCellOf, type GridArchiveOptions } from "./archive/grid";
export { CVTArchive, type CVTArchiveOptions } from "./archive/cvt";
export { cvtCentroids, cvtCentroidsAsync, type KMeansOptions } from "./archive/kmeans";
export { KdTree } from "./archive/kdtree";
export { thresholdStep, type ThresholdStore } from "./archive/threshold";
export { ProximityArchive, type ProximityArchiveOptions } from "./archive/proximity";
export { DensityArchive, type DensityArchiveOptions, type DensityMethod } from "./archive/density";
export { DiscountArchive, type DiscountArchiveOptions, type TrainInfo } from "./archive/discount";
export { MLP, type AdamOptions } from "./ml/mlp";
export { createSearchAlgorithm, isSearchArchive, SEARCH_ARCHIVE_TYPES } from "./search-algorithm";
export type { InsertArchive, EliteSource } from "./archive/base";

export type { Bounds, Emitter, TellBatch } from "./emitters/types";
export { makeBounds } from "./emitters/types";
export { GaussianEmitter, IsoLineEmitter, MutationEmitter, FROM_X0, parentIdsOf } from "./emitters/mutation";
export { EvolutionStrategyEmitter, type ESEmitterOptions, type RestartRule, type SelectionRule } from "./emitters/evolution-strategy";
export { CMAEvolutionStrategy, type CMAESState } from "./emitters/cmaes";
export { Ranker, RANKERS, type RankerName } from "./emitters/rankers";
export { gaussianKernel, isoLineKernel, gaussianVary, isoLineVary, clipRow } from "./emitters/operators";
export { GradientOperatorEmitter, type GradientOperatorOptions } from "./emitters/gradient-operator";
export { GradientArborescenceEmitter, type GradientArborescenceOptions } from "./emitters/gradient-arborescence";
export { AdamOpt, GradientAscentOpt, makeGradientOpt, GRADIENT_OPTS, type GradientOptimizer, type GradientOptName } from "./emitters/gradient-optimizers";
export { SymEigen } from "./linalg/eigen";

export { Scheduler, type QdScheduler } from "./scheduler";
export { BanditScheduler, type BanditOptions, type BanditState, type Reselect } from "./bandit-scheduler";

export type { Domain, DomainSpec, DescriptorSpec } from "./domains/types";
export { getDomain, DOMAIN_TYPES } from "./domains/registry";
export { sphereDomain, rastriginDomain, linearProjectionMeasures, sphereJacobian } from "./domains/linear-projection";
export { armDomain } from "./domains/arm";

export {
  createAlgorithm,
  runAlgorithm,
  metricsOf,
  makeArchive,
  type Algorithm,
  type AlgorithmConfig,
  type ArchiveSpec,
  type CellArchiveSpec,
  type SearchArchiveSpec,
  type EmitterSpec,
  type SchedulerSpec,
  type RunMetrics,
} from "./algorithm";
export { SPHERE_REFERENCE, type ReferenceRun } from "./reproduce";
