/**
 * Builds algorithms on the archives that keep no elite per cell (pyribs
 * sphere rows ns_cma, nslc, nslc_cma_imp, dds, dds_kde_sklearn, dms): the
 * scheduler inserts into the proximity, density or discount archive, and an
 * elitist grid (or CVT) result archive keeps the solutions and gives the
 * reported metrics. Emitters restart from the proximity archive itself
 * (novelty search) or from the result archive (density and discount
 * archives, which store no solutions), as pyribs' sphere.py does.
 */
import type { Algorithm, AlgorithmConfig, SearchArchiveSpec } from "./algorithm";
import { makeArchive } from "./algorithm";
import type { ArchiveBase, EliteSource, InsertArchive } from "./archive/base";
import { DensityArchive } from "./archive/density";
import { DiscountArchive } from "./archive/discount";
import { ProximityArchive } from "./archive/proximity";
import type { DescriptorSpec, Domain } from "./domains/types";
import { EvolutionStrategyEmitter } from "./emitters/evolution-strategy";
import type { Emitter } from "./emitters/types";
import { Rng } from "./rng";
import { Scheduler } from "./scheduler";

export const SEARCH_ARCHIVE_TYPES = ["proximity", "density", "discount"] as const;

export function isSearchArchive(spec: { type: string }): spec is SearchArchiveSpec {
  return (SEARCH_ARCHIVE_TYPES as readonly string[]).includes(spec.type);
}

export function createSearchAlgorithm(config: AlgorithmConfig, spec: SearchArchiveSpec, domain: Domain, descriptors: DescriptorSpec[]): Algorithm {
  const e = config.emitter;
  if (e.type !== "cma-me") throw new Error(`a ${spec.type} archive runs with the cma-me (evolution strategy) emitter; got ${e.type}`);
  if (config.extraEmitters?.length) throw new Error(`a ${spec.type} archive runs one cma-me emitter group (no extraEmitters)`);
  if (config.scheduler && config.scheduler.type !== "default") throw new Error(`a ${spec.type} archive runs with the default scheduler`);
  const rng = new Rng(config.seed);
  const ranges = descriptors.map((d) => [d.min, d.max] as [number, number]);
  const md = descriptors.length;
  const resultArchive = makeArchive(spec.result ?? { type: "grid" }, descriptors, domain.dim, { qdScoreOffset: domain.qdScoreOffset, seed: config.seed });
  let archive: InsertArchive;
  let source: EliteSource;
  switch (spec.type) {
    case "proximity": {
      const p = new ProximityArchive({ solutionDim: domain.dim, measureDim: md, kNeighbors: spec.kNeighbors, noveltyThreshold: spec.noveltyThreshold, localCompetition: spec.localCompetition, initialCapacity: spec.initialCapacity, ranges });
      archive = p;
      source = p;
      break;
    }
    case "density":
      archive = new DensityArchive({ solutionDim: domain.dim, measureDim: md, bandwidth: spec.bandwidth, bufferSize: spec.bufferSize, method: spec.method, reservoir: spec.reservoir, rng: rng.spawn() });
      source = resultArchive;
      break;
    case "discount":
      archive = new DiscountArchive({
        solutionDim: domain.dim,
        measureDim: md,
        learningRate: spec.learningRate ?? 0.1,
        thresholdMin: spec.thresholdMin ?? domain.objectiveRange[0],
        resultArchive: resultArchive as ArchiveBase,
        initTrainPoints: spec.initTrainPoints,
        emptyPoints: spec.emptyPoints,
        hidden: spec.hidden,
        adam: { lr: spec.modelLearningRate ?? 1e-3 },
        trainEpochs: spec.trainEpochs,
        trainCutoffLoss: spec.trainCutoffLoss,
        trainBatchSize: spec.trainBatchSize,
        discountRange: domain.objectiveRange,
        rng: rng.spawn(),
      });
      source = resultArchive;
      break;
  }
  const count = e.count ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new Error("emitter count must be a positive integer");
  const emitters: Emitter[] = [];
  for (let i = 0; i < count; i++) {
    emitters.push(
      new EvolutionStrategyEmitter(source, {
        x0: domain.x0,
        batchSize: e.batchSize,
        rng: rng.spawn(),
        bounds: domain.bounds,
        sigma0: e.sigma0,
        ranker: e.ranker ?? "2imp",
        selectionRule: e.selectionRule ?? "filter",
        restartRule: e.restartRule ?? "no_improvement",
      }),
    );
  }
  const scheduler = new Scheduler(archive, emitters, { resultArchive });
  return { config, domain, archive: resultArchive, searchArchive: archive, resultArchive, scheduler };
}
