/**
 * pyribs sphere benchmark configurations (examples/sphere.py) and the
 * published results (docs/examples/sphere.md: LP sphere 100-D, 10,000
 * iterations × 540 evaluations, mean of 20 trials; QD scores divided by the
 * 10,000 cells to give the normalized QD score).
 */
import type { AlgorithmConfig } from "./algorithm";

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
];
