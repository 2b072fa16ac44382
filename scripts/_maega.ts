import { createAlgorithm, runAlgorithm, type AlgorithmConfig } from "@/lib/qd";
import { ExperimentConfig } from "@/lib/experiments/config";
const kind = process.argv[2] ?? "maega";
for (const seed of [1,2,3,4,5,6,7,8]) {
  const config = ExperimentConfig.parse({ name: "dqd", domain: { type: "sphere", dim: 100 }, batchSize: 35, seed, budget: { evaluations: 54_000 },
    emitter: kind === "maega" ? { type: "gradient-arborescence", count: 15, learningRate: 0.01, ranker: "imp", selectionRule: "filter", restartRule: "basic" } : { type: "gradient-arborescence", count: 15 } });
  const e = config.emitter as any; const { type: _t, ...params } = e;
  const alg = createAlgorithm({ domain: config.domain, archive: { type: "grid" }, emitter: { ...params, type: e.type, batchSize: config.batchSize }, seed } as AlgorithmConfig);
  const r = runAlgorithm(alg, Math.round(54000 / (15 * 36)));
  const a = alg.resultArchive as any;
  let neg = 0, minF = Infinity, pos = 0, negSum = 0;
  for (let c = 0; c < a.cells; c++) if (a.occupied[c]) { const f = a.objective[c]; if (f < 0) { neg++; negSum += f; } else pos += f; minF = Math.min(minF, f); }
  console.log(seed, r.normQdScore.toFixed(2), (r.coverage*100).toFixed(1), "neg", neg, negSum.toFixed(0), "min", minF.toFixed(0), "posNorm", (pos / a.cells).toFixed(2));
}
