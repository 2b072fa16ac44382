/**
 * Engine throughput bench: `npx tsx bench/engine.ts [--quick] [--only case,...] [--python PY | --no-pyribs]`.
 * Prints ONE JSON object on stdout (progress on stderr). Also exports
 * runEngineBench() for an aggregator. Cases: sphere100Gaussian,
 * sphere100IsoLine, sphere100IsoLine2Threads, sphere100CmaMae, arm12IsoLine,
 * archiveInsert, and pyribs sphere.py rows of the gradient family
 * (sphere100CmaMega, sphere100OmgMega: gradient phase included) and the
 * bandit family (sphere100MeMapElites) (headline fields of skipped cases
 * are null).
 *
 * The family rows (gradient: sphere100CmaMega, sphere100OmgMega; bandit:
 * sphere100MeMapElites; novelty: sphere100Nslc; density: sphere100Dds;
 * discount: sphere100Dms) also run pyribs' own row for the same iterations
 * in the same run (bench/pyribs_sphere.py, interpreter from --python or
 * QD_PYRIBS_PYTHON, default python3; one BLAS thread, glibc malloc tuned)
 * and report `pyribs` (null when `import ribs` or the row fails, e.g. dms
 * without torch) and `speedup` = pyribs CPU-s per iteration / ours.
 *
 * sphere100CmaMae is pyribs' sphere.py `cma_mae` configuration. Reference on
 * the 2-core dev machine (load average 5-13 from other sessions; 300
 * iterations, interleaved, medians of 8 rounds): pyribs 10.2k evals/s
 * (18.2k per CPU-second), this engine 18.0k (35.2k per CPU-second); before
 * the WebAssembly kernels 4.6k (8.9k).
 */
import { spawnSync } from "node:child_process";
import { createAlgorithm, runAlgorithm, type AlgorithmConfig } from "../lib/qd/algorithm";
import { GridArchive } from "../lib/qd/archive/grid";
import { runParallel } from "../lib/qd/parallel/runner";
import { SPHERE_REFERENCE } from "../lib/qd/reproduce";
import { Rng } from "../lib/qd/rng";
import os from "node:os";

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
  sphere100GaussianEvalsPerSec: number | null;
  sphere100IsoLineEvalsPerSec: number | null;
  /** Same iso-line run with 2 threads in one process (worker_threads). */
  sphere100IsoLine2ThreadsEvalsPerSec: number | null;
  /** pyribs sphere.py `cma_mae`: 15 emitters × 36, σ0 0.5, α 0.01, ranker imp, basic restarts. */
  sphere100CmaMaeEvalsPerSec: number | null;
  arm12IsoLineEvalsPerSec: number | null;
  archiveInsertsPerSec: number | null;
  /** pyribs `cma_mega`: 15 gradient-arborescence emitters × (1 + 35). */
  sphere100CmaMegaEvalsPerSec: number | null;
  /** pyribs `omg_mega`: gradient operator, 270 + 270. */
  sphere100OmgMegaEvalsPerSec: number | null;
  /** pyribs `me_map_elites`: bandit scheduler, 15 of 60 emitters × 36. */
  sphere100MeMapElitesEvalsPerSec: number | null;
  /** pyribs sphere.py `nslc` (proximity archive, local competition, NSLC ranker). */
  sphere100NslcEvalsPerSec: number | null;
  /** pyribs sphere.py `dds` (density archive, KDE over 10,000 buffered measures). */
  sphere100DdsEvalsPerSec: number | null;
  /** pyribs sphere.py `dms` (discount archive, 2×128 MLP trained every iteration). */
  sphere100DmsEvalsPerSec: number | null;
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

const FAMILY_CASES = ["sphere100CmaMega", "sphere100OmgMega", "sphere100MeMapElites", "sphere100Nslc", "sphere100Dds", "sphere100Dms"] as const;

/** pyribs' own row on the same budget (bench/pyribs_sphere.py). */
export interface PyribsReference {
  iterations: number;
  seconds: number;
  cpuSeconds: number;
  secondsPerIteration: number;
  cpuSecondsPerIteration: number;
  normQdScore: number;
  coverage: number;
}

export interface FamilyCase extends EngineBenchCase {
  row: string;
  iterations: number;
  cpuSeconds: number;
  cpuEvalsPerSec: number;
  secondsPerIteration: number;
  cpuSecondsPerIteration: number;
  /** Load average (1 min) when the case started: the machine is shared. */
  loadAverage: number;
  pyribs: PyribsReference | null;
  /** pyribs CPU-s per iteration / ours (> 1: ours is faster); null without pyribs. */
  speedup: number | null;
}

function runPyribs(python: string, row: string, iterations: number, warmup: number): PyribsReference | null {
  const script = new URL("./pyribs_sphere.py", import.meta.url).pathname;
  // One BLAS thread (the engine is one thread too); malloc tuned as in bench/pipeline.ts.
  const env = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1", MALLOC_MMAP_THRESHOLD_: "33554432", MALLOC_TRIM_THRESHOLD_: "1073741824", MALLOC_TOP_PAD_: "268435456" };
  const r = spawnSync(python, [script, "--row", row, "--iterations", String(iterations), "--warmup", String(warmup), "--seed", "1"], { env, encoding: "utf8" });
  if (r.status !== 0) {
    process.stderr.write(`pyribs ${row}: not run (${(r.stderr || r.error?.message || "").trim().split("\n").pop()})\n`);
    return null;
  }
  const j = JSON.parse(r.stdout.trim().split("\n").pop()!) as PyribsReference;
  process.stderr.write(`pyribs ${row}: ${j.iterations} iterations in ${j.seconds.toFixed(2)} s (${j.cpuSeconds.toFixed(2)} CPU-s)\n`);
  return { iterations: j.iterations, seconds: j.seconds, cpuSeconds: j.cpuSeconds, secondsPerIteration: j.secondsPerIteration, cpuSecondsPerIteration: j.cpuSecondsPerIteration, normQdScore: j.normQdScore, coverage: j.coverage };
}

/**
 * One pyribs sphere.py row (lib/qd/reproduce.ts) for `iterations`, then
 * pyribs' own on the same budget (unless python is null); CPU seconds stay
 * meaningful when the machine is shared.
 */
function familyCase(row: string, iterations: number, warmup: number, python: string | null): FamilyCase {
  const ref = SPHERE_REFERENCE.find((r) => r.name === row);
  if (!ref) throw new Error(`no reference row ${row}`);
  const loadAverage = os.loadavg()[0];
  runAlgorithm(createAlgorithm(ref.config(1)), warmup);
  const alg = createAlgorithm(ref.config(1));
  const c0 = process.cpuUsage();
  const m = runAlgorithm(alg, iterations);
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.stderr.write(`sphere-100 ${row}: ${m.evaluations} evals in ${m.seconds.toFixed(2)} s (${cpuSeconds.toFixed(2)} CPU-s) = ${Math.round(m.evalsPerSec)} evals/s (load ${loadAverage.toFixed(1)})\n`);
  const pyribs = python === null ? null : runPyribs(python, row, iterations, warmup);
  const cpuSecondsPerIteration = cpuSeconds / iterations;
  return {
    name: `sphere-100 ${row} (${ref.label})`,
    row,
    iterations,
    evaluations: m.evaluations,
    seconds: m.seconds,
    evalsPerSec: m.evalsPerSec,
    normQdScore: m.normQdScore,
    coverage: m.coverage,
    cpuSeconds,
    cpuEvalsPerSec: m.evaluations / cpuSeconds,
    secondsPerIteration: m.seconds / iterations,
    cpuSecondsPerIteration,
    loadAverage,
    pyribs,
    speedup: pyribs ? pyribs.cpuSecondsPerIteration / cpuSecondsPerIteration : null,
  };
}

async function parallelCase(name: string, config: AlgorithmConfig, iterations: number, threads: number): Promise<EngineBenchCase> {
  await runParallel(config, 100, threads);
  const { metrics: m } = await runParallel(config, iterations, threads);
  process.stderr.write(`${name}: ${m.evaluations} evals in ${m.seconds.toFixed(2)} s = ${Math.round(m.evalsPerSec)} evals/s\n`);
  return { name, evaluations: m.evaluations, seconds: m.seconds, evalsPerSec: m.evalsPerSec, normQdScore: m.normQdScore, coverage: m.coverage };
}

export const ENGINE_CASES = ["sphere100Gaussian", "sphere100IsoLine", "sphere100IsoLine2Threads", "sphere100CmaMae", "arm12IsoLine", "archiveInsert", ...FAMILY_CASES] as const;
export type EngineCaseName = (typeof ENGINE_CASES)[number];

export async function runEngineBench(opts: { quick?: boolean; only?: readonly EngineCaseName[]; python?: string | null } = {}): Promise<EngineBenchResult> {
  const python = opts.python === undefined ? (process.env.QD_PYRIBS_PYTHON ?? "python3") : opts.python;
  const q = opts.quick ? 0.1 : 1;
  const it = (n: number) => Math.max(10, Math.round(n * q));
  const want = (c: EngineCaseName) => !opts.only || opts.only.length === 0 || opts.only.includes(c);
  const sphere = { type: "sphere" as const, dim: 100 };
  const grid = { type: "grid" as const };
  const cases: Partial<Record<EngineCaseName, EngineBenchCase>> = {};
  if (want("sphere100Gaussian")) cases.sphere100Gaussian = algCase("sphere-100 gaussian σ=0.5 (1×540)", { domain: sphere, archive: grid, emitter: { type: "gaussian", sigma: 0.5, batchSize: 540 }, seed: 1 }, it(4000), 200);
  if (want("sphere100IsoLine")) cases.sphere100IsoLine = algCase("sphere-100 iso-line 0.5/0.2 (1×540)", { domain: sphere, archive: grid, emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2, batchSize: 540 }, seed: 1 }, it(4000), 200);
  if (want("sphere100IsoLine2Threads")) cases.sphere100IsoLine2Threads = await parallelCase("sphere-100 iso-line 0.5/0.2 (1×540), 2 threads", { domain: sphere, archive: grid, emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2, batchSize: 540 }, seed: 1 }, it(4000), 2);
  if (want("sphere100CmaMae")) cases.sphere100CmaMae = algCase("sphere-100 CMA-MAE (15×36)", { domain: sphere, archive: grid, emitter: { type: "cma-mae", sigma0: 0.5, batchSize: 36, count: 15, learningRate: 0.01, thresholdMin: 0, ranker: "imp", selectionRule: "mu", restartRule: "basic" }, seed: 1 }, it(400), 20);
  if (want("arm12IsoLine")) cases.arm12IsoLine = algCase("arm-12 iso-line 0.01/0.2 (1×540)", { domain: { type: "arm", joints: 12 }, archive: grid, emitter: { type: "iso-line", isoSigma: 0.01, lineSigma: 0.2, batchSize: 540 }, seed: 1 }, it(4000), 200);
  if (want("archiveInsert")) cases.archiveInsert = insertCase(Math.round(2_000_000 * q));
  // One pyribs sphere.py row per family, first iterations of a run, pyribs alongside
  // (its per-iteration cost is high: the budgets stay small).
  if (want("sphere100CmaMega")) cases.sphere100CmaMega = familyCase("cma_mega", it(150), 20, python);
  if (want("sphere100OmgMega")) cases.sphere100OmgMega = familyCase("omg_mega", it(300), 20, python);
  if (want("sphere100MeMapElites")) cases.sphere100MeMapElites = familyCase("me_map_elites", it(150), 20, python);
  if (want("sphere100Nslc")) cases.sphere100Nslc = familyCase("nslc", it(100), 20, python);
  if (want("sphere100Dds")) cases.sphere100Dds = familyCase("dds", it(100), 20, python);
  if (want("sphere100Dms")) cases.sphere100Dms = familyCase("dms", it(100), 10, python);
  const eps = (c: EngineCaseName) => cases[c]?.evalsPerSec ?? null;
  return {
    node: process.version,
    cases: cases as Record<string, EngineBenchCase>,
    sphere100GaussianEvalsPerSec: eps("sphere100Gaussian"),
    sphere100IsoLineEvalsPerSec: eps("sphere100IsoLine"),
    sphere100IsoLine2ThreadsEvalsPerSec: eps("sphere100IsoLine2Threads"),
    sphere100CmaMaeEvalsPerSec: eps("sphere100CmaMae"),
    arm12IsoLineEvalsPerSec: eps("arm12IsoLine"),
    archiveInsertsPerSec: eps("archiveInsert"),
    sphere100CmaMegaEvalsPerSec: eps("sphere100CmaMega"),
    sphere100OmgMegaEvalsPerSec: eps("sphere100OmgMega"),
    sphere100MeMapElitesEvalsPerSec: eps("sphere100MeMapElites"),
    sphere100NslcEvalsPerSec: eps("sphere100Nslc"),
    sphere100DdsEvalsPerSec: eps("sphere100Dds"),
    sphere100DmsEvalsPerSec: eps("sphere100Dms"),
  };
}

function parseOnly(argv: string[]): EngineCaseName[] {
  const i = argv.indexOf("--only");
  if (i < 0) return [];
  const names = (argv[i + 1] ?? "").split(",").filter(Boolean);
  for (const n of names) if (!(ENGINE_CASES as readonly string[]).includes(n)) throw new Error(`unknown case "${n}"; cases: ${ENGINE_CASES.join(", ")}`);
  return names as EngineCaseName[];
}

const isEntry = process.argv[1] !== undefined && /bench[\\/]engine\.ts$/.test(process.argv[1]);
if (isEntry) {
  const pi = process.argv.indexOf("--python");
  const python = process.argv.includes("--no-pyribs") ? null : pi >= 0 ? process.argv[pi + 1] : undefined;
  const result = await runEngineBench({ quick: process.argv.includes("--quick"), only: parseOnly(process.argv), python });
  process.stdout.write(JSON.stringify(result) + "\n");
}
