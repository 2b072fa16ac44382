/**
 * End-to-end throughput of the distributed pipeline (queue + workers +
 * PostgreSQL) on sphere-100 iso-line, with 1 and 2 worker processes, next to
 * the in-process engine and pyribs' `line_map_elites` (bench/pyribs_line.py)
 * on the same budget. Prints one JSON object; `pyribs` is null when
 * `import ribs` fails (README: installing pyribs offline). Each run reports
 * where its workers' jobs spent their time (`jobCosts`, ms summed over workers).
 *
 *   npx tsx bench/pipeline.ts [--evaluations 1080000] [--workers 1,2] [--islands 4] [--python python3]
 *
 * `--islands N`: the same run on N islands (ring migration of 10 elites every tenth of the budget),
 * to measure what the per-island archives add to each commit.
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import { parseArgs } from "node:util";
import { createAlgorithm, runAlgorithm } from "@/lib/qd";
import { jobPlan } from "@/lib/experiments/config";
import { createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack, waitFor } from "@/tests/helpers/stack";
import { pipelineConfig } from "./pipeline-config";
import { cpuSeconds } from "./proc-cpu";

const { values } = parseArgs({
  options: {
    evaluations: { type: "string", default: "1080000" },
    workers: { type: "string", default: "1,2" },
    python: { type: "string", default: process.env.QD_PYRIBS_PYTHON ?? "python3" },
    "iterations-per-job": { type: "string" },
    islands: { type: "string" },
  },
});
const budget = Number(values.evaluations);
const log = (s: string) => process.stderr.write(`[bench:pipeline] ${s}\n`);

const config = pipelineConfig(budget, {
  ...(values["iterations-per-job"] ? { iterationsPerJob: Number(values["iterations-per-job"]) } : {}),
  ...(values.islands ? { islands: { count: Number(values.islands), migrationInterval: Math.ceil(budget / 10), migrants: 10 } } : {}),
});

function inProcess() {
  const alg = createAlgorithm({ domain: config.domain, archive: { type: "grid" }, emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2, batchSize: 540 }, seed: 1 });
  const cpu0 = process.cpuUsage();
  const m = runAlgorithm(alg, Math.ceil(budget / 540));
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = Number(((cpu.user + cpu.system) / 1e6).toFixed(3));
  return { evaluations: m.evaluations, seconds: m.seconds, cpuSeconds, evalsPerSec: Math.round(m.evalsPerSec), normQdScore: m.normQdScore, coverage: m.coverage };
}

/**
 * pyribs at its best: glibc malloc tuned so numpy's batch arrays stay in the heap instead of going
 * back to the kernel every iteration. Null when pyribs is not importable.
 */
function pyribs() {
  const script = new URL("./pyribs_line.py", import.meta.url).pathname;
  const env = { ...process.env, MALLOC_MMAP_THRESHOLD_: "33554432", MALLOC_TRIM_THRESHOLD_: "1073741824", MALLOC_TOP_PAD_: "268435456" };
  const r = spawnSync(values.python!, [script, "--evaluations", String(budget), "--seed", "1"], { env, encoding: "utf8" });
  if (r.status !== 0) {
    log(`pyribs: not run (${(r.stderr || r.error?.message || "").trim().split("\n").pop()})`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as { evaluations: number; seconds: number; evalsPerSec: number; normQdScore: number; coverage: number };
}

/** Sums the `job costs {json}` lines the workers print (QD_JOB_COSTS=1) for one experiment. */
function jobCosts(outputs: string[], experimentId: string) {
  const sum = { jobs: 0, evaluations: 0, rowsStored: 0, workerCpuMs: 0, ms: {} as Record<string, number> };
  for (const out of outputs) {
    for (const m of out.matchAll(/job costs (\{.*\})/g)) {
      const c = JSON.parse(m[1]!);
      if (c.experimentId !== experimentId) continue;
      sum.jobs += c.jobs;
      sum.evaluations += c.evaluations;
      sum.rowsStored += c.rowsStored;
      sum.workerCpuMs += c.cpuMs ?? 0;
      for (const [k, v] of Object.entries(c.ms as Record<string, number>)) sum.ms[k] = (sum.ms[k] ?? 0) + v;
    }
  }
  const perJobMs = Object.fromEntries(Object.entries(sum.ms).map(([k, v]) => [k, Number((v / Math.max(1, sum.jobs)).toFixed(2))]));
  return { ...sum, perJobMs };
}

/** CPU seconds used so far by each PostgreSQL backend connected to the run's database (/proc, by pid). */
async function backendCpu(prisma: Awaited<ReturnType<typeof createTestStack>>["prisma"]): Promise<Map<number, number>> {
  const rows = await prisma.$queryRawUnsafe<{ pid: number }[]>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  return new Map(rows.map((r) => [r.pid, cpuSeconds(r.pid)]));
}

async function distributed(workers: number) {
  const stack = await createTestStack();
  try {
    const procs = Array.from({ length: workers }, () => stack.startWorker({ QD_JOB_COSTS: "1" }));
    await waitFor(async () => procs.every((p) => p.output().includes("ready")), 300_000, "workers ready");
    const exp = await createExperiment(stack.prisma, config);
    const pg0 = await backendCpu(stack.prisma);
    const t0 = performance.now();
    await startExperiment(stack.prisma, stack.queues, exp.id);
    const done = await waitFor(async () => {
      const e = await stack.prisma.experiment.findUnique({ where: { id: exp.id } });
      return e?.status === "completed" ? e : null;
    }, 30 * 60_000, "completion");
    const seconds = (performance.now() - t0) / 1000;
    // The workers' pools are still open: every backend that served the run is listed (a backend that
    // ended during the run is not counted, which would understate, never overstate).
    const pg1 = await backendCpu(stack.prisma);
    const postgresCpuSeconds = [...pg1].reduce((s, [pid, c]) => s + c - (pg0.get(pid) ?? 0), 0);
    const solutions = await stack.prisma.solution.count({ where: { experimentId: exp.id } });
    await Promise.all(procs.map((p) => p.stop()));
    return {
      workers,
      evaluations: done.evaluations,
      seconds: Number(seconds.toFixed(3)),
      evalsPerSec: Math.round(done.evaluations / seconds),
      jobs: jobPlan(config).totalJobs,
      evaluationsPerJob: jobPlan(config).perJob,
      solutionsStored: solutions,
      postgresCpuSeconds: Number(postgresCpuSeconds.toFixed(2)),
      normQdScore: done.qdScore / done.cells,
      coverage: done.numElites / done.cells,
      ...(done.islandCount ? { islands: done.islandCount, migrations: done.migrations, migrantsAccepted: done.migrantsAccepted } : {}),
      jobCosts: jobCosts(procs.map((p) => p.output()), exp.id),
    };
  } finally {
    await stack.stop();
  }
}

const reference = pyribs();
log(`pyribs: ${reference ? `${reference.evalsPerSec} evals/s` : "null"}`);
const local = inProcess();
log(`in-process: ${local.evalsPerSec} evals/s`);
const runs = [];
for (const w of values.workers!.split(",").map(Number)) {
  const r = await distributed(w);
  log(`${w} worker(s): ${r.evalsPerSec} evals/s`);
  runs.push({
    ...r,
    perJobOverheadMs: Number((((r.seconds - local.seconds / w) * 1000) / r.jobs).toFixed(2)),
    vsPyribs: reference ? Number((r.evalsPerSec / reference.evalsPerSec).toFixed(3)) : null,
    normQdScoreVsInProcess: Number((r.normQdScore / local.normQdScore - 1).toFixed(4)),
  });
}
const loadAverage = os.loadavg().map((x) => Number(x.toFixed(2)));
console.log(JSON.stringify({ bench: "pipeline", domain: "sphere-100", emitter: "iso-line", budget, islands: config.islands?.count ?? 0, loadAverage, pyribs: reference, inProcess: local, distributed: runs }, null, 2));
