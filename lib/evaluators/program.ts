/**
 * Program evaluator (the `program` domain): scores a program, in any language, with the user's
 * own evaluator.
 *
 * Every candidate gets a fresh working directory holding the program (`program.<ext>`, or
 * `domain.programFile`) and the support files (`domain.files`). Then:
 *
 * - `command`: the command runs with the program's path appended to its argv and in PROGRAM_PATH
 *   (QD_WORK_DIR is the working directory, QD_STAGE the stage, from 1), in `cwd` (default: the
 *   working directory). The last stdout line is `{ "metrics": { name: number | string },
 *   "fitness" | "combined_score", "descriptors"?, "artifacts"?: { name: text } }` or `{ "error" }`.
 * - `openevolve`: QD Studio's harness (openevolve_harness.py) loads the user's evaluator.py and calls
 *   `evaluate(program_path)` or, when defined, `evaluate_stage1/2/3` (OpenEvolve's cascade).
 * - `webhook` / `javascript`: the existing evaluators, with the program source as the genome.
 *
 * The cascade (command `stages`, or evaluate_stageN with `cascadeThresholds`): stage N+1 runs only
 * when stage N's score reaches the threshold; each stage has its own timeout and process. A
 * candidate stopped by a threshold keeps the metrics of the stages it ran (metric `stage` = the
 * last stage run). A failure in stage 1 fails the candidate; a failure in a later stage keeps the
 * earlier stages' result with `stageN_passed: 0` and the failure as artifacts (as OpenEvolve does).
 *
 * Fitness: `fitness`, else `combined_score` (top level or in metrics), else the mean of the numeric
 * metrics other than `error` and the descriptor metrics (OpenEvolve's rule). Every result also
 * carries the built-in code measures `codeLength`, `codeLines`, `codeComplexity`, `editDistance` (usable as descriptors, see code-measures.ts). Artifacts are kept in the logs
 * (see artifacts.ts). Processes are spawned by command.ts's `runOnce` (one place for the sandbox).
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, homedir, tmpdir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { withArtifacts } from "./artifacts";
import { parseStdout, runOnce, splitCommand } from "./command";
import { createJavaScriptEvaluator } from "./javascript";
import { createWebhookEvaluator } from "./webhook";
import { languageInfo } from "./program-languages";
import { codeMeasures } from "./code-measures";
import { ProgramDomainConfig, type ProgramDomainConfigInput } from "./program-schema";
import { type Candidate, type EvalResult, type Evaluator, type ResultReader } from "./types";
import { createEvaluationSlots, evaluateEach, type EvaluationSlots } from "./concurrency";

export type MetricValue = number | string;
export type ProgramMetrics = Record<string, MetricValue>;

/** One stage's parsed output. */
export type StageOutput =
  | { ok: true; metrics: ProgramMetrics; artifacts: Record<string, string>; fitness?: number; descriptors?: number[]; final?: boolean }
  | { ok: false; error: string; artifacts: Record<string, string> };

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `a string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  return typeof v === "number" ? String(v) : `a ${typeof v}`;
}

function textOf(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v) ?? String(v);
}

/** Validate one stage's JSON output. Non-finite numbers in metrics are kept as text ("NaN"), never as scores. */
export function parseProgramOutput(raw: unknown, opts: { errorPrefix?: string } = {}): StageOutput {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { ok: false, error: `invalid output: expected a JSON object like {"metrics": {...}, "combined_score": 1.0}, got ${describe(raw)}`, artifacts: {} };
  const o = raw as Record<string, unknown>;
  const artifacts: Record<string, string> = {};
  if (o.artifacts !== undefined) {
    if (!o.artifacts || typeof o.artifacts !== "object" || Array.isArray(o.artifacts)) return { ok: false, error: `invalid output: artifacts must be an object of texts, got ${describe(o.artifacts)}`, artifacts: {} };
    for (const [k, v] of Object.entries(o.artifacts)) artifacts[k] = textOf(v);
  }
  if (o.error !== undefined && o.metrics === undefined && o.fitness === undefined && o.combined_score === undefined) {
    return { ok: false, error: `${opts.errorPrefix ?? "evaluator reported an error: "}${textOf(o.error)}`, artifacts };
  }
  const metrics: ProgramMetrics = {};
  if (o.metrics !== undefined) {
    if (!o.metrics || typeof o.metrics !== "object" || Array.isArray(o.metrics)) return { ok: false, error: `invalid output: metrics must be an object of numbers or strings, got ${describe(o.metrics)}`, artifacts };
    for (const [k, v] of Object.entries(o.metrics)) {
      if (typeof v === "number") metrics[k] = Number.isFinite(v) ? v : String(v);
      else if (typeof v === "string") metrics[k] = v;
      else if (typeof v === "boolean") metrics[k] = String(v);
      else if (v !== null && v !== undefined) metrics[k] = textOf(v);
    }
  }
  let fitness: number | undefined;
  for (const key of ["fitness", "combined_score"] as const) {
    if (o[key] === undefined) continue;
    if (typeof o[key] !== "number" || !Number.isFinite(o[key])) return { ok: false, error: `invalid output: ${key}: must be a finite number, got ${describe(o[key])}`, artifacts };
    fitness = o[key] as number;
    break;
  }
  let descriptors: number[] | undefined;
  if (o.descriptors !== undefined) {
    if (!Array.isArray(o.descriptors) || o.descriptors.some((d) => typeof d !== "number" || !Number.isFinite(d)))
      return { ok: false, error: `invalid output: descriptors: must be an array of finite numbers, got ${describe(o.descriptors)}`, artifacts };
    descriptors = o.descriptors as number[];
  }
  return { ok: true, metrics, artifacts, ...(fitness !== undefined ? { fitness } : {}), ...(descriptors ? { descriptors } : {}), ...(typeof o.final === "boolean" ? { final: o.final } : {}) };
}

/** The score of a result: fitness, combined_score, else the mean of the numeric metrics (not `error`, not descriptor metrics). */
export function scoreOf(out: { fitness?: number; metrics: ProgramMetrics }, exclude: readonly string[] = []): number | null {
  if (out.fitness !== undefined) return out.fitness;
  const cs = out.metrics.combined_score;
  if (typeof cs === "number") return cs;
  const values = Object.entries(out.metrics).filter(([k, v]) => typeof v === "number" && k !== "error" && !exclude.includes(k)).map(([, v]) => v as number);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/**
 * One webhook response or JavaScript return value read with the program contract (the same as a
 * command's last stdout line): `{ metrics?: { name: number | string }, fitness | combined_score,
 * descriptors?, artifacts?: { name: text } }` or `{ error }`. Artifacts go to the logs.
 */
export function readProgramResult(raw: unknown, opts: { ms: number; logs?: string }, exclude: readonly string[] = []): EvalResult {
  const out = parseProgramOutput(raw);
  const logs = withArtifacts(opts.logs, out.artifacts);
  const base = { ms: opts.ms, ...(logs ? { logs } : {}) };
  if (!out.ok) return { ok: false, error: out.error, ...base };
  const fitness = scoreOf(out, exclude);
  if (fitness === null) return { ok: false, error: "invalid output: no fitness: return fitness or combined_score, or numeric metrics", ...base };
  // Metrics may hold text; descriptors read numbers only.
  return { ok: true, fitness, ...(out.descriptors ? { descriptors: out.descriptors } : {}), metrics: out.metrics as Record<string, number>, ...base };
}

/** Built-in code measures, for any language. */
export function codeMetrics(program: string): { codeLength: number; codeLines: number } {
  return { codeLength: program.length, codeLines: program.length ? program.replace(/\n$/, "").split("\n").length : 0 };
}

function harnessPath(): string {
  try {
    const u = new URL("./openevolve_harness.py", import.meta.url);
    if (u.protocol === "file:" && existsSync(fileURLToPath(u))) return fileURLToPath(u);
  } catch {
    /* fall through */
  }
  return join(process.cwd(), "lib", "evaluators", "openevolve_harness.py");
}

export interface ProgramEvaluatorOptions {
  /** Metrics used as descriptors: left out of the mean when there is no fitness / combined_score. */
  descriptorMetrics?: string[];
  /** Candidates evaluated at once (default: the evaluator's `concurrency`, else min(4, cores)). */
  concurrency?: number;
  /** The worker's evaluation slots: every candidate holds one while it runs. */
  slots?: EvaluationSlots;
}

export function createProgramEvaluator(input: ProgramDomainConfigInput, opts: ProgramEvaluatorOptions = {}): Evaluator {
  const cfg = ProgramDomainConfig.parse(input);
  const ev = cfg.evaluator;
  const codeOf = (c: Candidate) => (typeof c.genome === "string" ? c.genome : "");
  const measure = (source: string) => codeMeasures(source, cfg.language, cfg.initialProgram);
  if (ev.type === "webhook" || ev.type === "javascript") {
    // The program's source is the genome; the evaluator's own contract applies.
    // The program contract: metrics may be text, fitness | combined_score, artifacts (see readProgramResult).
    const read: ResultReader = (raw, o) => readProgramResult(raw, o, opts.descriptorMetrics ?? []);
    const inner =
      ev.type === "webhook"
        ? createWebhookEvaluator(opts.concurrency ? { ...ev, concurrency: opts.concurrency } : ev, { slots: opts.slots, read })
        : createJavaScriptEvaluator(opts.concurrency ? { ...ev, poolSize: Math.min(64, opts.concurrency) } : ev, { read });
    return {
      async evaluate(candidates, runOpts) {
        const rs = await inner.evaluate(candidates, runOpts);
        return rs.map((r, i) => (r.ok ? { ...r, metrics: { ...r.metrics, ...measure(codeOf(candidates[i]!)) } } : r));
      },
      close: () => inner.close(),
    };
  }

  // Narrowed once for the closures below.
  const pe = ev as Extract<typeof ev, { type: "command" | "openevolve" }>;
  const lang = languageInfo(cfg.language);
  const programFile = cfg.programFile ?? `program.${lang.extension}`;
  const concurrency = opts.concurrency ?? pe.concurrency ?? Math.min(4, availableParallelism());
  // Shared by every evaluate() call in flight (jobs of one experiment overlap in a worker).
  const own = createEvaluationSlots(concurrency);
  const exclude = opts.descriptorMetrics ?? [];
  let rootP: Promise<string> | null = null;
  const root = () => (rootP ??= mkdtemp(join(tmpdir(), "qd-program-")));
  let seq = 0;
  let closed = false;

  /** One stage: argv and timeout. */
  type Stage = { argv: (dir: string, program: string) => string[]; timeoutMs: number; threshold?: number };
  let stageCount: number;
  let stageOf: (n: number) => Stage;
  let evaluatorFile: string | null = null;
  if (pe.type === "command") {
    const argv = splitCommand(pe.command);
    if (!argv.length) throw new Error("evaluator.command must not be empty");
    stageCount = pe.stages?.length ?? 1;
    stageOf = (n) => ({ argv: (_dir, program) => [...argv, program], timeoutMs: pe.stages?.[n - 1]?.timeoutMs ?? pe.timeoutMs, threshold: pe.stages?.[n - 1]?.threshold });
  } else {
    const harness = harnessPath();
    const python = splitCommand(pe.python);
    if (pe.path) evaluatorFile = isAbsolute(pe.path) ? pe.path : resolve(pe.cwd ?? process.cwd(), pe.path);
    // The harness reports `final` after each stage; OpenEvolve has at most 3 stages.
    stageCount = pe.cascade ? 3 : 1;
    stageOf = (n) => ({
      argv: (dir, program) => [...python, harness, evaluatorFile ?? join(dir, "evaluator.py"), program, String(n), pe.cascade ? "1" : "0"],
      timeoutMs: pe.timeoutMs,
      // OpenEvolve: stage N+1 needs cascade_thresholds[N-1]; no threshold, no next stage.
      threshold: pe.cascadeThresholds[n - 1] ?? Number.POSITIVE_INFINITY,
    });
  }

  async function prepare(c: Candidate): Promise<{ dir: string; program: string }> {
    const base = await root();
    const dir = join(base, `c${++seq}`);
    await mkdir(dir);
    const program = join(dir, programFile);
    const files: Record<string, string> = { ...cfg.files, [programFile]: codeOf(c) };
    if (pe.type === "openevolve" && pe.evaluatorFile) files["evaluator.py"] = pe.evaluatorFile;
    for (const [name, text] of Object.entries(files)) {
      const path = join(dir, name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
    }
    return { dir, program };
  }

  function envFor(dir: string, program: string, stage: number): Record<string, string> {
    return {
      PATH: process.env.PATH || "/usr/local/bin:/usr/bin:/bin",
      // The candidate's directory is the one place the sandbox lets the evaluator write.
      HOME: dir,
      TMPDIR: dir,
      LANG: "C.UTF-8",
      // Packages installed with `pip install --user` by the worker's user stay importable.
      PYTHONUSERBASE: process.env.PYTHONUSERBASE || join(homedir(), ".local"),
      PYTHONDONTWRITEBYTECODE: "1",
      PROGRAM_PATH: program,
      QD_WORK_DIR: dir,
      QD_STAGE: String(stage),
      ...pe.env,
    };
  }

  async function runStage(c: Candidate, n: number, dir: string, program: string, signal?: AbortSignal): Promise<{ out: StageOutput; logs: string; ms: number }> {
    const stage = stageOf(n);
    const r = await runOnce(stage.argv(dir, program), JSON.stringify({ id: c.id, programPath: program, stage: n, language: cfg.language }) + "\n", {
      cwd: pe.cwd ?? dir,
      home: dir,
      env: envFor(dir, program, n),
      timeoutMs: stage.timeoutMs,
      maxOutputBytes: pe.maxOutputBytes,
      maxLogBytes: pe.maxLogBytes,
      signal,
    });
    if (!r.ok) return { out: { ok: false, error: r.error!, artifacts: {} }, logs: r.logs, ms: r.ms };
    const parsed = parseStdout(r.stdout);
    if (!parsed.ok) return { out: { ok: false, error: parsed.error, artifacts: {} }, logs: r.logs, ms: r.ms };
    // The harness's errors already say what raised; a command's own {"error"} is labelled as such.
    return { out: parseProgramOutput(parsed.value, pe.type === "openevolve" ? { errorPrefix: "" } : {}), logs: r.logs, ms: r.ms };
  }

  async function evaluateOne(c: Candidate, signal?: AbortSignal): Promise<EvalResult> {
    const source = codeOf(c);
    if (!source.trim()) return { ok: false, error: "empty program", ms: 0 };
    const { dir, program } = await prepare(c);
    const logs: string[] = [];
    let ms = 0;
    try {
      let merged: OkStage | null = null;
      let reached = 0;
      // Command stages are the config's; the harness names the evaluate_stageN it ran in its messages.
      let cascaded = pe.type === "command" && stageCount > 1;
      for (let n = 1; n <= stageCount; n++) {
        const s = await runStage(c, n, dir, program, signal);
        ms += s.ms;
        if (s.out.ok && s.out.final === false) cascaded = true;
        if (s.logs.trim()) logs.push(cascaded ? `[stage ${n}]\n${s.logs.replace(/\s+$/, "")}` : s.logs.replace(/\s+$/, ""));
        if (!s.out.ok) {
          const why = pe.type === "command" && cascaded ? `stage ${n}: ${s.out.error}` : s.out.error;
          if (!merged) return { ok: false, error: why, ms, logs: withArtifacts(logs.join("\n"), s.out.artifacts) };
          // A later stage failed: keep what the earlier stages measured (OpenEvolve's behaviour).
          merged.metrics[`stage${n}_passed`] = 0;
          Object.assign(merged.artifacts, { failure_stage: `stage${n}`, [`stage${n}_error`]: s.out.error }, prefixed(s.out.artifacts, `stage${n}_`));
          break;
        }
        reached = n;
        merged = mergeStages(merged, s.out);
        if (s.out.final || n === stageCount) break;
        const score = scoreOf(merged, exclude);
        const threshold = stageOf(n).threshold;
        if (threshold !== undefined && (score === null || score < threshold)) break;
      }
      const out = merged!;
      const fitness = scoreOf(out, exclude);
      const allLogs = withArtifacts(logs.join("\n"), out.artifacts);
      if (fitness === null) return { ok: false, error: "invalid output: no fitness: return fitness or combined_score, or numeric metrics", ms, ...(allLogs ? { logs: allLogs } : {}) };
      const metrics: ProgramMetrics = { ...out.metrics, ...measure(source), ...(cascaded ? { stage: reached } : {}) };
      // Metrics may hold text (OpenEvolve's "error": "Missing run_search function"); descriptors read numbers only.
      return { ok: true, fitness, ...(out.descriptors ? { descriptors: out.descriptors } : {}), metrics: metrics as Record<string, number>, ms, ...(allLogs ? { logs: allLogs } : {}) };
    } finally {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  return {
    async evaluate(candidates, { signal } = {}) {
      if (closed) return candidates.map(() => ({ ok: false as const, error: "evaluator is closed", ms: 0 }));
      return evaluateEach(
        candidates,
        { concurrency, slots: [own, opts.slots], signal },
        (c) => evaluateOne(c, signal).catch((e: Error): EvalResult => ({ ok: false, error: `could not run the evaluator: ${e.message}`, ms: 0 })),
        (_c, error): EvalResult => ({ ok: false, error, ms: 0 }),
      );
    },
    async close() {
      closed = true;
      const d = rootP ? await rootP.catch(() => null) : null;
      if (d) await rm(d, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

type OkStage = Extract<StageOutput, { ok: true }>;

/** Later stages add to and override earlier stages' metrics, artifacts and scores. */
function mergeStages(prev: OkStage | null, next: OkStage): OkStage {
  if (!prev) return { ...next, metrics: { ...next.metrics }, artifacts: { ...next.artifacts } };
  const fitness = next.fitness ?? prev.fitness;
  const descriptors = next.descriptors ?? prev.descriptors;
  return { ok: true, metrics: { ...prev.metrics, ...next.metrics }, artifacts: { ...prev.artifacts, ...next.artifacts }, ...(fitness !== undefined ? { fitness } : {}), ...(descriptors ? { descriptors } : {}), ...(next.final !== undefined ? { final: next.final } : {}) };
}

function prefixed(a: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [prefix + k, v]));
}
