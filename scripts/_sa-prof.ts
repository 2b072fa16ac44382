import { ExperimentConfig, jobPlan } from "@/lib/experiments/config";
import { ArchiveCache } from "@/workers/archive-cache";
import { generateSearchBatch } from "@/workers/search-batch";
import { unpackState } from "@/lib/qd/archive/state-codec";
const kind = process.argv[2] ?? "nslc";
const config = ExperimentConfig.parse({
  name: "p", domain: { type: "sphere", dim: 10 }, batchSize: 36, budget: { evaluations: 36000 }, seed: 1,
  ...(kind === "nslc" ? { archive: { type: "proximity", kNeighbors: 15, localCompetition: true }, emitter: { type: "cma-me", count: 5, ranker: "nslc", selectionRule: "filter", restartRule: "no_improvement" } }
  : { archive: { type: "density", bufferSize: 10000 }, emitter: { type: "cma-me", count: 5, sigma0: 1.5, ranker: "density", selectionRule: "mu", restartRule: "basic" } }),
});
const plan = jobPlan(config);
const cache = new ArchiveCache("00000000-0000-0000-0000-000000000000", config);
let stored: { kind: string; revision: number; state: Uint8Array } | null = null;
const emitters = new Map<number, unknown>();
let tGen = 0, tReplay = 0;
for (let k = 0; k < plan.totalJobs; k++) {
  let t = performance.now();
  const b = generateSearchBatch(cache, k, plan.sizeOf(k), 1, `b:${k}`, emitters.get(k % 5), stored);
  tGen += performance.now() - t;
  emitters.set(k % 5, b.cma!.state);
  t = performance.now();
  const replayed = b.search!.replay(stored?.state ?? null);
  tReplay += performance.now() - t;
  stored = { kind: b.search!.kind, revision: k + 1, state: b.search!.state };
  void replayed;
}
const m = unpackState(stored!.state).meta;
console.log(kind, "jobs", plan.totalJobs, "perJob", plan.perJob, "gen ms", tGen.toFixed(0), "replay ms", tReplay.toFixed(0), "state bytes", stored!.state.length, JSON.stringify(m).slice(0, 100));
