/**
 * Untrusted *processes* (command evaluators, program-domain evaluator commands): one spawn-like
 * function, `runSandboxedProcess`, that runs a command under bubblewrap (`bwrap`) with
 *
 * - an unprivileged uid: a root worker starts bwrap (privileged mode, no user namespace, so the
 *   mounts are done by real root) and the command is exec'd through `setpriv` as 65534 (`nobody`)
 *   with no capabilities and no_new_privs. The outside uid is really 65534: root-only files (0600)
 *   stay unreadable. (bwrap run as root *with* --unshare-user would map the inside uid to outside 0.)
 *   A non-root worker uses bwrap's unprivileged user-namespace mode and keeps its own uid;
 * - its own pid, network, IPC and UTS namespaces: no network at all (only a private loopback), no
 *   view of the worker's processes (so no /proc/<ppid>/environ), and every descendant dies with the
 *   sandbox, even one that called setsid();
 * - a read-only view of the host file system (as the sandbox uid sees it), a private writable `cwd`
 *   (HOME and TMPDIR should point there), and extra read-only paths made reachable even when a parent
 *   directory is closed to the sandbox uid (e.g. pyenv under /root, a 0700 directory): the closed
 *   parent is replaced by an empty tmpfs and only the named path is bound into it;
 * - rlimits via prlimit: CPU seconds, data segment (memory), process count, no core files;
 * - an explicit environment only.
 *
 * Availability is probed once per process; when bwrap is missing or cannot create its namespaces
 * every run fails closed with the reason, unless the operator sets QD_UNSAFE_NO_SANDBOX=1 (then
 * commands run as the worker's user with only the timeout and process-group kill). Settings:
 * QD_SANDBOX_BWRAP (path of bwrap if not on PATH), QD_SANDBOX_READONLY_PATHS (colon-separated
 * extra paths every sandboxed command may read).
 *
 * Whatever the mode, a run settles at `timeoutMs` at the latest: on timeout the process group is
 * SIGKILLed and the pipes are closed, and a process that exits while a grandchild still holds its
 * stdout settles shortly after the exit instead of waiting for the pipe to close.
 */
import { readEnv } from "@/lib/config";
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, chownSync, constants, existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import type { Writable } from "node:stream";
import { noUnixSocketsFilter } from "./seccomp";

export interface SandboxedProcessOptions {
  command: string;
  args: string[];
  /** A fresh private directory: bound read-write, the process starts here unless `workdir` is set. */
  cwd: string;
  /** Start in this directory instead (visible read-only), e.g. a command evaluator's project directory. */
  workdir?: string;
  /** The complete environment of the process (nothing is inherited). */
  env: Record<string, string>;
  stdin?: string | Buffer;
  /** Wall-clock limit; the run settles by then whatever the process does. */
  timeoutMs: number;
  /** Data-segment limit (heap, anonymous mappings). Default 2048. */
  memoryMb?: number;
  /** Process/thread limit (RLIMIT_NPROC, counted over the whole sandbox uid). Default 512. */
  maxProcesses?: number;
  /** Extra paths (files or directories) the process may read, e.g. support files of a task. */
  readOnlyPaths?: string[];
  /** stdout beyond this fails the run (group killed). Default 16 MiB. */
  maxStdoutBytes?: number;
  /** Only the last this-many characters of stderr are kept. Default 64 KiB. */
  maxStderrBytes?: number;
  /** Aborted: the process group is killed and the run fails as cancelled. */
  signal?: AbortSignal;
}

export interface SandboxedProcessResult {
  /** Exit code (null when killed by a signal, timed out or failed to start). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** Set when the run failed as a whole: timeout, oversized output, start failure, no sandbox. */
  error?: string;
  ms: number;
}

export type SandboxMode =
  | { kind: "root" | "user"; bwrap: string; setpriv: string; prlimit: string }
  | { kind: "unsafe" }
  | { kind: "unavailable"; reason: string };

/** The unprivileged identity untrusted code runs as when the worker is root. */
export const SANDBOX_UID = 65534;
export const SANDBOX_GID = 65534;
/** How long a process that has exited may still deliver output from its pipes. */
export const DRAIN_AFTER_EXIT_MS = 300;

const isRoot = () => process.getuid?.() === 0;

function which(name: string, envPath: string): string | null {
  if (name.includes("/")) return existsSync(name) ? name : null;
  for (const dir of envPath.split(":").concat(["/usr/bin", "/bin", "/usr/sbin", "/sbin"])) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

let modePromise: Promise<SandboxMode> | null = null;

/** How untrusted processes run on this machine (probed once; an actual sandboxed `true` must work). */
export function processSandboxMode(): Promise<SandboxMode> {
  return (modePromise ??= probe());
}

/** Test hook: probe again (e.g. after changing QD_UNSAFE_NO_SANDBOX). */
export function resetProcessSandboxMode(): void {
  modePromise = null;
}

const INSTALL_HINT = "install bubblewrap (Debian: apt-get install bubblewrap), or set QD_UNSAFE_NO_SANDBOX=1 to run evaluator commands unsandboxed as the worker's user";

async function probe(): Promise<SandboxMode> {
  const env = readEnv();
  if (env.QD_UNSAFE_NO_SANDBOX) return { kind: "unsafe" };
  const envPath = process.env.PATH ?? "";
  const bwrap = which(env.QD_SANDBOX_BWRAP, envPath);
  const setpriv = which("setpriv", envPath);
  const prlimit = which("prlimit", envPath);
  if (!bwrap || !setpriv || !prlimit) {
    const missing = [!bwrap && "bwrap", !setpriv && "setpriv", !prlimit && "prlimit"].filter(Boolean).join(", ");
    return { kind: "unavailable", reason: `the command sandbox is unavailable (${missing} not found); ${INSTALL_HINT}` };
  }
  const mode = { kind: isRoot() ? ("root" as const) : ("user" as const), bwrap, setpriv, prlimit };
  const probeRun = { command: "/bin/true", args: [], cwd: "/", env: {}, timeoutMs: 10_000 };
  const r = await spawnBounded(buildArgv(mode, probeRun, []), probeRun, "/", SECCOMP);
  if (r.error || r.code !== 0) {
    const why = (r.stderr.trim() || r.error || `exit ${r.code}`).split("\n")[0]!.slice(0, 300);
    return { kind: "unavailable", reason: `the command sandbox (bubblewrap) does not work here: ${why}; ${INSTALL_HINT}` };
  }
  return mode;
}

/** Written to the sandbox's fd 3 for `bwrap --seccomp 3` (null: no filter for this architecture). */
const SECCOMP = noUnixSocketsFilter();

/** Can `uid` (with no group rights) walk into `dir`? Root needs no rights. */
function traversable(dir: string, uid: number): boolean {
  if (uid === 0) return true;
  try {
    const st = statSync(dir);
    return st.uid === uid ? (st.mode & 0o100) !== 0 : (st.mode & 0o001) !== 0;
  } catch {
    return false;
  }
}

/** The first ancestor of `p` (excluding `p`) that `uid` cannot walk into, if any. */
function closedAncestor(p: string, uid: number): string | null {
  const parts = path.resolve(p).split(path.sep).filter(Boolean);
  let cur = "/";
  for (let i = 0; i < parts.length - 1; i++) {
    cur = path.join(cur, parts[i]!);
    if (!traversable(cur, uid)) return cur;
  }
  return null;
}

const HOMES = new Set(["/", "/root", "/home", homedir()]);

/**
 * Toolchains on PATH that sit under a directory closed to the sandbox uid (pyenv, nvm, cargo under
 * /root): their install prefix (the PATH entry's parent, e.g. ~/.pyenv for ~/.pyenv/shims) is made
 * visible read-only. A home directory itself is never exposed, only the entry.
 */
function toolchainRoots(envPath: string, uid: number): string[] {
  const out: string[] = [];
  for (const dir of envPath.split(":")) {
    if (!path.isAbsolute(dir) || !existsSync(dir) || !closedAncestor(path.join(dir, "x"), uid)) continue;
    const parent = path.dirname(dir);
    out.push(HOMES.has(parent) || path.dirname(parent) === "/home" ? dir : parent);
  }
  return out;
}

/** Operator-configured extra read-only paths (QD_SANDBOX_READONLY_PATHS, colon-separated). */
function configuredPaths(): string[] {
  return readEnv().QD_SANDBOX_READONLY_PATHS;
}

/** bwrap mount options: closed parents of exposed paths become empty tmpfs, then the binds. */
function mountArgs(readOnly: string[], writables: string[], uid: number): string[] {
  const exposed = [...new Set(readOnly.map((p) => path.resolve(p)))].filter((p) => existsSync(p)).sort((a, b) => a.length - b.length);
  const needs = [...exposed, ...writables].filter((p) => closedAncestor(p, uid));
  const tmpfs = [...new Set(needs.map((p) => closedAncestor(p, uid)!))].sort((a, b) => a.length - b.length);
  const within = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith("/") ? dir : dir + "/");
  const args: string[] = [];
  const hidden: string[] = [];
  for (const t of tmpfs) {
    if (hidden.some((h) => within(t, h))) continue;
    hidden.push(t);
    args.push("--tmpfs", t);
  }
  const bound: string[] = [];
  for (const p of exposed) {
    // Visible anyway (plain ro view) unless under a tmpfs we just mounted; bind each subtree once.
    if (!hidden.some((h) => within(p, h)) || bound.some((b) => within(p, b))) continue;
    bound.push(p);
    args.push("--ro-bind", p, p);
  }
  for (const w of writables) args.push("--bind", w, w);
  return args;
}

/** prlimit prefix applying a run's CPU/memory/process limits to the command it execs. */
export function limitsArgv(mode: Extract<SandboxMode, { bwrap: string }>, o: Pick<SandboxedProcessOptions, "timeoutMs" | "memoryMb" | "maxProcesses">): string[] {
  const memoryBytes = Math.max(16, Math.floor(o.memoryMb ?? 2048)) * 1024 * 1024;
  const cpuSeconds = Math.max(1, Math.ceil(o.timeoutMs / 1000) + 1);
  return [mode.prlimit, `--cpu=${cpuSeconds}`, `--data=${memoryBytes}`, `--nproc=${Math.max(8, o.maxProcesses ?? 512)}`, "--core=0", "--"];
}

/** Root mode: setpriv prefix that makes the command really `nobody`, without capabilities. */
export function dropArgv(mode: Extract<SandboxMode, { bwrap: string }>): string[] {
  return mode.kind === "root" ? [mode.setpriv, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_GID}`, "--clear-groups", "--inh-caps=-all", "--no-new-privs", "--"] : [];
}

/** The uid untrusted code has in this mode (and that must be able to use the writable directory). */
export function sandboxUid(mode: Extract<SandboxMode, { bwrap: string }>): number {
  return mode.kind === "root" ? SANDBOX_UID : (process.getuid?.() ?? SANDBOX_UID);
}

/**
 * bwrap up to its `--`: namespaces, read-only root, private /dev and /proc, `writable` bound
 * read-write, starting in `chdir`. In root mode the command keeps CAP_SETUID/CAP_SETGID (and uid 0)
 * only so that it can drop to nobody (setpriv, or the persistent sandbox's supervisor).
 */
export function bwrapArgv(mode: Extract<SandboxMode, { bwrap: string }>, writable: string | string[], chdir: string, readOnly: string[]): string[] {
  const common = ["--die-with-parent", "--new-session", ...(SECCOMP ? ["--seccomp", "3"] : []), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"];
  const mounts = mountArgs(readOnly, (Array.isArray(writable) ? writable : [writable]).map((w) => path.resolve(w)), sandboxUid(mode));
  const cd = ["--chdir", path.resolve(chdir)];
  if (mode.kind === "root") {
    // Privileged bwrap: namespaces without a user namespace, then setpriv drops to nobody for real.
    const ns = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"];
    return [mode.bwrap, ...ns, ...common, ...mounts, ...cd, "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--"];
  }
  return [mode.bwrap, "--unshare-all", ...common, ...mounts, ...cd, "--"];
}

/** The read-only paths a sandboxed command needs besides the root view (toolchains, configured paths, its workdir). */
export function sandboxReadOnlyPaths(mode: Extract<SandboxMode, { bwrap: string }>, o: Pick<SandboxedProcessOptions, "readOnlyPaths" | "env" | "workdir">): string[] {
  return [...(o.readOnlyPaths ?? []), ...configuredPaths(), ...toolchainRoots(o.env.PATH ?? "", sandboxUid(mode)), ...(o.workdir ? [o.workdir] : [])];
}

/** The seccomp filter bwrap reads from fd 3 (null: none for this architecture). */
export const SECCOMP_FILTER = SECCOMP;

function buildArgv(mode: Extract<SandboxMode, { bwrap: string }>, o: SandboxedProcessOptions, readOnly: string[]): string[] {
  return [...bwrapArgv(mode, o.cwd, o.workdir ?? o.cwd, readOnly), ...dropArgv(mode), ...limitsArgv(mode, o), o.command, ...o.args];
}

const CANCELLED = "cancelled (process group killed)";

/**
 * spawn() forks the worker synchronously, which takes milliseconds for a large process, far more on
 * a loaded machine. Many evaluations starting together would otherwise fork back to back without
 * returning to the event loop, starving it long enough for the worker to lose its job locks. Each
 * spawn waits for its own turn of the event loop, so timers and I/O run between any two forks.
 */
let spawnTurn: Promise<void> = Promise.resolve();
export function nextSpawnTurn(): Promise<void> {
  const turn = spawnTurn.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  spawnTurn = turn;
  return turn;
}

/** Run a command in the sandbox. Never rejects: failures are in `error`. */
export async function runSandboxedProcess(o: SandboxedProcessOptions): Promise<SandboxedProcessResult> {
  if (o.signal?.aborted) return { code: null, signal: null, stdout: Buffer.alloc(0), stderr: "", error: CANCELLED, ms: 0 };
  const mode = await processSandboxMode();
  if (mode.kind === "unavailable") return { code: null, signal: null, stdout: Buffer.alloc(0), stderr: "", error: mode.reason, ms: 0 };
  let argv: string[];
  if (mode.kind === "unsafe") argv = [o.command, ...o.args];
  else {
    if (mode.kind === "root") {
      try {
        chownSync(o.cwd, SANDBOX_UID, SANDBOX_GID);
      } catch (e) {
        return { code: null, signal: null, stdout: Buffer.alloc(0), stderr: "", error: `cannot prepare the sandbox directory: ${(e as Error).message}`, ms: 0 };
      }
    }
    argv = buildArgv(mode, o, sandboxReadOnlyPaths(mode, o));
  }
  await nextSpawnTurn();
  if (o.signal?.aborted) return { code: null, signal: null, stdout: Buffer.alloc(0), stderr: "", error: CANCELLED, ms: 0 };
  const r = await spawnBounded(argv, o, mode.kind === "unsafe" ? path.resolve(o.workdir ?? o.cwd) : "/", mode.kind === "unsafe" ? null : SECCOMP);
  return mode.kind === "unsafe" ? r : explainExecFailure(r, o);
}

/** prlimit execs the command inside the sandbox: turn its exec failure into the spawn-style reason. */
export function explainExecFailure(r: SandboxedProcessResult, o: SandboxedProcessOptions): SandboxedProcessResult {
  if (r.error || (r.code !== 126 && r.code !== 127)) return r;
  const m = /^prlimit: failed to execute .*: (No such file or directory|Permission denied)$/m.exec(r.stderr);
  if (!m) return r;
  const error = m[1] === "Permission denied" ? `command not executable: ${o.command}` : `command not found: ${o.command} (cwd ${o.workdir ?? o.cwd})`;
  return { ...r, stderr: r.stderr.replace(m[0], "").trim(), error };
}

/** Spawn in its own process group; bounded output; settles at the timeout or soon after exit. */
export function spawnBounded(argv: string[], o: SandboxedProcessOptions, cwd: string, fd3: Buffer | null): Promise<SandboxedProcessResult> {
  const t0 = performance.now();
  const maxStdout = o.maxStdoutBytes ?? 16 * 1024 * 1024;
  const maxStderr = o.maxStderrBytes ?? 64 * 1024;
  return new Promise((resolve) => {
    let settled = false;
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = "";
    let failure: string | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
    let child: ChildProcess;
    let drainTimer: NodeJS.Timeout | undefined;
    const killGroup = () => {
      try {
        if (child?.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        try {
          child?.kill("SIGKILL");
        } catch {
          /* gone */
        }
      }
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      o.signal?.removeEventListener("abort", onAbort);
      clearTimeout(timer);
      clearTimeout(drainTimer);
      killGroup();
      child?.stdout?.destroy();
      child?.stderr?.destroy();
      child?.stdin?.destroy();
      if (stderr.length > maxStderr) stderr = "…" + stderr.slice(-maxStderr);
      resolve({ ...exit, stdout: failure ? Buffer.alloc(0) : Buffer.concat(stdout), stderr, ms: performance.now() - t0, ...(failure ? { error: failure } : {}) });
    };
    const timer = setTimeout(() => {
      failure ??= `timed out after ${o.timeoutMs} ms (process group killed)`;
      finish();
    }, o.timeoutMs);
    const onAbort = () => {
      failure ??= CANCELLED;
      finish();
    };
    o.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      child = spawn(argv[0]!, argv.slice(1), { cwd, env: o.env as NodeJS.ProcessEnv, detached: true, stdio: fd3 ? ["pipe", "pipe", "pipe", "pipe"] : ["pipe", "pipe", "pipe"], shell: false });
    } catch (e) {
      failure = `failed to start command: ${(e as Error).message}`;
      finish();
      return;
    }
    child.on("error", (e: NodeJS.ErrnoException) => {
      failure ??=
        e.code === "ENOENT"
          ? `command not found: ${o.command} (cwd ${o.workdir ?? o.cwd})`
          : e.code === "EACCES"
            ? `command not executable: ${o.command}`
            : `failed to start command: ${e.message}`;
      finish();
    });
    child.stdout!.on("data", (d: Buffer) => {
      if (failure) return;
      stdoutBytes += d.length;
      if (stdoutBytes > maxStdout) {
        failure = `output too large: more than ${maxStdout} bytes on stdout (process group killed)`;
        finish();
        return;
      }
      stdout.push(d);
    });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (d: string) => {
      if (maxStderr === 0) return;
      stderr += d;
      if (stderr.length > 2 * maxStderr) stderr = stderr.slice(-maxStderr);
    });
    child.stdin!.on("error", () => {
      /* EPIPE: the program did not read its input; its exit status tells the story */
    });
    child.stdin!.end(o.stdin ?? "");
    if (fd3) {
      const seccomp = child.stdio[3] as Writable;
      seccomp.on("error", () => undefined);
      seccomp.end(fd3);
    }
    // A grandchild may keep the pipes open after the command exited: give the pipes a moment to
    // drain, then settle anyway (finish() kills the group and closes our ends). The timer's phase
    // runs before the poll phase, so on a starved event loop (many evaluations at once on a busy
    // machine) it could fire before the output already in the pipe was read: settle one poll later.
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      drainTimer = setTimeout(() => setImmediate(finish), DRAIN_AFTER_EXIT_MS);
    });
    child.on("close", (code, signal) => {
      exit = { code, signal };
      finish();
    });
  });
}
