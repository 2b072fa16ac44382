/**
 * pyribs sphere benchmark configurations (examples/sphere.py) and the
 * published results (docs/examples/sphere.md: LP sphere 100-D, 10,000
 * iterations × 540 evaluations, mean of 20 trials; QD scores divided by the
 * 10,000 cells to give the normalized QD score).
 */
import type { AlgorithmConfig } from "./algorithm";
import type { RestartRule, SelectionRule } from "./emitters/evolution-strategy";
import type { RankerName } from "./emitters/rankers";

export interface ReferenceRun {
  name: string;
  label: string;
  config: (seed: number) => AlgorithmConfig;
  published: { normQdScore: number; coverage: number };
  /** Allowed relative difference from the published mean. */
  tolerance: number;
}

const sphere = { type: "sphere" as const, dim: 100 };
const grid = { type: "grid" as const };
const ARCHIVE_ROWS: ReferenceRun[] = archiveRows();

export const SPHERE_REFERENCE: ReferenceRun[] = [
  {
    name: "map_elites",
    label: "MAP-Elites (Gaussian σ=0.5)",
    config: (seed) => ({ domain: sphere, archive: grid, emitter: { type: "gaussian", sigma: 0.5, batchSize: 540 }, seed }),
    published: { normQdScore: 41.611164, coverage: 0.5072 },
    tolerance: 0.03,
  },
  {
    name: "line_map_elites",
    label: "MAP-Elites (line: iso 0.5, line 0.2)",
    config: (seed) => ({ domain: sphere, archive: grid, emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2, batchSize: 540 }, seed }),
    published: { normQdScore: 49.101392, coverage: 0.6044 },
    tolerance: 0.03,
  },
  {
    name: "cvt_map_elites",
    label: "CVT-MAP-Elites (10k cells, 100k samples)",
    config: (seed) => ({ domain: sphere, archive: { type: "cvt", cells: 10_000, samples: 100_000 }, emitter: { type: "gaussian", sigma: 0.5, batchSize: 540 }, seed }),
    published: { normQdScore: 41.635011, coverage: 0.5067 },
    tolerance: 0.03,
  },
  {
    name: "cma_me_imp",
    label: "CMA-ME (imp; 15×36, σ0=0.5)",
    config: (seed) => ({
      domain: sphere,
      archive: grid,
      emitter: { type: "cma-me", sigma0: 0.5, batchSize: 36, count: 15, ranker: "2imp", selectionRule: "filter", restartRule: "no_improvement" },
      seed,
    }),
    published: { normQdScore: 45.667801, coverage: 0.5584 },
    tolerance: 0.05,
  },
  {
    name: "cma_mae",
    label: "CMA-MAE (α=0.01; 15×36, σ0=0.5)",
    config: (seed) => ({
      domain: sphere,
      archive: grid,
      emitter: { type: "cma-mae", sigma0: 0.5, batchSize: 36, count: 15, learningRate: 0.01, thresholdMin: 0, ranker: "imp", selectionRule: "mu", restartRule: "basic" },
      seed,
    }),
    published: { normQdScore: 63.336855, coverage: 0.8102 },
    tolerance: 0.05,
  },
  // archive-based rows (novelty, density, discount)
  ...ARCHIVE_ROWS,
];

/**
 * Novelty search, density descent and discount model search (pyribs
 * sphere.py CONFIG; results in a 100×100 grid result archive). Tolerance:
 * 3%, or two published standard deviations where that is wider.
 */
function archiveRows(): ReferenceRun[] {
  const cma = (sigma0: number, ranker: RankerName, selectionRule: SelectionRule, restartRule: RestartRule) => ({ type: "cma-me" as const, sigma0, batchSize: 36, count: 15, ranker, selectionRule, restartRule });
  const tol = (mean: number, std: number) => Math.max(0.03, (2 * std) / mean);
  return [
    {
      name: "ns_cma",
      label: "Novelty search CMA (k=15, threshold 18.9)",
      config: (seed) => ({ domain: sphere, archive: { type: "proximity", kNeighbors: 15, noveltyThreshold: 0.037 * 512 }, emitter: cma(0.5, "nov", "mu", "basic"), seed }),
      published: { normQdScore: 15.49, coverage: 0.1919 },
      tolerance: tol(15.49, 1.03),
    },
    {
      name: "nslc",
      label: "NSLC (k=15, threshold 3.7, ranker nslc)",
      config: (seed) => ({ domain: sphere, archive: { type: "proximity", kNeighbors: 15, noveltyThreshold: 0.037 * 100, localCompetition: true }, emitter: cma(0.5, "nslc", "filter", "no_improvement"), seed }),
      published: { normQdScore: 50.93, coverage: 0.6301 },
      tolerance: tol(50.93, 0.26),
    },
    {
      name: "nslc_cma_imp",
      label: "NSLC archive + CMA-ME imp (2imp)",
      config: (seed) => ({ domain: sphere, archive: { type: "proximity", kNeighbors: 15, noveltyThreshold: 0.037 * 100, localCompetition: true }, emitter: cma(0.5, "2imp", "filter", "no_improvement"), seed }),
      published: { normQdScore: 53.79, coverage: 0.6798 },
      tolerance: tol(53.79, 0.32),
    },
    {
      name: "dds",
      label: "DDS (KDE h=25.6, buffer 10k, σ0=1.5)",
      config: (seed) => ({ domain: sphere, archive: { type: "density", method: "kde", bandwidth: 25.6, bufferSize: 10_000 }, emitter: cma(1.5, "density", "mu", "basic"), seed }),
      published: { normQdScore: 34.44, coverage: 0.7272 },
      tolerance: tol(34.44, 4.02),
    },
    {
      name: "dds_kde_sklearn",
      label: "DDS (sklearn-style log KDE, h=25.6)",
      config: (seed) => ({ domain: sphere, archive: { type: "density", method: "kde_sklearn", bandwidth: 25.6, bufferSize: 10_000 }, emitter: cma(1.5, "density", "mu", "basic"), seed }),
      published: { normQdScore: 32.54, coverage: 0.7588 },
      tolerance: tol(32.54, 3.62),
    },
    {
      name: "dms",
      label: "DMS (MLP 128×128, α=0.1; imp, mu)",
      config: (seed) => ({
        domain: sphere,
        archive: { type: "discount", learningRate: 0.1, thresholdMin: 0, initTrainPoints: 1000, emptyPoints: 100, hidden: [128, 128], modelLearningRate: 0.001, trainEpochs: 5, trainCutoffLoss: 0.05, trainBatchSize: 32 },
        emitter: cma(0.5, "imp", "mu", "basic"),
        seed,
      }),
      published: { normQdScore: 70.08, coverage: 0.9599 },
      tolerance: tol(70.08, 0.85),
    },
  ];
}
