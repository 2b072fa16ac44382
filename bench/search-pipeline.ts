/**
 * NSLC (proximity archive), DDS (density archive) or DMS (discount archive) through the distributed pipeline
 * (queue + workers + PostgreSQL: CMA-ME chains, the search archive kept by each worker and stored as deltas
 * plus snapshots, or whole for the discount model) next to the in-process
 * engine on the same budget and seed. Prints one JSON object.
 *
 *   npx tsx bench/search-pipeline.ts [--archive proximity|density|discount] [--dim 10] [--count 5] [--batch 36]
 *     [--evaluations 36000] [--workers 1,2] [--seed 1]
 */
import { parseArgs } from "node:util";
import { createAlgorithm, runAlgorithm, getDomain, type AlgorithmConfig } from "@/lib/qd";
import { ExperimentConfig, jobPlan } from "@/lib/experiments/config";
import { createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { loadSearchState } from "@/lib/experiments/search-state";
import { BANDWIDTH_FRACTION } from "@/lib/registry/archives/density";
import { NOVELTY_THRESHOLD_FRACTION } from "@/lib/registry/archives/proximity";
import { createTestStack, waitFor } from "@/tests/helpers/stack";

const { values } = parseArgs({
  options: {
    archive: { type: "string", default: "proximity" },
    dim: { type: "string", default: "10" },
    count: { type: "string", default: "5" },
    batch: { type: "string", default: "36" },
    evaluations: { type: "string", default: "36000" },
    workers: { type: "string", default: "1,2" },
    seed: { type: "string", default: "1" },
  },
});
const budget = Number(values.evaluations);
const count = Number(values.count);
const batchSize = Number(values.batch);
const seed = Number(values.seed);
const proximity = values.archive === "proximity";
const discount = values.archive === "discount";
const log = (s: string) => process.stderr.write(`[bench:search-pipeline] ${s}\n`);
const domain = { type: "sphere" as const, dim: Number(values.dim) };
// pyribs sphere.py: NSLC (ranker nslc, filter, no_improvement, σ0 0.5); DDS (ranker density, mu, basic, σ0 1.5);
// DMS (ranker imp, mu, basic, σ0 0.5).
const emitter = proximity
  ? { type: "cma-me" as const, count, sigma0: 0.5, ranker: "nslc" as const, selectionRule: "filter" as const, restartRule: "no_improvement" as const }
  : discount
    ? { type: "cma-me" as const, count, sigma0: 0.5, ranker: "imp" as const, selectionRule: "mu" as const, restartRule: "basic" as const }
    : { type: "cma-me" as const, count, sigma0: 1.5, ranker: "density" as const, selectionRule: "mu" as const, restartRule: "basic" as const };
const config = ExperimentConfig.parse({
  name: `bench sphere-${values.dim} ${proximity ? "nslc" : discount ? "dms" : "dds"}`,
  domain,
  archive: proximity ? { type: "proximity", localCompetition: true } : discount ? { type: "discount" } : { type: "density", method: "kde" },
  emitter,
  batchSize,
  budget: { evaluations: budget },
  seed,
});

function inProcess() {
  const width = Math.max(...getDomain(domain).descriptors.map((d) => d.max - d.min));
  const archive: AlgorithmConfig["archive"] = proximity
    ? { type: "proximity", kNeighbors: 15, noveltyThreshold: NOVELTY_THRESHOLD_FRACTION * width, localCompetition: true }
    : discount
      ? { type: "discount" }
      : { type: "density", method: "kde", bandwidth: BANDWIDTH_FRACTION * width, bufferSize: 10_000 };
  const alg = createAlgorithm({ domain, archive, emitter: { ...emitter, batchSize }, seed });
  const m = runAlgorithm(alg, Math.ceil(budget / (count * batchSize)));
  return { evaluations: m.evaluations, seconds: Number(m.seconds.toFixed(3)), evalsPerSec: Math.round(m.evalsPerSec), normQdScore: m.normQdScore, coverage: m.coverage };
}

/** Per-job milliseconds by phase (load, refresh, generate, commit, queue), from the workers' `job costs` lines (QD_JOB_COSTS=1). */
function perJobMs(outputs: string[], experimentId: string) {
  let jobs = 0;
  const ms: Record<string, number> = {};
  for (const out of outputs) {
    for (const m of out.matchAll(/job costs (\{.*\})/g)) {
      const c = JSON.parse(m[1]!) as { experimentId: string; jobs: number; ms: Record<string, number> };
      if (c.experimentId !== experimentId) continue;
      jobs += c.jobs;
      for (const [k, v] of Object.entries(c.ms)) ms[k] = (ms[k] ?? 0) + v;
    }
  }
  return Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Number((v / Math.max(1, jobs)).toFixed(1))]));
}

async function distributed(workers: number) {
  const stack = await createTestStack();
  try {
    const procs = Array.from({ length: workers }, () => stack.startWorker({ QD_JOB_COSTS: "1" }));
    await waitFor(async () => procs.every((p) => p.output().includes("ready")), 180_000, "workers ready");
    const exp = await createExperiment(stack.prisma, config);
    const t0 = performance.now();
    await startExperiment(stack.prisma, stack.queues, exp.id);
    const done = await waitFor(async () => {
      const e = await stack.prisma.experiment.findUnique({ where: { id: exp.id } });
      return e && ["completed", "failed"].includes(e.status) ? e : null;
    }, 60 * 60_000, "completion");
    const seconds = (performance.now() - t0) / 1000;
    if (done.status !== "completed") throw new Error(`run ${done.status}: ${done.statusReason}`);
    const [row] = await stack.prisma.$queryRawUnsafe<{ revision: number; snap: number; written: number; snapshotBytes: number; deltaRows: number }[]>(
      `SELECT revision, "snapshotRevision" AS snap, "bytesWritten"::float8 AS written, length(state)::int AS "snapshotBytes",
              (SELECT count(*)::int FROM "SearchArchiveDelta" d WHERE d."experimentId" = s."experimentId") AS "deltaRows"
       FROM "SearchArchive" s WHERE "experimentId" = $1::uuid`,
      exp.id,
    );
    const state = await loadSearchState(stack.prisma, exp.id, config, seed);
    // Workers print their cost lines at completion or shutdown.
    await Promise.all(procs.map((p) => p.stop()));
    return {
      workers,
      perJobMs: perJobMs(procs.map((p) => p.output()), exp.id),
      evaluations: done.evaluations,
      seconds: Number(seconds.toFixed(3)),
      evalsPerSec: Math.round(done.evaluations / seconds),
      jobs: jobPlan(config).totalJobs,
      evaluationsPerJob: jobPlan(config).perJob,
      searchRevision: row?.revision,
      /** The whole state at the end (what every commit wrote before deltas). */
      searchStateBytes: state?.state.length,
      /** Deltas and snapshots written, per commit (mean). */
      searchBytesPerCommit: row ? Math.round(row.written / row.revision) : undefined,
      snapshotRevision: row?.snap,
      deltaRowsKept: row?.deltaRows,
      normQdScore: done.qdScore / done.cells,
      coverage: done.numElites / done.cells,
    };
  } finally {
    await stack.stop();
  }
}

const local = inProcess();
log(`in-process: ${local.evalsPerSec} evals/s, normQD ${local.normQdScore.toFixed(2)}`);
const runs = [];
for (const w of values.workers!.split(",").map(Number)) {
  const r = await distributed(w);
  log(`${w} worker(s): ${r.evalsPerSec} evals/s, normQD ${r.normQdScore.toFixed(2)}, ${r.searchBytesPerCommit} search bytes per commit (state ${r.searchStateBytes})`);
  runs.push(r);
}
console.log(JSON.stringify({ bench: "search-pipeline", domain: `sphere-${values.dim}`, archive: values.archive, emitter: `cma-me ${count}×${batchSize} ranker ${emitter.ranker}`, budget, inProcess: local, distributed: runs }, null, 2));
