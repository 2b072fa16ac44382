/**
 * The worker's generate phase alone (what workers/processors/batch.ts times as "generate" for a
 * stateless emitter's job: workers/generate-batch.ts), next to the in-process engine's ask/tell loop on
 * the same run: sphere-100 Iso+LineDD, batch 540, the pipeline's jobs run one after another against
 * one worker's archive cache (no PostgreSQL: the cache keeps its own inserts, as after a commit).
 * Both sides are measured in CPU ms per 10,000 evaluations (process.cpuUsage, so the figure holds
 * under load), alternating rounds; the first round of each warms the JIT and is not counted.
 * Prints one JSON object.
 *
 *   npx tsx bench/generate.ts [--evaluations 1080000] [--rounds 3]
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { createAlgorithm, runAlgorithm } from "@/lib/qd";
import { jobPlan } from "@/lib/experiments/config";
import { batchKey } from "@/lib/experiments/jobs";
import { ArchiveCache } from "@/workers/archive-cache";
import { generateBatch } from "@/workers/generate-batch";
import { pipelineConfig } from "./pipeline-config";

const { values } = parseArgs({ options: { evaluations: { type: "string", default: "1080000" }, rounds: { type: "string", default: "3" } } });
const budget = Number(values.evaluations);
const rounds = Number(values.rounds);
const log = (s: string) => process.stderr.write(`[bench:generate] ${s}\n`);

const config = pipelineConfig(budget);

const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;

/** Every job of the run in one worker: CPU ms of generate, stored rows, the archive at the end. */
function worker() {
  const cache = new ArchiveCache("00000000-0000-0000-0000-000000000000", config);
  const plan = jobPlan(config);
  let rows = 0;
  let candidates = 0;
  const cpu0 = process.cpuUsage();
  for (let k = 0; k < plan.totalJobs; k++) {
    const batch = generateBatch(cache, k, plan.sizeOf(k), config.seed, batchKey(k));
    rows += batch.cells.length;
    candidates += batch.evaluations;
  }
  const ms = cpuMs(process.cpuUsage(cpu0));
  return { cpuMsPer10k: (ms / candidates) * 10_000, rowsPerJob: rows / plan.totalJobs, normQdScore: cache.archive.stats().normQdScore };
}

function engine() {
  const alg = createAlgorithm({ domain: config.domain, archive: { type: "grid" }, emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2, batchSize: 540 }, seed: 1 });
  const cpu0 = process.cpuUsage();
  const m = runAlgorithm(alg, Math.ceil(budget / 540));
  const ms = cpuMs(process.cpuUsage(cpu0));
  return { cpuMsPer10k: (ms / m.evaluations) * 10_000, normQdScore: m.normQdScore };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const w: ReturnType<typeof worker>[] = [];
const e: ReturnType<typeof engine>[] = [];
for (let r = 0; r <= rounds; r++) {
  const a = worker();
  const b = engine();
  log(`round ${r}${r === 0 ? " (warm-up)" : ""}: generate ${a.cpuMsPer10k.toFixed(1)} CPU ms/10k evals, engine ${b.cpuMsPer10k.toFixed(1)}`);
  if (r === 0) continue;
  w.push(a);
  e.push(b);
}
const generate = median(w.map((x) => x.cpuMsPer10k));
const reference = median(e.map((x) => x.cpuMsPer10k));
console.log(
  JSON.stringify({
    bench: "generate",
    domain: "sphere-100",
    emitter: "iso-line",
    budget,
    evaluationsPerJob: jobPlan(config).perJob,
    rounds,
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
    generate: { cpuMsPer10kEvaluations: Number(generate.toFixed(2)), rowsStoredPerJob: Math.round(w[0]!.rowsPerJob), normQdScore: w[0]!.normQdScore },
    inProcess: { cpuMsPer10kEvaluations: Number(reference.toFixed(2)), normQdScore: e[0]!.normQdScore },
    ratio: Number((generate / reference).toFixed(3)),
  }),
);
