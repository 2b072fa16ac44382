/**
 * qd-studio CLI: `run` one in-process experiment, or `reproduce sphere` to
 * compare the engine with pyribs' published sphere results.
 * Progress goes to stderr; results (or one JSON object with --json) to stdout.
 */
import { parseArgs } from "node:util";
import { createAlgorithm, runAlgorithm, type AlgorithmConfig, type ArchiveSpec, type EmitterSpec, type RunMetrics } from "./algorithm";
import type { DomainSpec } from "./domains/types";
import type { RestartRule, SelectionRule } from "./emitters/evolution-strategy";
import { GRADIENT_OPTS, type GradientOptName } from "./emitters/gradient-optimizers";
import { RANKERS, type RankerName } from "./emitters/rankers";
import { SPHERE_REFERENCE } from "./reproduce";
import { SEARCH_ARCHIVE_TYPES } from "./search-algorithm";

class UsageError extends Error {}

const USAGE = `Usage:
  qd-studio run [options]
    --domain sphere|rastrigin|arm   (default sphere)
    --dim N                         solution dimension for sphere/rastrigin (default 100)
    --joints N                      arm joints (default 12)
    --emitter gaussian|iso-line|cma-me|cma-mae|gradient-operator|gradient-arborescence   (default iso-line)
    --sigma S                       gaussian σ (default 0.5)
    --iso-sigma S --line-sigma S    iso-line σs (defaults 0.01, 0.2)
    --sigma0 S                      CMA initial step size (default 0.5)
    --batch N                       evaluations per iteration, all emitters (default 540)
    --emitters N                    number of emitters (default 1; 15 for cma-*)
    --learning-rate A --threshold-min T   CMA-MAE archive (defaults 0.01, domain minimum);
                                    with gradient-arborescence: CMA-MAEGA (default: elitist CMA-MEGA)
    --ranker R --selection-rule mu|filter --restart-rule basic|no_improvement|N
                                    CMA-ME / CMA-MAE / CMA-MEGA variants (cma-me defaults 2imp, filter,
                                    no_improvement; rankers: imp 2imp obj 2obj rd 2rd nov nslc density)
    --sigma-g S                     gradient-operator: step (OG) or coefficient σ (OMG) (default 0.5)
    --measure-gradients             gradient-operator: OMG-MEGA (also step along measure gradients)
    --normalize-grad true|false     unit-length gradients (defaults: false operator, true arborescence)
    --lr L --grad-opt gradient_ascent|adam   gradient-arborescence θ optimizer (defaults 1, gradient_ascent)
                                    DQD emitters need a domain with gradients (sphere); per emitter,
                                    gradient-operator spends half its batch on the gradient phase,
                                    gradient-arborescence one solution
    --scheduler default|bandit --active N   bandit: UCB1 picks N of the --emitters each iteration
    --archive grid|cvt              (default grid) --cells N (cvt, default 10000) --samples N (cvt, default 100000)
    --bins N                        grid bins per descriptor (default 100)
    --archive proximity|density|discount   search archives (cma-me emitter; metrics from a grid result archive):
      proximity: --k-neighbors N (15) --novelty-threshold D (required) [--local-competition]
      density:   --bandwidth H (required) --buffer-size N (10000) --density-method kde|kde_sklearn --reservoir uniform|pyribs
      discount:  --learning-rate A (0.1) --threshold-min T (domain minimum)
    --iterations N                  (default 1000)   --seed N (default 1)   --json
    --threads N                     worker threads for gaussian/iso-line (default 1)
  qd-studio reproduce sphere [--iterations N] [--seed N] [--only name,...] [--json]
  qd-studio import openevolve config.yaml [--program initial_program.py] [--evaluator evaluator.py] [--name NAME] [--post URL] [--token T]
                                  the equivalent experiment (JSON), or POST it to a QD Studio server
`;

function num(v: string | undefined, name: string, def: number, opts: { int?: boolean; min?: number } = {}): number {
  if (v === undefined) return def;
  const x = Number(v);
  if (v.trim() === "" || !Number.isFinite(x)) throw new UsageError(`--${name} must be a number, got "${v}"`);
  if (opts.int && !Number.isInteger(x)) throw new UsageError(`--${name} must be an integer, got "${v}"`);
  if (opts.min !== undefined && x < opts.min) throw new UsageError(`--${name} must be >= ${opts.min}, got ${v}`);
  return x;
}

function oneOf<T extends string>(v: string | undefined, name: string, allowed: readonly T[], def: T): T {
  if (v === undefined) return def;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(", ")}; got "${v}"`);
  return v as T;
}

function bool(v: string | undefined, name: string, def: boolean): boolean {
  if (v === undefined) return def;
  if (v !== "true" && v !== "false") throw new UsageError(`--${name} must be true or false, got "${v}"`);
  return v === "true";
}

function restartRule(v: string | undefined, def: RestartRule): RestartRule {
  if (v === undefined) return def;
  if (v === "basic" || v === "no_improvement") return v;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--restart-rule must be basic, no_improvement or a positive integer, got "${v}"`);
  return n;
}

const RUN_OPTIONS = {
  domain: { type: "string" },
  dim: { type: "string" },
  joints: { type: "string" },
  emitter: { type: "string" },
  sigma: { type: "string" },
  "iso-sigma": { type: "string" },
  "line-sigma": { type: "string" },
  sigma0: { type: "string" },
  batch: { type: "string" },
  emitters: { type: "string" },
  "learning-rate": { type: "string" },
  "threshold-min": { type: "string" },
  archive: { type: "string" },
  cells: { type: "string" },
  samples: { type: "string" },
  bins: { type: "string" },
  iterations: { type: "string" },
  seed: { type: "string" },
  "progress-every": { type: "string" },
  threads: { type: "string" },
  ranker: { type: "string" },
  "selection-rule": { type: "string" },
  "restart-rule": { type: "string" },
  "sigma-g": { type: "string" },
  "measure-gradients": { type: "boolean" },
  "normalize-grad": { type: "string" },
  lr: { type: "string" },
  "grad-opt": { type: "string" },
  scheduler: { type: "string" },
  active: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  "k-neighbors": { type: "string" },
  "novelty-threshold": { type: "string" },
  "local-competition": { type: "boolean" },
  bandwidth: { type: "string" },
  "buffer-size": { type: "string" },
  "density-method": { type: "string" },
  "reservoir": { type: "string" },
} as const;

export function parseRunConfig(argv: string[]): { config: AlgorithmConfig; iterations: number; json: boolean; progressEvery: number; threads: number } {
  const { values: v } = parseArgs({ args: argv, options: RUN_OPTIONS, strict: true, allowPositionals: false });
  const domainType = oneOf(v.domain, "domain", ["sphere", "rastrigin", "arm"] as const, "sphere");
  const domain: DomainSpec =
    domainType === "arm" ? { type: "arm", joints: num(v.joints, "joints", 12, { int: true, min: 1 }) } : { type: domainType, dim: num(v.dim, "dim", 100, { int: true, min: 2 }) };
  const emitterType = oneOf(v.emitter, "emitter", ["gaussian", "iso-line", "cma-me", "cma-mae", "gradient-operator", "gradient-arborescence"] as const, "iso-line");
  const cma = emitterType === "cma-me" || emitterType === "cma-mae" || emitterType === "gradient-arborescence";
  const count = num(v.emitters, "emitters", cma ? 15 : 1, { int: true, min: 1 });
  const batch = num(v.batch, "batch", 540, { int: true, min: 1 });
  if (batch % count !== 0) throw new UsageError(`--batch ${batch} is not divisible by --emitters ${count}`);
  const per = batch / count;
  const esRules = (defaults: { ranker: RankerName; selection: SelectionRule; restart: RestartRule }) => ({
    ranker: oneOf(v.ranker, "ranker", RANKERS, defaults.ranker),
    selectionRule: oneOf(v["selection-rule"], "selection-rule", ["mu", "filter"] as const, defaults.selection),
    restartRule: restartRule(v["restart-rule"], defaults.restart),
  });
  let emitter: EmitterSpec;
  switch (emitterType) {
    case "gaussian":
      emitter = { type: "gaussian", sigma: num(v.sigma, "sigma", 0.5, { min: 0 }), batchSize: per, count };
      break;
    case "iso-line":
      emitter = { type: "iso-line", isoSigma: num(v["iso-sigma"], "iso-sigma", 0.01, { min: 0 }), lineSigma: num(v["line-sigma"], "line-sigma", 0.2, { min: 0 }), batchSize: per, count };
      break;
    case "cma-me":
      emitter = { type: "cma-me", sigma0: num(v.sigma0, "sigma0", 0.5, { min: 1e-12 }), batchSize: per, count, ...esRules({ ranker: "2imp", selection: "filter", restart: "no_improvement" }) };
      break;
    case "cma-mae": {
      const lr = num(v["learning-rate"], "learning-rate", 0.01, { min: 1e-12 });
      if (lr > 1) throw new UsageError("--learning-rate must be <= 1");
      emitter = {
        type: "cma-mae",
        sigma0: num(v.sigma0, "sigma0", 0.5, { min: 1e-12 }),
        batchSize: per,
        count,
        learningRate: lr,
        thresholdMin: v["threshold-min"] === undefined ? undefined : num(v["threshold-min"], "threshold-min", 0),
        ...esRules({ ranker: "imp", selection: "mu", restart: "basic" }),
      };
      break;
    }
    case "gradient-operator": {
      if (per % 2 !== 0 || per < 2) throw new UsageError(`gradient-operator spends half of each emitter's ${per} evaluations on the gradient phase: use an even number per emitter`);
      emitter = {
        type: "gradient-operator",
        sigma: num(v.sigma, "sigma", 0.5, { min: 0 }),
        sigmaG: num(v["sigma-g"], "sigma-g", 0.5, { min: 0 }),
        measureGradients: v["measure-gradients"] ?? false,
        normalizeGrad: bool(v["normalize-grad"], "normalize-grad", false),
        batchSize: per / 2,
        count,
      };
      break;
    }
    case "gradient-arborescence": {
      if (per < 2) throw new UsageError("gradient-arborescence needs at least 2 evaluations per emitter (one for the gradient phase)");
      const learning = v["learning-rate"] === undefined ? {} : { learningRate: num(v["learning-rate"], "learning-rate", 0.01, { min: 1e-12 }), thresholdMin: v["threshold-min"] === undefined ? undefined : num(v["threshold-min"], "threshold-min", 0) };
      if (learning.learningRate !== undefined && learning.learningRate > 1) throw new UsageError("--learning-rate must be <= 1");
      emitter = {
        type: "gradient-arborescence",
        sigma0: num(v.sigma0, "sigma0", 10, { min: 1e-12 }),
        lr: num(v.lr, "lr", 1, { min: 1e-12 }),
        gradOpt: oneOf(v["grad-opt"], "grad-opt", GRADIENT_OPTS, "gradient_ascent" as GradientOptName),
        normalizeGrad: bool(v["normalize-grad"], "normalize-grad", true),
        batchSize: per - 1,
        count,
        ...learning,
        ...esRules({ ranker: learning.learningRate === undefined ? "2imp" : "imp", selection: learning.learningRate === undefined ? "mu" : "filter", restart: learning.learningRate === undefined ? "no_improvement" : "basic" }),
      };
      break;
    }
  }
  const schedulerType = oneOf(v.scheduler, "scheduler", ["default", "bandit"] as const, "default");
  let scheduler: AlgorithmConfig["scheduler"];
  if (schedulerType === "bandit") {
    if (v.active === undefined) throw new UsageError("--scheduler bandit needs --active N (emitters run per iteration)");
    const active = num(v.active, "active", 1, { int: true, min: 1 });
    if (active > count) throw new UsageError(`--active ${active} exceeds --emitters ${count}`);
    if (emitterType.startsWith("gradient-")) throw new UsageError("the bandit scheduler does not run DQD emitters");
    scheduler = { type: "bandit", numActive: active };
  } else if (v.active !== undefined) {
    throw new UsageError("--active is for --scheduler bandit");
  }
  const archiveType = oneOf(v.archive, "archive", ["grid", "cvt", ...SEARCH_ARCHIVE_TYPES] as const, "grid");
  const search = searchArchiveSpec(archiveType, v, emitter);
  if (search && scheduler) throw new UsageError(`--archive ${archiveType} runs with the default scheduler`);
  const archive: ArchiveSpec = search ??
    (archiveType === "grid"
      ? v.bins === undefined ? { type: "grid" } : { type: "grid", bins: [num(v.bins, "bins", 100, { int: true, min: 1 }), num(v.bins, "bins", 100, { int: true, min: 1 })] }
      : { type: "cvt", cells: num(v.cells, "cells", 10_000, { int: true, min: 1 }), samples: num(v.samples, "samples", 100_000, { int: true, min: 1 }) });
  if (archive.type === "cvt" && (archive.samples ?? 0) < archive.cells) throw new UsageError("--samples must be >= --cells");
  const iterations = num(v.iterations, "iterations", 1000, { int: true, min: 1 });
  const seed = num(v.seed, "seed", 1, { int: true, min: 0 });
  const threads = num(v.threads, "threads", 1, { int: true, min: 1 });
  if (threads > 1 && (cma || emitterType === "gradient-operator" || scheduler)) throw new UsageError("--threads > 1 supports the gaussian and iso-line emitters only (default scheduler)");
  return {
    threads,
    config: { domain, archive, emitter, seed, ...(scheduler ? { scheduler } : {}) },
    iterations,
    json: v.json ?? false,
    progressEvery: num(v["progress-every"], "progress-every", Math.max(1, Math.floor(iterations / 10)), { int: true, min: 1 }),
  };
}

/** Proximity, density and discount archives from their flags (null for grid/CVT). */
function searchArchiveSpec(type: string, v: Record<string, string | boolean | undefined>, emitter: EmitterSpec): ArchiveSpec | null {
  const str = (k: string) => v[k] as string | undefined;
  if (type !== "proximity" && type !== "density" && type !== "discount") return null;
  if (emitter.type !== "cma-me") throw new UsageError(`--archive ${type} runs with --emitter cma-me`);
  if (type === "proximity") {
    if (str("novelty-threshold") === undefined) throw new UsageError("--archive proximity needs --novelty-threshold");
    return {
      type,
      kNeighbors: num(str("k-neighbors"), "k-neighbors", 15, { int: true, min: 1 }),
      noveltyThreshold: num(str("novelty-threshold"), "novelty-threshold", 0, { min: 0 }),
      localCompetition: v["local-competition"] === true,
    };
  }
  if (type === "density") {
    if (str("bandwidth") === undefined) throw new UsageError("--archive density needs --bandwidth");
    return {
      type,
      bandwidth: num(str("bandwidth"), "bandwidth", 1, { min: 1e-12 }),
      bufferSize: num(str("buffer-size"), "buffer-size", 10_000, { int: true, min: 1 }),
      method: oneOf(str("density-method"), "density-method", ["kde", "kde_sklearn"] as const, "kde"),
      reservoir: oneOf(str("reservoir"), "reservoir", ["uniform", "pyribs"] as const, "uniform"),
    };
  }
  const lr = num(str("learning-rate"), "learning-rate", 0.1, { min: 1e-12 });
  if (lr > 1) throw new UsageError("--learning-rate must be <= 1");
  return { type, learningRate: lr, thresholdMin: str("threshold-min") === undefined ? undefined : num(str("threshold-min"), "threshold-min", 0) };
}

function fmtProgress(m: RunMetrics, total: number): string {
  return `iter ${m.iterations}/${total}  evals ${m.evaluations}  cov ${(m.coverage * 100).toFixed(2)}%  normQD ${m.normQdScore.toFixed(3)}  max ${m.maxFitness.toFixed(3)}  ${Math.round(m.evalsPerSec)} evals/s`;
}

async function cmdRun(argv: string[]): Promise<void> {
  const { config, iterations, json, progressEvery, threads } = parseRunConfig(argv);
  const progress = (p: RunMetrics) => process.stderr.write(fmtProgress(p, iterations) + "\n");
  const m =
    threads > 1
      ? (await import("./parallel/runner")).runParallel(config, iterations, threads, progress, progressEvery).then((r) => r.metrics)
      : runAlgorithm(createAlgorithm(config), iterations, progress, progressEvery);
  await emitRun(await m, json);
}

function emitRun(m: RunMetrics, json: boolean): void {
  const out = {
    evaluations: m.evaluations,
    seconds: m.seconds,
    evalsPerSec: m.evalsPerSec,
    coverage: m.coverage,
    qdScore: m.qdScore,
    normQdScore: m.normQdScore,
    maxFitness: m.maxFitness,
    meanFitness: m.meanFitness,
  };
  if (json) {
    process.stdout.write(JSON.stringify(out) + "\n");
  } else {
    process.stdout.write(
      [
        `evaluations   ${out.evaluations}`,
        `seconds       ${out.seconds.toFixed(3)}`,
        `evals/s       ${Math.round(out.evalsPerSec)}`,
        `coverage      ${(out.coverage * 100).toFixed(2)}%`,
        `QD-score      ${out.qdScore.toFixed(3)}`,
        `norm QD-score ${out.normQdScore.toFixed(4)}`,
        `max fitness   ${out.maxFitness.toFixed(4)}`,
        `mean fitness  ${out.meanFitness.toFixed(4)}`,
      ].join("\n") + "\n",
    );
  }
}

function cmdReproduce(argv: string[]): number {
  const { values: v, positionals } = parseArgs({
    args: argv,
    options: { iterations: { type: "string" }, seed: { type: "string" }, only: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1 || positionals[0] !== "sphere") throw new UsageError("reproduce takes one benchmark name: sphere");
  const iterations = num(v.iterations, "iterations", 10_000, { int: true, min: 1 });
  const seed = num(v.seed, "seed", 1, { int: true, min: 0 });
  let runs = SPHERE_REFERENCE;
  if (v.only !== undefined) {
    const names = v.only.split(",").map((s) => s.trim());
    for (const n of names) if (!runs.some((r) => r.name === n)) throw new UsageError(`--only: unknown run "${n}" (use ${runs.map((r) => r.name).join(", ")})`);
    runs = runs.filter((r) => names.includes(r.name));
  }
  const full = iterations === 10_000;
  const rows = [];
  for (const ref of runs) {
    process.stderr.write(`[${ref.name}] ${ref.label}: ${iterations} iterations, seed ${seed}\n`);
    const t0 = performance.now();
    const alg = createAlgorithm(ref.config(seed));
    const setup = (performance.now() - t0) / 1000;
    const m = runAlgorithm(alg, iterations, (p) => process.stderr.write(`  ${fmtProgress(p, iterations)}\n`), Math.max(1, Math.floor(iterations / 10)));
    const rel = {
      normQdScore: (m.normQdScore - ref.published.normQdScore) / ref.published.normQdScore,
      coverage: (m.coverage - ref.published.coverage) / ref.published.coverage,
    };
    const pass = Math.abs(rel.normQdScore) <= ref.tolerance.normQdScore && Math.abs(rel.coverage) <= ref.tolerance.coverage;
    rows.push({
      name: ref.name,
      label: ref.label,
      ours: { normQdScore: m.normQdScore, coverage: m.coverage, evaluations: m.evaluations, seconds: m.seconds, setupSeconds: setup, evalsPerSec: m.evalsPerSec },
      published: ref.published,
      relDiff: rel,
      tolerance: ref.tolerance,
      pass,
    });
    process.stderr.write(`  done: normQD ${m.normQdScore.toFixed(3)} (published ${ref.published.normQdScore.toFixed(2)}), coverage ${(m.coverage * 100).toFixed(2)}% (published ${(ref.published.coverage * 100).toFixed(2)}%) in ${m.seconds.toFixed(1)} s\n`);
  }
  const allPass = rows.every((r) => r.pass);
  if (v.json) {
    process.stdout.write(JSON.stringify({ benchmark: "sphere", iterations, seed, fullBudget: full, rows, pass: allPass }) + "\n");
  } else {
    const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(2)}%`;
    const lines = [
      `LP sphere 100-D, ${iterations} iterations × 540 evaluations, seed ${seed}${full ? "" : " (reduced budget: published numbers are for 10,000 iterations)"}`,
      `${"algorithm".padEnd(42)} ${"normQD ours".padStart(11)} ${"published".padStart(9)} ${"diff".padStart(8)}   ${"coverage ours".padStart(13)} ${"published".padStart(9)} ${"diff".padStart(8)}  tol (QD/cov)  ok`,
    ];
    for (const r of rows) {
      lines.push(
        `${r.label.padEnd(42)} ${r.ours.normQdScore.toFixed(2).padStart(11)} ${r.published.normQdScore.toFixed(2).padStart(9)} ${pct(r.relDiff.normQdScore).padStart(8)}   ${(r.ours.coverage * 100).toFixed(2).padStart(12)}% ${(r.published.coverage * 100).toFixed(2).padStart(8)}% ${pct(r.relDiff.coverage).padStart(8)}  ${`${(r.tolerance.normQdScore * 100).toFixed(0)}%/${(r.tolerance.coverage * 100).toFixed(0)}%`.padStart(12)}  ${r.pass ? "yes" : "NO"}`,
      );
    }
    process.stdout.write(lines.join("\n") + "\n");
  }
  return full && !allPass ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined || cmd === "help" || cmd === "--help" || cmd === "-h") {
      process.stdout.write(USAGE);
      return cmd === undefined ? 2 : 0;
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (cmd === "run") {
      await cmdRun(rest);
      return 0;
    }
    if (cmd === "reproduce") return cmdReproduce(rest);
    if (cmd === "import") return (await import("../experiments/openevolve-cli")).cmdImport(rest);
    throw new UsageError(`unknown command "${cmd}" (use run, reproduce or import)`);
  } catch (err) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for bad flags.
    const code = (err as { code?: string }).code;
    if (err instanceof UsageError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))) {
      process.stderr.write(`qd-studio: ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof Error) {
      process.stderr.write(`qd-studio: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

const isEntry = process.argv[1] !== undefined && /cli\.ts$/.test(process.argv[1]);
if (isEntry) process.exitCode = await main(process.argv.slice(2));
