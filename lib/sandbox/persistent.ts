/**
 * Persistent process sandboxes: `createSandboxPool()` keeps long-lived bubblewrap sandboxes, one per
 * candidate running at once, each hosting a small supervisor (supervisor-script.ts) that forks the
 * command per candidate. Starting a sandbox (namespaces, mounts, seccomp, and forking a large worker
 * process) is what limited process-per-candidate evaluators to a few dozen candidates per second on a
 * loaded 2-core machine; a candidate in a warm sandbox costs one fork and the execs of setpriv,
 * prlimit and the command.
 *
 * Isolation per candidate is that of runSandboxedProcess (same bwrap namespaces, read-only root,
 * no network, seccomp, `nobody` without capabilities when the worker is root, prlimit CPU/memory/
 * process limits, explicit environment) plus:
 * - a fresh private directory per candidate (TMPDIR, and HOME unless the pool has a `sharedHome`,
 *   as a command evaluator's has), removed afterwards;
 * - after each candidate every process of the sandbox uid in the sandbox is SIGKILLed, so nothing
 *   it started (even via setsid) runs on into the next candidate; in root mode the supervisor is uid
 *   0 and out of the candidate's reach;
 * - a timeout, a cancellation or oversized output discards the whole sandbox (every process in it
 *   dies with its pid namespace); a sandbox is also replaced after `recycleAfter` candidates and
 *   closed after `idleMs` unused.
 * What candidates of one sandbox still share, one after another: its IPC namespace (SysV objects)
 * until the sandbox is recycled.
 *
 * When the sandbox mode is `unsafe` or `unavailable`, or a supervisor cannot start here (no Perl),
 * every run goes through runSandboxedProcess unchanged.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, rm } from "node:fs/promises";
import { constants as osConstants, tmpdir } from "node:os";
import path from "node:path";
import type { Writable } from "node:stream";
import {
  DRAIN_AFTER_EXIT_MS,
  SANDBOX_GID,
  SECCOMP_FILTER,
  bwrapArgv,
  dropArgv,
  explainExecFailure,
  limitsArgv,
  nextSpawnTurn,
  processSandboxMode,
  runSandboxedProcess,
  sandboxReadOnlyPaths,
  sandboxUid,
  type SandboxMode,
  type SandboxedProcessOptions,
  type SandboxedProcessResult,
} from "./process";
import { SUPERVISOR_SCRIPT } from "./supervisor-script";

export interface SandboxPoolOptions {
  /** Candidates start here (visible read-only), e.g. the evaluator's project directory; default: their fresh directory. */
  workdir?: string;
  /** Extra read-only paths, as in runSandboxedProcess. */
  readOnlyPaths?: string[];
  /** PATH the commands use (toolchains under closed directories are exposed read-only, as in runSandboxedProcess). */
  envPath: string;
  /**
   * A private directory shared by every run of the pool, bound read-write and used as HOME (a command
   * evaluator's HOME has always been shared by its candidates). Default: HOME is the run's own fresh
   * directory. TMPDIR is always the run's own.
   */
  sharedHome?: string;
  /** Candidates one sandbox serves before it is replaced. Default 256. */
  recycleAfter?: number;
  /** An unused sandbox is closed after this long. Default 30 s. */
  idleMs?: number;
}

/** One candidate's run: runSandboxedProcess's options without the directories (the pool owns them). */
export type PooledRunOptions = Omit<SandboxedProcessOptions, "cwd" | "workdir" | "readOnlyPaths">;

export interface SandboxPool {
  /** Run one command in a warm sandbox. Never rejects: failures are in `error`. */
  run(o: PooledRunOptions): Promise<SandboxedProcessResult>;
  close(): Promise<void>;
  /** Sandboxes started so far and runs served by them (fallback runs not counted). */
  readonly stats: { started: number; runs: number; fallback: string | null };
}

type BwrapMode = Extract<SandboxMode, { bwrap: string }>;
type Reply = { kind: "ok"; items: Buffer[] } | { kind: "died" };

const CANCELLED = "cancelled (process group killed)";
const SIGNAL_NAMES = new Map(Object.entries(osConstants.signals).map(([name, n]) => [n as number, name as NodeJS.Signals]));

function findPerl(envPath: string): string | null {
  for (const dir of envPath.split(":").concat(["/usr/bin", "/bin", "/usr/local/bin"])) {
    if (dir && path.isAbsolute(dir) && existsSync(path.join(dir, "perl"))) return path.join(dir, "perl");
  }
  return null;
}

/** `<count>\n` then items `<length>\n<bytes>`: the supervisor's framing. */
function encodeItems(items: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`${items.length}\n`)];
  for (const it of items) {
    const b = typeof it === "string" ? Buffer.from(it, "utf8") : it;
    parts.push(Buffer.from(`${b.length}\n`), b);
  }
  return Buffer.concat(parts);
}

/** One complete reply at the start of `buf`, or null while incomplete. */
function decodeItems(buf: Buffer): { items: Buffer[]; rest: Buffer } | null {
  let pos = 0;
  const line = (): number | null => {
    const nl = buf.indexOf(10, pos);
    if (nl < 0) return null;
    const n = Number(buf.subarray(pos, nl).toString("latin1"));
    pos = nl + 1;
    return n;
  };
  const count = line();
  if (count === null) return null;
  const items: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const len = line();
    if (len === null || buf.length < pos + len) return null;
    items.push(buf.subarray(pos, pos + len));
    pos += len;
  }
  return { items, rest: buf.subarray(pos) };
}

/** One live sandbox with its supervisor; serves one request at a time. */
class WarmSandbox {
  uses = 0;
  answered = false;
  dead = false;
  idleTimer: NodeJS.Timeout | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private waiter: ((r: Reply) => void) | null = null;
  private stderrTail = "";

  constructor(
    readonly child: ChildProcess,
    readonly dir: string,
  ) {
    child.stdout!.on("data", (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      const frame = decodeItems(this.buf);
      if (!frame || !this.waiter) return;
      this.buf = Buffer.from(frame.rest);
      const w = this.waiter;
      this.waiter = null;
      this.answered = true;
      w({ kind: "ok", items: frame.items.map((b) => Buffer.from(b)) });
    });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (d: string) => (this.stderrTail = (this.stderrTail + d).slice(-2000)));
    child.stdin!.on("error", () => undefined);
    const gone = () => {
      this.dead = true;
      const w = this.waiter;
      this.waiter = null;
      w?.({ kind: "died" });
    };
    child.on("exit", gone);
    child.on("error", gone);
  }

  get why(): string {
    return this.stderrTail.trim().split("\n").slice(-3).join(" | ").slice(0, 500) || "no message";
  }

  request(items: (string | Buffer)[]): Promise<Reply> {
    if (this.dead) return Promise.resolve({ kind: "died" });
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.child.stdin!.write(encodeItems(items));
    });
  }

  /** Kill everything in the sandbox (its pid namespace dies with bwrap). */
  kill(): void {
    this.dead = true;
    clearTimeout(this.idleTimer);
    try {
      if (this.child.pid) process.kill(-this.child.pid, "SIGKILL");
    } catch {
      /* gone */
    }
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    this.child.stdin?.destroy();
    void rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

export function createSandboxPool(opts: SandboxPoolOptions): SandboxPool {
  const recycleAfter = Math.max(1, opts.recycleAfter ?? 256);
  const idleMs = opts.idleMs ?? 30_000;
  const idle: WarmSandbox[] = [];
  const busy = new Set<WarmSandbox>();
  const stats = { started: 0, runs: 0, fallback: null as string | null };
  let closed = false;
  let baseP: Promise<string> | null = null;
  let seq = 0;
  const base = () =>
    (baseP ??= mkdtemp(path.join(tmpdir(), "qd-sandbox-")).then(async (d) => {
      await chmod(d, 0o711); // the sandbox uid walks through to its own directories, lists nothing
      return d;
    }));

  async function start(mode: BwrapMode): Promise<WarmSandbox> {
    const perl = findPerl(opts.envPath);
    if (!perl) throw new Error("perl not found");
    const dir = await mkdtemp(path.join(await base(), "s-"));
    await chmod(dir, 0o711);
    const readOnly = sandboxReadOnlyPaths(mode, { readOnlyPaths: opts.readOnlyPaths, env: { PATH: opts.envPath }, workdir: opts.workdir });
    if (opts.sharedHome && mode.kind === "root") await chown(opts.sharedHome, sandboxUid(mode), SANDBOX_GID);
    const argv = [...bwrapArgv(mode, opts.sharedHome ? [dir, opts.sharedHome] : dir, opts.workdir ?? dir, readOnly), perl, "-e", SUPERVISOR_SCRIPT, mode.kind, String(sandboxUid(mode)), String(mode.kind === "root" ? SANDBOX_GID : (process.getgid?.() ?? SANDBOX_GID))];
    await nextSpawnTurn();
    const stdio: ("pipe")[] = SECCOMP_FILTER ? ["pipe", "pipe", "pipe", "pipe"] : ["pipe", "pipe", "pipe"];
    const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { cwd: "/", env: {} as NodeJS.ProcessEnv, detached: true, stdio });
    if (SECCOMP_FILTER) {
      const fd3 = child.stdio[3] as Writable;
      fd3.on("error", () => undefined);
      fd3.end(SECCOMP_FILTER);
    }
    stats.started++;
    return new WarmSandbox(child, dir);
  }

  function release(box: WarmSandbox, violation: boolean): void {
    busy.delete(box);
    if (closed || violation || box.dead || box.uses >= recycleAfter) return box.kill();
    idle.push(box);
    box.idleTimer = setTimeout(() => {
      const i = idle.indexOf(box);
      if (i >= 0) idle.splice(i, 1);
      box.kill();
    }, idleMs);
    box.idleTimer.unref();
  }

  async function fallback(o: PooledRunOptions): Promise<SandboxedProcessResult> {
    const cwd = await mkdtemp(path.join(await base(), "f-"));
    try {
      const env = { ...o.env, HOME: opts.sharedHome ?? cwd, TMPDIR: cwd };
      return await runSandboxedProcess({ ...o, env, cwd, workdir: opts.workdir, readOnlyPaths: opts.readOnlyPaths });
    } finally {
      await rm(cwd, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  async function run(o: PooledRunOptions): Promise<SandboxedProcessResult> {
    const none = (error: string): SandboxedProcessResult => ({ code: null, signal: null, stdout: Buffer.alloc(0), stderr: "", error, ms: 0 });
    if (closed) return none("the sandbox pool is closed");
    if (o.signal?.aborted) return none(CANCELLED);
    const mode = await processSandboxMode();
    if (mode.kind === "unsafe" || mode.kind === "unavailable" || stats.fallback) return fallback(o);
    let box: WarmSandbox;
    try {
      box = idle.pop() ?? (await start(mode));
    } catch (e) {
      stats.fallback = `persistent sandbox unavailable: ${(e as Error).message}`;
      return fallback(o);
    }
    clearTimeout(box.idleTimer);
    busy.add(box);
    const t0 = performance.now();
    const cdir = path.join(box.dir, `c${++seq}`);
    let violation = true;
    try {
      await mkdir(cdir, { mode: 0o700 });
      if (mode.kind === "root") await chown(cdir, sandboxUid(mode), SANDBOX_GID);
      const env = Object.entries({ ...o.env, HOME: opts.sharedHome ?? cdir, TMPDIR: cdir }).map(([k, v]) => `${k}=${v}`);
      const argv = [...dropArgv(mode), ...limitsArgv(mode, o), o.command, ...o.args];
      const items = [opts.workdir ?? cdir, o.stdin ?? "", String(o.maxStdoutBytes ?? 16 * 1024 * 1024), String(o.maxStderrBytes ?? 64 * 1024), String(DRAIN_AFTER_EXIT_MS), String(env.length), ...env, ...argv];
      let timer: NodeJS.Timeout | undefined;
      let stopped: string | null = null;
      const stop = (why: string) => {
        stopped ??= why;
        box.kill(); // the reply becomes "died"; everything the candidate started dies with the sandbox
      };
      const onAbort = () => stop(CANCELLED);
      o.signal?.addEventListener("abort", onAbort, { once: true });
      if (o.signal?.aborted) stop(CANCELLED); // aborted while the sandbox was starting
      timer = setTimeout(() => stop(`timed out after ${o.timeoutMs} ms (process group killed)`), o.timeoutMs);
      const reply = await box.request(items);
      clearTimeout(timer);
      timer = undefined;
      o.signal?.removeEventListener("abort", onAbort);
      const ms = performance.now() - t0;
      if (stopped) return { ...none(stopped), ms };
      if (reply.kind === "died") {
        if (!box.answered && stats.runs === 0) {
          // The very first sandbox never answered: this machine cannot host supervisors (e.g. no Perl).
          stats.fallback = `persistent sandbox unavailable: supervisor exited (${box.why})`;
          return fallback(o);
        }
        return { ...none(`the sandbox exited unexpectedly (${box.why})`), ms };
      }
      stats.runs++;
      const [code, sig, error, stdout, stderr] = reply.items.map((b, i) => (i === 3 ? b : b.toString("utf8"))) as [string, string, string, Buffer, string];
      if (error) return { code: null, signal: null, stdout: Buffer.alloc(0), stderr, error, ms };
      violation = false;
      const exit = Number(code);
      const r: SandboxedProcessResult = { code: exit >= 0 ? exit : null, signal: Number(sig) ? (SIGNAL_NAMES.get(Number(sig)) ?? null) : null, stdout, stderr, ms };
      return explainExecFailure(r, { command: o.command, args: o.args, cwd: cdir, workdir: opts.workdir, env: o.env, timeoutMs: o.timeoutMs });
    } catch (e) {
      return none(`the sandbox failed: ${(e as Error).message}`);
    } finally {
      box.uses++;
      await rm(cdir, { recursive: true, force: true }).catch(() => undefined);
      release(box, violation);
    }
  }

  return {
    run,
    stats,
    async close() {
      closed = true;
      for (const box of idle.splice(0)) box.kill();
      for (const box of busy) box.kill();
      if (baseP) await rm(await baseP, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
