/**
 * CMA-MAE (or CMA-ME, CMA-MEGA, CMA-MAEGA, ME-MAP-Elites) through the distributed pipeline
 * (queue + workers + PostgreSQL, one job chain per emitter, or per bandit slot) next to the
 * in-process engine on the same budget and seed. Prints one JSON object.
 *
 *   npx tsx bench/cma-pipeline.ts [--emitter cma-mae|cma-me|gradient-arborescence] [--dim 100] [--count 15] [--batch 36]
 *     [--evaluations 540000] [--workers 2] [--iterations-per-job N] [--seed 1]
 *     [--learning-rate α]   gradient-arborescence: CMA-MAEGA (pyribs: ranker imp, restart basic, filter)
 *     [--bandit N]          cma-me: ME-MAP-Elites, UCB1 runs N of the count chains
 */
import { parseArgs } from "node:util";
import { createAlgorithm, runAlgorithm } from "@/lib/qd";
import { ExperimentConfig, jobPlan } from "@/lib/experiments/config";
import { createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack, waitFor } from "@/tests/helpers/stack";

const { values } = parseArgs({
  options: {
    emitter: { type: "string", default: "cma-mae" },
    dim: { type: "string", default: "100" },
    count: { type: "string", default: "15" },
    batch: { type: "string", default: "36" },
    evaluations: { type: "string", default: "540000" },
    workers: { type: "string", default: "2" },
    "iterations-per-job": { type: "string" },
    seed: { type: "string", default: "1" },
    "skip-local": { type: "boolean", default: false },
    "learning-rate": { type: "string" },
    bandit: { type: "string" },
  },
});
const budget = Number(values.evaluations);
const count = Number(values.count);
const batchSize = Number(values.batch);
const seed = Number(values.seed);
const type = values.emitter as "cma-me" | "cma-mae" | "gradient-arborescence";
const learningRate = values["learning-rate"] === undefined ? undefined : Number(values["learning-rate"]);
const numActive = values.bandit === undefined ? undefined : Number(values.bandit);
/** pyribs' sphere rows: cma_mega, cma_maega (imp / filter / basic), me_map_elites over CMA-ME chains. */
const emitter =
  type === "gradient-arborescence"
    ? { type, count, ...(learningRate === undefined ? {} : { learningRate, ranker: "imp" as const, selectionRule: "filter" as const, restartRule: "basic" as const }) }
    : { type, count };
const scheduler = numActive === undefined ? undefined : { type: "bandit" as const, numActive };
const perIteration = numActive !== undefined ? numActive * batchSize : count * (batchSize + (type === "gradient-arborescence" ? 1 : 0));
const log = (s: string) => process.stderr.write(`[bench:cma-pipeline] ${s}\n`);

const config = ExperimentConfig.parse({
  name: `bench sphere-${values.dim} ${type}`,
  domain: { type: "sphere", dim: Number(values.dim) },
  emitter,
  ...(scheduler ? { scheduler } : {}),
  batchSize,
  budget: { evaluations: budget },
  seed,
  ...(values["iterations-per-job"] ? { iterationsPerJob: Number(values["iterations-per-job"]) } : {}),
});

function inProcess() {
  const { type: _t, ...params } = config.emitter as Record<string, unknown>;
  const alg = createAlgorithm({ domain: config.domain, archive: { type: "grid" }, emitter: { ...params, type, batchSize } as never, ...(config.scheduler ? { scheduler: config.scheduler as never } : {}), seed });
  const m = runAlgorithm(alg, Math.ceil(budget / perIteration));
  return { evaluations: m.evaluations, seconds: Number(m.seconds.toFixed(3)), evalsPerSec: Math.round(m.evalsPerSec), normQdScore: m.normQdScore, coverage: m.coverage };
}

async function distributed(workers: number) {
  const stack = await createTestStack();
  try {
    const procs = Array.from({ length: workers }, () => stack.startWorker());
    await waitFor(async () => procs.every((p) => p.output().includes("ready")), 300_000, "workers ready");
    const exp = await createExperiment(stack.prisma, config);
    const t0 = performance.now();
    await startExperiment(stack.prisma, stack.queues, exp.id);
    const done = await waitFor(async () => {
      const e = await stack.prisma.experiment.findUnique({ where: { id: exp.id } });
      return e && ["completed", "failed"].includes(e.status) ? e : null;
    }, 60 * 60_000, "completion");
    const seconds = (performance.now() - t0) / 1000;
    if (done.status !== "completed") throw new Error(`run ${done.status}: ${done.statusReason}`);
    const [{ bytes }] = await stack.prisma.$queryRawUnsafe<{ bytes: number }[]>(`SELECT coalesce(avg(pg_column_size(state)), 0)::int AS bytes FROM "EmitterState" WHERE "experimentId" = $1::uuid AND emitter >= 0`, exp.id);
    return {
      workers,
      evaluations: done.evaluations,
      seconds: Number(seconds.toFixed(3)),
      evalsPerSec: Math.round(done.evaluations / seconds),
      jobs: jobPlan(config).totalJobs,
      evaluationsPerJob: jobPlan(config).perJob,
      emitterStateBytes: bytes,
      thresholds: await stack.prisma.cellThreshold.count({ where: { experimentId: exp.id } }),
      normQdScore: done.qdScore / done.cells,
      coverage: done.numElites / done.cells,
    };
  } finally {
    await stack.stop();
  }
}

const local = values["skip-local"] ? null : inProcess();
if (local) log(`in-process: ${local.evalsPerSec} evals/s, normQD ${local.normQdScore.toFixed(2)}`);
const runs = [];
for (const w of values.workers!.split(",").map(Number)) {
  const r = await distributed(w);
  log(`${w} worker(s): ${r.evalsPerSec} evals/s, normQD ${r.normQdScore.toFixed(2)}`);
  runs.push(r);
}
console.log(JSON.stringify({ bench: "cma-pipeline", domain: `sphere-${values.dim}`, emitter: `${type}${learningRate === undefined ? "" : ` α=${learningRate}`} ${count}×${batchSize}${numActive === undefined ? "" : ` bandit ${numActive} active`}`, budget, inProcess: local, distributed: runs }, null, 2));
