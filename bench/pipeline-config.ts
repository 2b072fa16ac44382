import { ExperimentConfig } from "@/lib/experiments/config";

/** The pipeline benches' run (bench/pipeline.ts, bench/generate.ts): pyribs' line_map_elites on sphere-100, seed 1. */
export function pipelineConfig(evaluations: number, extra: Record<string, unknown> = {}): ExperimentConfig {
  return ExperimentConfig.parse({
    name: "bench sphere-100 iso-line",
    domain: { type: "sphere", dim: 100 },
    emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2 },
    batchSize: 540,
    budget: { evaluations },
    seed: 1,
    ...extra,
  });
}
