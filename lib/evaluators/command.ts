/**
 * Command evaluator: runs a user program (any language) per candidate, or per batch.
 *
 * - The command string is split into argv like a shell would split words (single/double quotes and
 *   backslash escapes are honoured) and executed WITHOUT a shell: no pipes, redirects, globs or
 *   `$VAR` expansion. If you need a shell, say so explicitly: `sh -c "python3 a.py | tee log"`.
 * - Environment: only PATH (the worker's), HOME and TMPDIR (a private temp dir per evaluator,
 *   removed on close), LANG=C.UTF-8, plus the config's explicit `env`. Nothing else from the
 *   worker's process.env (no DATABASE_URL, REDIS_URL, API keys, ...).
 * - Single mode: stdin receives `{"id": "...", "genome": ...}`. Batch mode: one invocation per
 *   chunk of up to `batchSize` candidates (default: all candidates of the evaluate() call) receives `{"candidates": [{"id","genome"}, ...]}` and
 *   must answer `{"results": [ ... ]}` in the same order.
 * - Output: the LAST non-empty line of stdout is parsed as JSON (so programs may print progress
 *   before it); if that fails, the whole stdout is tried (pretty-printed JSON). One result is
 *   `{"fitness": number, "descriptors"?: number[], "metrics"?: {name: number}}`, or
 *   `{"error": "reason"}` to fail that candidate on purpose.
 * - stderr is captured (last `maxLogBytes`) as the candidate's logs.
 * - Each invocation runs in the process sandbox (lib/sandbox/process.ts): as `nobody` when the
 *   worker is root, no network, its own pid namespace, a read-only file system except the private
 *   HOME, CPU/memory/process limits. On timeout or oversized output everything it started is killed.
 *   Invocations reuse warm sandboxes (lib/sandbox/persistent.ts: one per invocation in flight, a
 *   fresh TMPDIR per invocation, everything it started killed afterwards), which is what lets
 *   a 100 ms evaluator scale with `evaluation.concurrency`; QD_SANDBOX_PERSISTENT=0 starts a new
 *   sandbox per invocation instead.
 *   `timeoutMs` applies per invocation (i.e. per batch in batch mode).
 */
import { readEnv } from "@/lib/config";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { runSandboxedProcess } from "@/lib/sandbox/process";
import { createSandboxPool, type SandboxPool } from "@/lib/sandbox/persistent";
import { CommandEvaluatorConfig } from "./schemas";
import { type Candidate, type EvalResult, type Evaluator, chunk, descriptorCountField, parseLenientJson, toResult } from "./types";
import { createEvaluationSlots, evaluateEach, type EvaluationSlots } from "./concurrency";


export { CommandEvaluatorConfig };

/** Split a command line into argv (shell-like quoting, no expansion). Throws on unbalanced quotes. */
export function splitCommand(cmd: string): string[] {
  const out: string[] = [];
  let cur = "";
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\" && i + 1 < cmd.length && '"\\$`'.includes(cmd[i + 1]!)) cur += cmd[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      has = true;
    } else if (c === "\\" && i + 1 < cmd.length) {
      cur += cmd[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = "";
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} quote in command`);
  if (has || cur) out.push(cur);
  return out;
}

export interface RunOutcome {
  ok: boolean;
  /** Failure reason for the whole invocation. */
  error?: string;
  stdout: string;
  logs: string;
  ms: number;
}

function tail(s: string, n: number): string {
  return s.length > n ? "…" + s.slice(-n) : s;
}

/**
 * Run once in the process sandbox (lib/sandbox/process.ts), feed `input` on stdin, bounded output. The one place evaluator processes are spawned (program evaluators use it too).
 * With `pool` (a command evaluator's warm sandboxes, lib/sandbox/persistent.ts) the run reuses a live sandbox and gets a fresh HOME of its own; `cwd`/`home` are then the pool's.
 */
export async function runOnce(argv: string[], input: string, opts: { cwd: string; home: string; env: Record<string, string>; timeoutMs: number; maxOutputBytes: number; maxLogBytes: number; signal?: AbortSignal; pool?: SandboxPool }): Promise<RunOutcome> {
  const run = { command: argv[0]!, args: argv.slice(1), env: opts.env, stdin: input, timeoutMs: opts.timeoutMs, maxStdoutBytes: opts.maxOutputBytes, maxStderrBytes: opts.maxLogBytes, signal: opts.signal };
  const r = opts.pool ? await opts.pool.run(run) : await runSandboxedProcess({
    command: argv[0]!,
    args: argv.slice(1),
    cwd: opts.home,
    workdir: opts.cwd,
    env: opts.env,
    stdin: input,
    timeoutMs: opts.timeoutMs,
    maxStdoutBytes: opts.maxOutputBytes,
    maxStderrBytes: opts.maxLogBytes,
    signal: opts.signal,
  });
  const base = { stdout: "", logs: r.stderr, ms: r.ms };
  if (r.error) return { ...base, ok: false, error: r.error };
  if (r.code !== 0) {
    const why = r.signal ? `killed by signal ${r.signal}` : `exited with code ${r.code}`;
    const errTail = r.stderr.trim() ? `: ${tail(r.stderr.trim(), 500)}` : "";
    return { ...base, ok: false, error: `${why}${errTail}` };
  }
  return { ...base, ok: true, stdout: r.stdout.toString("utf8") };
}

/** Parse stdout: last non-empty line, else the whole text. */
export function parseStdout(stdout: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const trimmed = stdout.trim();
  if (!trimmed) return { ok: false, error: "bad output: stdout is empty (expected a JSON object on the last line)" };
  const lines = trimmed.split(/\r?\n/);
  const last = lines[lines.length - 1]!.trim();
  try {
    return { ok: true, value: parseLenientJson(last) };
  } catch {
    /* fall through */
  }
  if (lines.length > 1) {
    try {
      return { ok: true, value: parseLenientJson(trimmed) };
    } catch {
      /* fall through */
    }
  }
  return { ok: false, error: `bad JSON on stdout (last line: ${JSON.stringify(tail(last, 200))})` };
}

/** `slots`: the worker's evaluation slots (every invocation holds one while it runs). */
export function createCommandEvaluator(input: CommandEvaluatorConfig, deps: { slots?: EvaluationSlots } = {}): Evaluator {
  const cfg = CommandEvaluatorConfig.parse(input);
  const argv = splitCommand(cfg.command);
  if (argv.length === 0) throw new Error("command must not be empty");
  const concurrency = cfg.concurrency ?? Math.min(4, availableParallelism());
  // Shared by every evaluate() call in flight (jobs of one experiment overlap in a worker).
  const own = createEvaluationSlots(concurrency);
  let home: string | null = null;
  let homeP: Promise<string> | null = null;
  const getHome = () => (homeP ??= mkdtemp(join(tmpdir(), "qd-eval-")).then((d) => (home = d)));
  let closed = false;
  // Warm sandboxes, one per candidate in flight (QD_SANDBOX_PERSISTENT=0: a new sandbox per invocation).
  // HOME stays the evaluator's private directory shared by its candidates, as it always was; TMPDIR is per candidate.
  let pool: SandboxPool | undefined;
  const getPool = async () => {
    if (!readEnv().QD_SANDBOX_PERSISTENT) return undefined;
    const sharedHome = await getHome(); // before the check below, so concurrent callers share one pool
    return (pool ??= createSandboxPool({ workdir: cfg.cwd ?? process.cwd(), envPath: cfg.env?.PATH ?? process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin", sharedHome }));
  };

  const baseEnv = (h: string): Record<string, string> => ({
    PATH: process.env.PATH || "/usr/local/bin:/usr/bin:/bin",
    HOME: h,
    TMPDIR: h,
    LANG: "C.UTF-8",
    ...cfg.env,
  });

  const fail = (n: number, error: string, ms = 0, logs?: string): EvalResult[] =>
    Array.from({ length: n }, () => ({ ok: false as const, error, ms, ...(logs ? { logs } : {}) }));

  const opts = async () => ({
    cwd: cfg.cwd ?? process.cwd(),
    home: await getHome(),
    env: baseEnv(await getHome()),
    timeoutMs: cfg.timeoutMs,
    maxOutputBytes: cfg.maxOutputBytes,
    maxLogBytes: cfg.maxLogBytes,
    pool: await getPool(),
  });

  async function evalSingle(c: Candidate, signal?: AbortSignal): Promise<EvalResult> {
    let input: string;
    try {
      input = JSON.stringify({ id: c.id, genome: c.genome });
    } catch (e) {
      return { ok: false, error: `genome is not JSON-serializable: ${(e as Error).message}`, ms: 0 };
    }
    const r = await runOnce(argv, input + "\n", { ...(await opts()), signal });
    const logs = r.logs || undefined;
    if (!r.ok) return fail(1, r.error!, r.ms, logs)[0]!;
    const parsed = parseStdout(r.stdout);
    if (!parsed.ok) return fail(1, parsed.error, r.ms, logs)[0]!;
    return toResult(parsed.value, { descriptorCount: cfg.descriptorCount, ms: r.ms, logs });
  }

  async function evalBatch(cs: Candidate[], signal?: AbortSignal): Promise<EvalResult[]> {
    let input: string;
    try {
      input = JSON.stringify({ candidates: cs.map((c) => ({ id: c.id, genome: c.genome })) });
    } catch (e) {
      return fail(cs.length, `genome is not JSON-serializable: ${(e as Error).message}`);
    }
    const r = await runOnce(argv, input + "\n", { ...(await opts()), signal });
    const ms = r.ms / cs.length;
    const logs = r.logs || undefined;
    if (!r.ok) return fail(cs.length, r.error!, ms, logs);
    const parsed = parseStdout(r.stdout);
    if (!parsed.ok) return fail(cs.length, parsed.error, ms, logs);
    const v = parsed.value as { results?: unknown };
    if (!v || typeof v !== "object" || !Array.isArray(v.results))
      return fail(cs.length, 'bad output: batch mode expects {"results": [...]} on stdout', ms, logs);
    if (v.results.length !== cs.length) return fail(cs.length, `bad output: expected ${cs.length} results, got ${v.results.length}`, ms, logs);
    // The batch's stderr is attached to every result of the batch.
    return v.results.map((raw) => toResult(raw, { descriptorCount: cfg.descriptorCount, ms, logs }));
  }

  return {
    async evaluate(candidates: Candidate[], { signal } = {}): Promise<EvalResult[]> {
      if (closed) return fail(candidates.length, "evaluator is closed");
      if (candidates.length === 0) return [];
      const run = { concurrency, slots: [own, deps.slots], signal };
      if (!cfg.batch) return evaluateEach(candidates, run, (c) => evalSingle(c, signal), (_c, error) => fail(1, error)[0]!);
      const size = cfg.batchSize ?? candidates.length; // default: one invocation per evaluate() call
      const chunks = chunk(candidates, size);
      return (await evaluateEach(chunks, run, (cs) => evalBatch(cs, signal), (cs, error) => fail(cs.length, error))).flat();
    },
    async close() {
      closed = true;
      await pool?.close();
      if (homeP) await homeP.catch(() => undefined);
      if (home) await rm(home, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
