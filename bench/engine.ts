/**
 * Engine throughput bench: `npx tsx bench/engine.ts [--quick]`.
 * Prints ONE JSON object on stdout (progress on stderr). Also exports
 * runEngineBench() for an aggregator.
 */
import { createAlgorithm, runAlgorithm, type AlgorithmConfig } from "../lib/qd/algorithm";
import { GridArchive } from "../lib/qd/archive/grid";
import { runParallel } from "../lib/qd/parallel/runner";
import { Rng } from "../lib/qd/rng";

export interface EngineBenchCase {
  name: string;
  evaluations: number;
  seconds: number;
  evalsPerSec: number;
  normQdScore?: number;
  coverage?: number;
}

export interface EngineBenchResult {
  node: string;
  cases: Record<string, EngineBenchCase>;
  /** Headline numbers, evaluations (or inserts) per second. */
  sphere100GaussianEvalsPerSec: number;
  sphere100IsoLineEvalsPerSec: number;
  /** Same iso-line run with 2 threads in one process (worker_threads). */
  sphere100IsoLine2ThreadsEvalsPerSec: number;
  sphere100CmaMaeEvalsPerSec: number;
  arm12IsoLineEvalsPerSec: number;
  archiveInsertsPerSec: number;
}

function algCase(name: string, config: AlgorithmConfig, iterations: number, warmup: number): EngineBenchCase {
  // Warm the JIT on a throwaway run so the timed run measures steady state.
  runAlgorithm(createAlgorithm(config), warmup);
  const alg = createAlgorithm(config);
  const m = runAlgorithm(alg, iterations);
  const c = { name, evaluations: m.evaluations, seconds: m.seconds, evalsPerSec: m.evalsPerSec, normQdScore: m.normQdScore, coverage: m.coverage };
  process.stderr.write(`${name}: ${m.evaluations} evals in ${m.seconds.toFixed(2)} s = ${Math.round(m.evalsPerSec)} evals/s\n`);
  return c;
}

/** Batch insertion alone: 100-D solutions, 540 per batch, random measures over the LP-sphere box. */
function insertCase(total: number): EngineBenchCase {
  const dim = 100;
  const batch = 540;
  const pool = 64;
  const rng = new Rng(1);
  const sols = new Float64Array(pool * batch * dim);
  rng.fillNormal(sols);
  const obj = Float64Array.from({ length: pool * batch }, () => 100 * rng.random());
  const meas = Float64Array.from({ length: pool * batch * 2 }, () => rng.uniform(-300, 300));
  const mk = () => new GridArchive({ solutionDim: dim, dims: [100, 100], ranges: [[-256, 256], [-256, 256]] });
  const o = new Float64Array(batch);
  const run = (a: GridArchive, batches: number) => {
    for (let b = 0; b < batches; b++) {
      const p = b % pool;
      // Drift objectives upward so inserts keep improving cells (worst case: copies).
      for (let i = 0; i < batch; i++) o[i] = obj[p * batch + i] + b * 0.01;
      a.add(sols.subarray(p * batch * dim, (p + 1) * batch * dim), o, meas.subarray(p * batch * 2, (p + 1) * batch * 2), batch);
    }
  };
  run(mk(), 200);
  const batches = Math.ceil(total / batch);
  const a = mk();
  const t0 = performance.now();
  run(a, batches);
  const seconds = (performance.now() - t0) / 1000;
  const n = batches * batch;
  process.stderr.write(`archive insert: ${n} inserts in ${seconds.toFixed(2)} s = ${Math.round(n / seconds)} inserts/s\n`);
  return { name: "archive-insert", evaluations: n, seconds, evalsPerSec: n / seconds };
}

async function parallelCase(name: string, config: AlgorithmConfig, iterations: number, threads: number): Promise<EngineBenchCase> {
  await runParallel(config, 100, threads);
  const { metrics: m } = await runParallel(config, iterations, threads);
  process.stderr.write(`${name}: ${m.evaluations} evals in ${m.seconds.toFixed(2)} s = ${Math.round(m.evalsPerSec)} evals/s\n`);
  return { name, evaluations: m.evaluations, seconds: m.seconds, evalsPerSec: m.evalsPerSec, normQdScore: m.normQdScore, coverage: m.coverage };
}

export async function runEngineBench(opts: { quick?: boolean } = {}): Promise<EngineBenchResult> {
  const q = opts.quick ? 0.1 : 1;
  const it = (n: number) => Math.max(10, Math.round(n * q));
  const sphere = { type: "sphere" as const, dim: 100 };
  const grid = { type: "grid" as const };
  const cases: Record<string, EngineBenchCase> = {};
  cases.sphere100Gaussian = algCase("sphere-100 gaussian σ=0.5 (1×540)", { domain: sphere, archive: grid, emitter: { type: "gaussian", sigma: 0.5, batchSize: 540 }, seed: 1 }, it(4000), 200);
  cases.sphere100IsoLine = algCase("sphere-100 iso-line 0.5/0.2 (1×540)", { domain: sphere, archive: grid, emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2, batchSize: 540 }, seed: 1 }, it(4000), 200);
  cases.sphere100IsoLine2Threads = await parallelCase("sphere-100 iso-line 0.5/0.2 (1×540), 2 threads", { domain: sphere, archive: grid, emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2, batchSize: 540 }, seed: 1 }, it(4000), 2);
  cases.sphere100CmaMae = algCase("sphere-100 CMA-MAE (15×36)", { domain: sphere, archive: grid, emitter: { type: "cma-mae", sigma0: 0.5, batchSize: 36, count: 15, learningRate: 0.01, thresholdMin: 0 }, seed: 1 }, it(400), 20);
  cases.arm12IsoLine = algCase("arm-12 iso-line 0.01/0.2 (1×540)", { domain: { type: "arm", joints: 12 }, archive: grid, emitter: { type: "iso-line", isoSigma: 0.01, lineSigma: 0.2, batchSize: 540 }, seed: 1 }, it(4000), 200);
  cases.archiveInsert = insertCase(Math.round(2_000_000 * q));
  return {
    node: process.version,
    cases,
    sphere100GaussianEvalsPerSec: cases.sphere100Gaussian.evalsPerSec,
    sphere100IsoLineEvalsPerSec: cases.sphere100IsoLine.evalsPerSec,
    sphere100IsoLine2ThreadsEvalsPerSec: cases.sphere100IsoLine2Threads.evalsPerSec,
    sphere100CmaMaeEvalsPerSec: cases.sphere100CmaMae.evalsPerSec,
    arm12IsoLineEvalsPerSec: cases.arm12IsoLine.evalsPerSec,
    archiveInsertsPerSec: cases.archiveInsert.evalsPerSec,
  };
}

const isEntry = process.argv[1] !== undefined && /bench[\\/]engine\.ts$/.test(process.argv[1]);
if (isEntry) {
  const result = await runEngineBench({ quick: process.argv.includes("--quick") });
  process.stdout.write(JSON.stringify(result) + "\n");
}
