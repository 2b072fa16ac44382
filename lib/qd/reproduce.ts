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
  /** Allowed relative difference from the published mean, per metric. */
  tolerance: { normQdScore: number; coverage: number };
}

const sphere = { type: "sphere" as const, dim: 100 };
const grid = { type: "grid" as const };

export const SPHERE_REFERENCE: ReferenceRun[] = [
  {
    name: "map_elites",
    label: "MAP-Elites (Gaussian σ=0.5)",
    config: (seed) => ({ domain: sphere, archive: grid, emitter: { type: "gaussian", sigma: 0.5, batchSize: 540 }, seed }),
    published: { normQdScore: 41.611164, coverage: 0.5072 },
    tolerance: tol(41.611164, 0.268137, 0.5072, 0.004),
  },
  {
    name: "line_map_elites",
    label: "MAP-Elites (line: iso 0.5, line 0.2)",
    config: (seed) => ({ domain: sphere, archive: grid, emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2, batchSize: 540 }, seed }),
    published: { normQdScore: 49.101392, coverage: 0.6044 },
    tolerance: tol(49.101392, 0.111874, 0.6044, 0.0017),
  },
  {
    name: "cvt_map_elites",
    label: "CVT-MAP-Elites (10k cells, 100k samples)",
    config: (seed) => ({ domain: sphere, archive: { type: "cvt", cells: 10_000, samples: 100_000 }, emitter: { type: "gaussian", sigma: 0.5, batchSize: 540 }, seed }),
    published: { normQdScore: 41.635011, coverage: 0.5067 },
    tolerance: tol(41.635011, 0.394242, 0.5067, 0.0049),
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
    tolerance: tol(45.667801, 0.28821, 0.5584, 0.0041),
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
    tolerance: tol(63.336855, 0.150443, 0.8102, 0.0027),
  },
];

/**
 * Relative tolerance of a row, each metric on its own: 3% of the published
 * mean, or two published standard deviations of that metric where wider.
 */
function tol(qd: number, qdStd: number, cov: number, covStd: number): ReferenceRun["tolerance"] {
  return { normQdScore: Math.max(0.03, (2 * qdStd) / qd), coverage: Math.max(0.03, (2 * covStd) / cov) };
}

/** 15 EvolutionStrategyEmitters × 36 (pyribs' CMA-ME family and the search-archive rows). */
function cmaEs(sigma0: number, ranker: RankerName, selectionRule: SelectionRule, restartRule: RestartRule) {
  return { type: "cma-me" as const, sigma0, batchSize: 36, count: 15, ranker, selectionRule, restartRule };
}

/** A pyribs CMA-ME row: 15 EvolutionStrategyEmitters × 36, σ0 = 0.5, on the 100×100 grid. */
function cmaMe(ranker: RankerName, selectionRule: SelectionRule, restartRule: RestartRule) {
  return (seed: number): AlgorithmConfig => ({ domain: sphere, archive: grid, emitter: cmaEs(0.5, ranker, selectionRule, restartRule), seed });
}

// The remaining pyribs table rows (docs/examples/sphere.md); sorted into its order below.
SPHERE_REFERENCE.push(
  {
    name: "line_cvt_map_elites",
    label: "CVT-MAP-Elites (line: iso 0.5, line 0.2)",
    config: (seed) => ({ domain: sphere, archive: { type: "cvt", cells: 10_000, samples: 100_000 }, emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2, batchSize: 540 }, seed }),
    published: { normQdScore: 49.033542, coverage: 0.6039 },
    tolerance: tol(49.033542, 0.481854, 0.6039, 0.0058),
  },
  {
    name: "me_map_elites",
    label: "ME-MAP-Elites (bandit: 15 of 60 emitters)",
    config: (seed) => {
      const es = (ranker: RankerName) => ({ type: "cma-me" as const, sigma0: 0.5, batchSize: 36, count: 15, ranker, selectionRule: "filter" as const, restartRule: "no_improvement" as const });
      return {
        domain: sphere,
        archive: grid,
        emitter: es("obj"),
        extraEmitters: [es("2rd"), es("2imp"), { type: "iso-line", isoSigma: 0.01, lineSigma: 0.1, batchSize: 36, count: 15 }],
        scheduler: { type: "bandit", numActive: 15, reselect: "terminated" },
        seed,
      };
    },
    published: { normQdScore: 53.347798, coverage: 0.6528 },
    tolerance: tol(53.347798, 1.504168, 0.6528, 0.0205),
  },
  {
    name: "cma_me_imp_mu",
    label: "CMA-ME (2imp, mu)",
    config: cmaMe("2imp", "mu", "no_improvement"),
    published: { normQdScore: 49.846435, coverage: 0.6111 },
    tolerance: tol(49.846435, 0.221486, 0.6111, 0.0034),
  },
  {
    name: "cma_me_basic",
    label: "CMA-ME (2imp, mu, basic restarts)",
    config: cmaMe("2imp", "mu", "basic"),
    published: { normQdScore: 39.8192, coverage: 0.4704 },
    tolerance: tol(39.8192, 1.017436, 0.4704, 0.013),
  },
  {
    name: "cma_me_rd",
    label: "CMA-ME (2rd, filter)",
    config: cmaMe("2rd", "filter", "no_improvement"),
    published: { normQdScore: 45.84036, coverage: 0.5621 },
    tolerance: tol(45.84036, 0.273942, 0.5621, 0.0042),
  },
  {
    name: "cma_me_rd_mu",
    label: "CMA-ME (2rd, mu)",
    config: cmaMe("2rd", "mu", "no_improvement"),
    published: { normQdScore: 51.269256, coverage: 0.6378 },
    tolerance: tol(51.269256, 0.407015, 0.6378, 0.0061),
  },
  {
    name: "cma_me_opt",
    label: "CMA-ME (obj, mu, basic restarts)",
    config: cmaMe("obj", "mu", "basic"),
    published: { normQdScore: 5.751777, coverage: 0.0597 },
    tolerance: tol(5.751777, 0.304275, 0.0597, 0.0033),
  },
  {
    name: "cma_me_mixed",
    label: "CMA-ME (7 × 2rd + 8 × 2imp)",
    config: (seed) => ({
      domain: sphere,
      archive: grid,
      emitter: { type: "cma-me", sigma0: 0.5, batchSize: 36, count: 7, ranker: "2rd", selectionRule: "filter", restartRule: "no_improvement" },
      extraEmitters: [{ type: "cma-me", sigma0: 0.5, batchSize: 36, count: 8, ranker: "2imp", selectionRule: "filter", restartRule: "no_improvement" }],
      seed,
    }),
    published: { normQdScore: 45.882727, coverage: 0.5619 },
    tolerance: tol(45.882727, 0.235906, 0.5619, 0.0035),
  },
  {
    name: "og_map_elites",
    label: "OG-MAP-Elites (σ 0.5, σ_g 0.5; 270 + 270)",
    config: (seed) => ({
      domain: sphere,
      archive: grid,
      emitter: { type: "gradient-operator", sigma: 0.5, sigmaG: 0.5, measureGradients: false, normalizeGrad: false, batchSize: 270 },
      seed,
    }),
    published: { normQdScore: 38.78, coverage: 0.4683 },
    tolerance: tol(38.78, 0.276075, 0.4683, 0.0041),
  },
  {
    name: "omg_mega",
    label: "OMG-MEGA (σ_g 10; 270 + 270)",
    config: (seed) => ({
      domain: sphere,
      archive: grid,
      emitter: { type: "gradient-operator", sigma: 0, sigmaG: 10, measureGradients: true, normalizeGrad: true, batchSize: 270 },
      seed,
    }),
    published: { normQdScore: 75.368067, coverage: 1 },
    tolerance: tol(75.368067, 0.000368, 1, 0),
  },
  {
    name: "cma_mega",
    label: "CMA-MEGA (σ0 10, ascent lr 1; 15 × (1 + 35))",
    config: (seed) => ({
      domain: sphere,
      archive: grid,
      emitter: { type: "gradient-arborescence", sigma0: 10, lr: 1, gradOpt: "gradient_ascent", selectionRule: "mu", batchSize: 35, count: 15 },
      seed,
    }),
    published: { normQdScore: 75.383486, coverage: 1 },
    tolerance: tol(75.383486, 0.000215, 1, 0),
  },
  {
    name: "cma_mega_adam",
    label: "CMA-MEGA (σ0 10, Adam lr 0.002; 15 × (1 + 35))",
    config: (seed) => ({
      domain: sphere,
      archive: grid,
      emitter: { type: "gradient-arborescence", sigma0: 10, lr: 0.002, gradOpt: "adam", selectionRule: "mu", batchSize: 35, count: 15 },
      seed,
    }),
    published: { normQdScore: 75.388012, coverage: 1 },
    tolerance: tol(75.388012, 0.000192, 1, 0),
  },
  {
    name: "cma_maega",
    label: "CMA-MAEGA (α 0.01; 15 × (1 + 35))",
    config: (seed) => ({
      domain: sphere,
      archive: grid,
      emitter: { type: "gradient-arborescence", sigma0: 10, lr: 1, gradOpt: "gradient_ascent", ranker: "imp", restartRule: "basic", batchSize: 35, count: 15, learningRate: 0.01, thresholdMin: 0 },
      seed,
    }),
    published: { normQdScore: 75.383472, coverage: 1 },
    tolerance: tol(75.383472, 0.000445, 1, 0),
  },
  // Novelty search, density descent and discount model search (pyribs sphere.py
  // CONFIG): the scheduler inserts into the search archive; metrics come from a
  // 100×100 grid result archive.
  {
    name: "ns_cma",
    label: "Novelty search CMA (k=15, threshold 18.9)",
    config: (seed) => ({ domain: sphere, archive: { type: "proximity", kNeighbors: 15, noveltyThreshold: 0.037 * 512 }, emitter: cmaEs(0.5, "nov", "mu", "basic"), seed }),
    published: { normQdScore: 15.493746, coverage: 0.1919 },
    tolerance: tol(15.493746, 1.034401, 0.1919, 0.0138),
  },
  {
    name: "nslc",
    label: "NSLC (k=15, threshold 3.7, ranker nslc)",
    config: (seed) => ({ domain: sphere, archive: { type: "proximity", kNeighbors: 15, noveltyThreshold: 0.037 * 100, localCompetition: true }, emitter: cmaEs(0.5, "nslc", "filter", "no_improvement"), seed }),
    published: { normQdScore: 50.933109, coverage: 0.6301 },
    tolerance: tol(50.933109, 0.256567, 0.6301, 0.0035),
  },
  {
    name: "nslc_cma_imp",
    label: "NSLC archive + CMA-ME imp (2imp)",
    config: (seed) => ({ domain: sphere, archive: { type: "proximity", kNeighbors: 15, noveltyThreshold: 0.037 * 100, localCompetition: true }, emitter: cmaEs(0.5, "2imp", "filter", "no_improvement"), seed }),
    published: { normQdScore: 53.78919, coverage: 0.6798 },
    tolerance: tol(53.789190, 0.324239, 0.6798, 0.0043),
  },
  {
    name: "dds",
    label: "DDS (KDE h=25.6, buffer 10k, σ0=1.5)",
    config: (seed) => ({ domain: sphere, archive: { type: "density", method: "kde", bandwidth: 25.6, bufferSize: 10_000, reservoir: "pyribs" }, emitter: cmaEs(1.5, "density", "mu", "basic"), seed }),
    published: { normQdScore: 34.444787, coverage: 0.7272 },
    tolerance: tol(34.444787, 4.015365, 0.7272, 0.0321),
  },
  {
    name: "dds_kde_sklearn",
    label: "DDS (sklearn-style log KDE, h=25.6)",
    config: (seed) => ({ domain: sphere, archive: { type: "density", method: "kde_sklearn", bandwidth: 25.6, bufferSize: 10_000, reservoir: "pyribs" }, emitter: cmaEs(1.5, "density", "mu", "basic"), seed }),
    published: { normQdScore: 32.540221, coverage: 0.7588 },
    tolerance: tol(32.540221, 3.620361, 0.7588, 0.0315),
  },
  {
    name: "dms",
    label: "DMS (MLP 128×128, α=0.1; imp, mu)",
    config: (seed) => ({
      domain: sphere,
      archive: { type: "discount", learningRate: 0.1, thresholdMin: 0, initTrainPoints: 1000, emptyPoints: 100, hidden: [128, 128], modelLearningRate: 0.001, trainEpochs: 5, trainCutoffLoss: 0.05, trainBatchSize: 32 },
      emitter: cmaEs(0.5, "imp", "mu", "basic"),
      seed,
    }),
    published: { normQdScore: 70.077658, coverage: 0.9599 },
    tolerance: tol(70.077658, 0.852505, 0.9599, 0.0143),
  },
);

/** pyribs' table order (docs/examples/sphere.md). */
const PYRIBS_ORDER = [
  "map_elites", "line_map_elites", "cvt_map_elites", "line_cvt_map_elites", "me_map_elites",
  "cma_me_imp", "cma_me_imp_mu", "cma_me_basic", "cma_me_rd", "cma_me_rd_mu", "cma_me_opt", "cma_me_mixed",
  "og_map_elites", "omg_mega", "cma_mega", "cma_mega_adam", "cma_mae", "cma_maega",
  "ns_cma", "nslc", "nslc_cma_imp", "dds", "dds_kde_sklearn", "dms",
];
SPHERE_REFERENCE.sort((a, b) => PYRIBS_ORDER.indexOf(a.name) - PYRIBS_ORDER.indexOf(b.name));
