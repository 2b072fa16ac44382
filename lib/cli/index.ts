/**
 * qd-studio CLI: `run` one in-process experiment, `reproduce sphere` to
 * compare the engine with pyribs' published sphere results, or `import` an
 * OpenEvolve config. Progress goes to stderr; results (or one JSON object with
 * --json) to stdout. Lives outside lib/qd (the engine stays pure) so that its
 * domains and emitters come from the registries (lib/registry).
 */
import { parseArgs } from "node:util";
import { createAlgorithm, runAlgorithm, type RunMetrics } from "@/lib/qd/algorithm";
import { SPHERE_REFERENCE } from "@/lib/qd/reproduce";
import { num, UsageError } from "./flags";
import { parseRunConfig } from "./run";
import { usage } from "./usage";

export { parseRunConfig } from "./run";

function fmtProgress(m: RunMetrics, total: number): string {
  return `iter ${m.iterations}/${total}  evals ${m.evaluations}  cov ${(m.coverage * 100).toFixed(2)}%  normQD ${m.normQdScore.toFixed(3)}  max ${m.maxFitness.toFixed(3)}  ${Math.round(m.evalsPerSec)} evals/s`;
}

async function cmdRun(argv: string[]): Promise<void> {
  const { config, iterations, json, progressEvery, threads } = parseRunConfig(argv);
  const progress = (p: RunMetrics) => process.stderr.write(fmtProgress(p, iterations) + "\n");
  const m =
    threads > 1
      ? (await import("@/lib/qd/parallel/runner")).runParallel(config, iterations, threads, progress, progressEvery).then((r) => r.metrics)
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
      process.stdout.write(usage());
      return cmd === undefined ? 2 : 0;
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(usage());
      return 0;
    }
    if (cmd === "run") {
      await cmdRun(rest);
      return 0;
    }
    if (cmd === "reproduce") return cmdReproduce(rest);
    if (cmd === "import") return (await import("@/lib/experiments/openevolve-cli")).cmdImport(rest);
    throw new UsageError(`unknown command "${cmd}" (use run, reproduce or import)`);
  } catch (err) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for bad flags.
    const code = (err as { code?: string }).code;
    if (err instanceof UsageError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))) {
      process.stderr.write(`qd-studio: ${(err as Error).message}\n\n${usage()}`);
      return 2;
    }
    if (err instanceof Error) {
      process.stderr.write(`qd-studio: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

const isEntry = process.argv[1] !== undefined && /lib\/cli\/index\.ts$/.test(process.argv[1]);
if (isEntry) process.exitCode = await main(process.argv.slice(2));
