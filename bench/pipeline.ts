/**
 * End-to-end throughput of the distributed pipeline (queue + workers +
 * PostgreSQL) on sphere-100 iso-line, with 1 and 2 worker processes, next to
 * the in-process engine on the same budget. Prints one JSON object.
 *
 *   npx tsx bench/pipeline.ts [--evaluations 5400000] [--workers 1,2] [--islands 4]
 *
 * `--islands N`: the same run on N islands (ring migration of 10 elites every tenth of the budget),
 * to measure what the per-island archives add to each commit.
 */
import { parseArgs } from "node:util";
import { createAlgorithm, runAlgorithm } from "@/lib/qd";
import { ExperimentConfig, jobPlan } from "@/lib/experiments/config";
import { createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack, waitFor } from "@/tests/helpers/stack";

const { values } = parseArgs({
  options: {
    evaluations: { type: "string", default: "5400000" },
    workers: { type: "string", default: "1,2" },
    "iterations-per-job": { type: "string" },
    islands: { type: "string" },
  },
});
const budget = Number(values.evaluations);
const log = (s: string) => process.stderr.write(`[bench:pipeline] ${s}\n`);

const config = ExperimentConfig.parse({
  name: "bench sphere-100 iso-line",
  domain: { type: "sphere", dim: 100 },
  emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2 },
  batchSize: 540,
  budget: { evaluations: budget },
  seed: 1,
  ...(values["iterations-per-job"] ? { iterationsPerJob: Number(values["iterations-per-job"]) } : {}),
  ...(values.islands ? { islands: { count: Number(values.islands), migrationInterval: Math.ceil(budget / 10), migrants: 10 } } : {}),
});

function inProcess() {
  const alg = createAlgorithm({ domain: config.domain, archive: { type: "grid" }, emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2, batchSize: 540 }, seed: 1 });
  const m = runAlgorithm(alg, Math.ceil(budget / 540));
  return { evaluations: m.evaluations, seconds: m.seconds, evalsPerSec: Math.round(m.evalsPerSec), normQdScore: m.normQdScore, coverage: m.coverage };
}

async function distributed(workers: number) {
  const stack = await createTestStack();
  try {
    const procs = Array.from({ length: workers }, () => stack.startWorker());
    await waitFor(async () => procs.every((p) => p.output().includes("ready")), 30_000, "workers ready");
    const exp = await createExperiment(stack.prisma, config);
    const t0 = performance.now();
    await startExperiment(stack.prisma, stack.queues, exp.id);
    const done = await waitFor(async () => {
      const e = await stack.prisma.experiment.findUnique({ where: { id: exp.id } });
      return e?.status === "completed" ? e : null;
    }, 30 * 60_000, "completion");
    const seconds = (performance.now() - t0) / 1000;
    const solutions = await stack.prisma.solution.count({ where: { experimentId: exp.id } });
    return {
      workers,
      evaluations: done.evaluations,
      seconds: Number(seconds.toFixed(3)),
      evalsPerSec: Math.round(done.evaluations / seconds),
      jobs: jobPlan(config).totalJobs,
      evaluationsPerJob: jobPlan(config).perJob,
      solutionsStored: solutions,
      normQdScore: done.qdScore / done.cells,
      coverage: done.numElites / done.cells,
      ...(done.islandCount ? { islands: done.islandCount, migrations: done.migrations, migrantsAccepted: done.migrantsAccepted } : {}),
    };
  } finally {
    await stack.stop();
  }
}

const local = inProcess();
log(`in-process: ${local.evalsPerSec} evals/s`);
const runs = [];
for (const w of values.workers!.split(",").map(Number)) {
  const r = await distributed(w);
  log(`${w} worker(s): ${r.evalsPerSec} evals/s`);
  runs.push({ ...r, perJobOverheadMs: Number((((r.seconds - local.seconds / w) * 1000) / r.jobs).toFixed(2)) });
}
console.log(JSON.stringify({ bench: "pipeline", domain: "sphere-100", emitter: "iso-line", budget, islands: config.islands?.count ?? 0, inProcess: local, distributed: runs }, null, 2));
