/**
 * Untrusted-code sandbox (LLM-written programs, user evaluators, user mutation operators).
 *
 * Isolation: code runs in an isolated-vm V8 isolate (own heap with a memory limit, CPU/wall-clock
 * timeout) that lives in a separate *sandbox host process* (`host.mjs`), which is started with an
 * empty environment, cwd = os.tmpdir(), `--no-node-snapshot` (required by isolated-vm on Node 20)
 * and, when this process is root, uid/gid `nobody`. So untrusted code never shares a V8 context, a
 * heap or even a process with the worker, and the worker's secrets (process.env) are not in the
 * host's memory at all. A crash of the host (isolated-vm bug, runaway memory) only fails the calls
 * in flight (kind `internal`); the host is restarted on the next call.
 *
 * Code convention: a *script* that declares the entry point as a top-level function, e.g.
 *   function evaluate(genome) { return { fitness: ... } }      // or `async function`
 * A leading `export ` / `export default ` before `function|async function|const|let|var|class` is
 * stripped, so ESM-looking code works too; `import` statements are not supported (no modules).
 * The entry is called with the JSON-serializable `args` (spread as arguments) and must return a
 * JSON-serializable value (or a promise of one). The value is serialized to JSON inside the
 * isolate and parsed here, so callers always get a deep copy. Functions, symbols, bigints,
 * NaN/±Infinity, cycles and outputs above `maxOutputBytes` are `invalid-output`. Returning
 * `undefined` gives `{ ok: true, value: undefined }`.
 *
 * Inside: standard ECMAScript built-ins (Math, JSON, Array, Map, Promise, ...) plus `console`
 * (log/info/warn/error/debug, captured as `logs`, bounded by `maxLogBytes`). No require, import(),
 * process, fetch, setTimeout/setInterval, fs, network or any host object.
 *
 * Reuse: `createSandbox()` loads the code once per pooled isolate and serves many calls; the
 * top-level code runs once per isolate (and again after a timeout/memory failure, which discards
 * the isolate). Globals therefore persist between calls on the same isolate unless
 * `freshContext: true` (a new context per call; ~0.5 ms extra).
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export type SandboxErrorKind = "timeout" | "memory" | "syntax" | "runtime" | "invalid-output" | "internal";

export type SandboxResult<T = unknown> =
  | { ok: true; value: T; logs: string; ms: number }
  | { ok: false; error: { kind: SandboxErrorKind; message: string }; logs: string; ms: number };

export interface SandboxLimits {
  /** Per-call time limit (wall clock; covers sync loops and never-settling promises). Default 1000. */
  timeoutMs?: number;
  /** Isolate heap limit in MB (isolated-vm minimum 8). Default 64. */
  memoryMb?: number;
  /** Captured console output per call (chars). Default 64 KiB. */
  maxLogBytes?: number;
  /** Max size of the JSON-serialized return value. Default 1 MiB. */
  maxOutputBytes?: number;
}

export interface RunInSandboxOptions extends SandboxLimits {
  code: string;
  /** Name of the top-level function to call. */
  entry: string;
  /** Arguments (JSON-serializable), spread into the call. */
  args?: unknown[];
  /** Host process to use; default: the shared per-process host. */
  host?: SandboxHost;
}

export interface CreateSandboxOptions extends Omit<SandboxLimits, "timeoutMs"> {
  code: string;
  /** Default per-call timeout. Default 1000. */
  timeoutMs?: number;
  /** Max isolates (= concurrent calls) for this sandbox. Default 1. */
  poolSize?: number;
  /** New JS context (fresh globals) for every call. Default false. */
  freshContext?: boolean;
  host?: SandboxHost;
}

export interface Sandbox {
  /** Call `entry(...args)`. Calls beyond `poolSize` queue. */
  call<T = unknown>(entry: string, args?: unknown[], opts?: { timeoutMs?: number }): Promise<SandboxResult<T>>;
  /**
   * Call `entry` once per element of `argsList` (each element = the argument array of one call),
   * in order. Splits the batch over the pool; each chunk is one IPC round trip, each call keeps its
   * own time limit. Much cheaper per call than `call()` for many small calls.
   */
  callMany<T = unknown>(entry: string, argsList: unknown[][], opts?: { timeoutMs?: number; chunkSize?: number }): Promise<SandboxResult<T>[]>;
  /** Dispose the isolates. Pending queued calls fail with kind `internal`. */
  close(): Promise<void>;
  readonly poolSize: number;
}

const DEFAULTS = { timeoutMs: 1000, memoryMb: 64, maxLogBytes: 64 * 1024, maxOutputBytes: 1024 * 1024 };
/** Resolved lazily: bundlers (Next) may rewrite `new URL(..., import.meta.url)` to a non-file URL. */
function hostPath(): string {
  try {
    const u = new URL("./host.mjs", import.meta.url);
    if (u.protocol === "file:") return fileURLToPath(u);
  } catch {
    /* fall through */
  }
  return join(process.cwd(), "lib", "sandbox", "host.mjs");
}
/** Why a host start was refused; candidates fail with this and the run pauses with it. */
const REFUSAL = "the JavaScript sandbox never runs untrusted code as root";
const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;
/** Extra time the host gets beyond the call's own limits before we SIGKILL it. */
const WATCHDOG_GRACE_MS = 3000;

interface HostResultMsg {
  t: "result";
  id: string;
  ok: boolean;
  json?: string;
  kind?: SandboxErrorKind;
  message?: string;
  logs?: string;
  ms?: number;
}

interface HostResultsMsg {
  t: "results";
  id: string;
  results: Array<Omit<HostResultMsg, "t" | "id">>;
}

interface Pending {
  /** Called with the host's message, or with an error (host died / watchdog) for every item. */
  settle: (m: HostResultMsg | HostResultsMsg | { t: "fail"; kind: SandboxErrorKind; message: string }) => void;
  timer: NodeJS.Timeout;
  t0: number;
}

function decodeResult(m: Omit<HostResultMsg, "t" | "id">, fallbackMs: number): SandboxResult {
  const logs = typeof m.logs === "string" ? m.logs : "";
  const ms = typeof m.ms === "number" ? m.ms : fallbackMs;
  if (m.ok) {
    if (m.json === undefined) return { ok: true, value: undefined, logs, ms };
    try {
      return { ok: true, value: JSON.parse(m.json), logs, ms };
    } catch {
      return { ok: false, error: { kind: "invalid-output", message: "output is not valid JSON" }, logs, ms };
    }
  }
  return { ok: false, error: { kind: m.kind ?? "internal", message: m.message ?? "unknown error" }, logs, ms };
}

export interface SandboxHostOptions {
  /** Heap of the host process itself (isolates have their own heaps). Default 256. */
  hostHeapMb?: number;
  /** Run the host as this uid/gid. Default: 65534 (nobody) when running as root, else unchanged. Never 0. */
  uid?: number;
  gid?: number;
  /** Test hook: the host script to run (default lib/sandbox/host.mjs). */
  script?: string;
}

/**
 * One sandbox host child process. Normally you use the shared one implicitly; create your own to
 * separate tenants (e.g. one per experiment) or in tests.
 */
export class SandboxHost {
  private child: ChildProcess | null = null;
  private ready: Promise<ChildProcess> | null = null;
  private pending = new Map<string, Pending>();
  /** Incremented every time a new child is started; slots re-open when it changes. */
  generation = 0;
  private readonly dropPrivileges: boolean;
  private closed = false;

  constructor(private readonly opts: SandboxHostOptions = {}) {
    this.dropPrivileges = opts.uid !== undefined || isRoot();
  }

  /** Whether a host process is currently running. */
  get running(): boolean {
    return this.child !== null;
  }

  /** PID of the running host process (undefined when not started). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private start(): Promise<ChildProcess> {
    if (this.closed) return Promise.reject(new Error("sandbox host is closed"));
    if (this.ready) return this.ready;
    const attempt = (drop: boolean) =>
      new Promise<ChildProcess>((resolve, reject) => {
        const child = fork(this.opts.script ?? hostPath(), [], {
          execPath: process.execPath,
          execArgv: ["--no-node-snapshot", `--max-old-space-size=${this.opts.hostHeapMb ?? 256}`],
          env: {} as NodeJS.ProcessEnv, // nothing from the worker's environment
          cwd: tmpdir(),
          stdio: ["ignore", "ignore", "pipe", "ipc"],
          serialization: "json",
          ...(drop ? { uid: this.opts.uid ?? 65534, gid: this.opts.gid ?? 65534 } : {}),
        });
        let stderr = "";
        child.stderr?.on("data", (d: Buffer) => {
          stderr = (stderr + d.toString()).slice(-4000);
        });
        const onExit = (code: number | null, signal: string | null) =>
          reject(new Error(`sandbox host failed to start (code ${code}, signal ${signal}): ${stderr.trim()}`));
        child.once("exit", onExit);
        child.once("error", (e) => reject(e));
        child.once("message", (m: unknown) => {
          if (m && typeof m === "object" && (m as { t?: string }).t === "ready") {
            child.off("exit", onExit);
            resolve(child);
          } else reject(new Error("sandbox host: unexpected first message"));
        });
      });
    this.ready = (async () => {
      // Never run untrusted code as root: when the drop to `nobody` fails, fail closed with why.
      if (this.dropPrivileges && (this.opts.uid === 0 || this.opts.gid === 0)) throw new Error(`${REFUSAL}: uid/gid 0 requested`);
      const child = await attempt(this.dropPrivileges).catch((e: Error) => {
        throw new Error(this.dropPrivileges ? `${REFUSAL}: it could not start as uid ${this.opts.uid ?? 65534} (${e.message})` : e.message);
      });
      this.generation++;
      this.child = child;
      child.on("message", (m: unknown) => this.onMessage(m as HostResultMsg));
      child.once("exit", (code, signal) => this.onExit(child, code, signal));
      this.updateRef();
      return child;
    })();
    this.ready.catch(() => {
      this.ready = null;
    });
    return this.ready;
  }

  private onMessage(m: HostResultMsg | HostResultsMsg): void {
    if (!m || (m.t !== "result" && m.t !== "results")) return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    this.updateRef();
    p.settle(m);
  }

  private onExit(child: ChildProcess, code: number | null, signal: string | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.ready = null;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.settle({ t: "fail", kind: "internal", message: `sandbox host process exited (code ${code}, signal ${signal}); call aborted` });
    }
  }

  /** Keep the event loop alive only while calls are in flight. */
  private updateRef(): void {
    const c = this.child;
    if (!c) return;
    const ch = (c as unknown as { channel?: { ref(): void; unref(): void } }).channel;
    if (this.pending.size > 0) {
      c.ref();
      ch?.ref();
    } else {
      c.unref();
      ch?.unref();
    }
  }

  /** @internal */
  async send(msg: Record<string, unknown>): Promise<number> {
    const child = await this.start();
    child.send(msg);
    return this.generation;
  }

  /** @internal Send a request and wait for the reply, with a watchdog that kills a stuck host. */
  private request<R>(
    msg: Record<string, unknown>,
    watchdogMs: number,
    decode: (m: HostResultMsg | HostResultsMsg | { t: "fail"; kind: SandboxErrorKind; message: string }, ms: number) => R,
  ): Promise<R> {
    const id = randomUUID();
    const t0 = performance.now();
    return this.start().then(
      (child) =>
        new Promise<R>((resolve) => {
          const settle: Pending["settle"] = (m) => resolve(decode(m, performance.now() - t0));
          const timer = setTimeout(() => {
            if (!this.pending.has(id)) return;
            this.pending.delete(id);
            settle({ t: "fail", kind: "timeout", message: `timed out (sandbox host unresponsive for ${watchdogMs} ms, restarted)` });
            child.kill("SIGKILL");
          }, watchdogMs);
          this.pending.set(id, { settle, timer, t0 });
          this.updateRef();
          child.send({ ...msg, id });
        }),
      (e: Error) => decode({ t: "fail", kind: "internal", message: e.message }, performance.now() - t0),
    );
  }

  /** @internal One call on an opened slot. */
  call(msg: { sid: string; entry: string; argsJson: string; timeoutMs: number }): Promise<SandboxResult> {
    // Load (top-level code) and call each get timeoutMs, plus grace for the host itself.
    return this.request({ ...msg, t: "call" }, 2 * msg.timeoutMs + WATCHDOG_GRACE_MS, (m, ms) => {
      if (m.t === "result") return decodeResult(m, ms);
      if (m.t === "fail") return { ok: false, error: { kind: m.kind, message: m.message }, logs: "", ms };
      return { ok: false, error: { kind: "internal", message: "unexpected reply" }, logs: "", ms };
    });
  }

  /** @internal A batch of calls run sequentially on one slot. */
  callMany(msg: { sid: string; entry: string; argsJsonList: string[]; timeoutMs: number }): Promise<SandboxResult[]> {
    const n = msg.argsJsonList.length;
    return this.request({ ...msg, t: "callMany" }, (n + 1) * msg.timeoutMs + WATCHDOG_GRACE_MS, (m, ms) => {
      if (m.t === "results" && Array.isArray(m.results) && m.results.length === n) return m.results.map((r) => decodeResult(r, ms / n));
      const error =
        m.t === "fail" ? { kind: m.kind, message: m.message } : m.t === "result" && !m.ok ? { kind: m.kind ?? "internal", message: m.message ?? "error" } : { kind: "internal" as const, message: "unexpected reply" };
      return Array.from({ length: n }, (): SandboxResult => ({ ok: false, error, logs: "", ms: ms / n }));
    });
  }

  /** Stop the host process. Calls in flight fail with kind `internal`. */
  async close(): Promise<void> {
    this.closed = true;
    const c = this.child;
    if (!c) return;
    c.ref();
    await new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      c.kill("SIGKILL");
    });
  }

  /** Test hook: kill the current host process (simulates a crash). */
  kill(): void {
    this.child?.kill("SIGKILL");
  }
}

let sharedHost: SandboxHost | null = null;
/** The per-process shared sandbox host (started lazily on first use). */
export function getSharedSandboxHost(): SandboxHost {
  if (!sharedHost) sharedHost = new SandboxHost();
  return sharedHost;
}
/** Stop the shared host (e.g. on worker shutdown). A later call starts a new one. */
export async function shutdownSharedSandboxHost(): Promise<void> {
  const h = sharedHost;
  sharedHost = null;
  await h?.close();
}

function normLimits(o: SandboxLimits) {
  const int = (v: number | undefined, d: number, min: number, max: number) =>
    Math.min(max, Math.max(min, Math.floor(Number.isFinite(v) ? (v as number) : d)));
  return {
    timeoutMs: int(o.timeoutMs, DEFAULTS.timeoutMs, 1, 10 * 60_000),
    memoryMb: int(o.memoryMb, DEFAULTS.memoryMb, 8, 4096),
    maxLogBytes: int(o.maxLogBytes, DEFAULTS.maxLogBytes, 0, 16 * 1024 * 1024),
    maxOutputBytes: int(o.maxOutputBytes, DEFAULTS.maxOutputBytes, 16, 256 * 1024 * 1024),
  };
}

function encodeArgs(args: unknown[] | undefined): { json: string } | { error: string } {
  try {
    const json = JSON.stringify(args ?? []);
    if (typeof json !== "string") return { error: "args are not JSON-serializable" };
    return { json };
  } catch (e) {
    return { error: `args are not JSON-serializable: ${(e as Error).message}` };
  }
}

/** Run `entry(...args)` from `code` once, in a fresh isolate that is disposed afterwards. */
export async function runInSandbox<T = unknown>(opts: RunInSandboxOptions): Promise<SandboxResult<T>> {
  const sb = createSandbox({ ...opts, poolSize: 1 });
  try {
    return await sb.call<T>(opts.entry, opts.args ?? []);
  } finally {
    await sb.close();
  }
}

interface Slot {
  sid: string;
  openedGen: number;
  busy: boolean;
}

/** A reusable sandbox: `poolSize` isolates with `code` loaded, serving many calls. */
export function createSandbox(opts: CreateSandboxOptions): Sandbox {
  const host = opts.host ?? getSharedSandboxHost();
  const limits = normLimits(opts);
  const poolSize = Math.max(1, Math.min(64, Math.floor(opts.poolSize ?? 1)));
  const slots: Slot[] = [];
  const waiters: Array<(slot: Slot | null) => void> = [];
  let closed = false;

  const acquire = (): Promise<Slot | null> => {
    if (closed) return Promise.resolve(null);
    const free = slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    if (slots.length < poolSize) {
      const s: Slot = { sid: randomUUID(), openedGen: -1, busy: true };
      slots.push(s);
      return Promise.resolve(s);
    }
    return new Promise((resolve) => waiters.push(resolve));
  };
  const release = (slot: Slot) => {
    const w = waiters.shift();
    if (w) w(slot);
    else slot.busy = false;
  };

  const ensureOpen = async (slot: Slot): Promise<string | null> => {
    if (slot.openedGen >= 0 && slot.openedGen === host.generation && host.running) return null;
    try {
      slot.openedGen = await host.send({ t: "open", sid: slot.sid, code: opts.code, ...limits, freshContext: !!opts.freshContext });
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  };
  const failAll = <T>(n: number, kind: SandboxErrorKind, message: string): SandboxResult<T>[] =>
    Array.from({ length: n }, () => ({ ok: false as const, error: { kind, message }, logs: "", ms: 0 }));

  const runChunk = async <T>(entry: string, jsons: string[], timeoutMs: number): Promise<SandboxResult<T>[]> => {
    const slot = await acquire();
    if (!slot) return failAll<T>(jsons.length, "internal", "sandbox is closed");
    try {
      const err = await ensureOpen(slot);
      if (err) return failAll<T>(jsons.length, "internal", err);
      if (jsons.length === 1) return [(await host.call({ sid: slot.sid, entry, argsJson: jsons[0]!, timeoutMs })) as SandboxResult<T>];
      return (await host.callMany({ sid: slot.sid, entry, argsJsonList: jsons, timeoutMs })) as SandboxResult<T>[];
    } finally {
      release(slot);
    }
  };

  return {
    poolSize,
    async call<T>(entry: string, args: unknown[] = [], callOpts: { timeoutMs?: number } = {}): Promise<SandboxResult<T>> {
      const enc = encodeArgs(args);
      if ("error" in enc) return { ok: false, error: { kind: "runtime", message: enc.error }, logs: "", ms: 0 };
      const timeoutMs = normLimits({ timeoutMs: callOpts.timeoutMs ?? limits.timeoutMs }).timeoutMs;
      return (await runChunk<T>(entry, [enc.json], timeoutMs))[0]!;
    },
    async callMany<T>(entry: string, argsList: unknown[][], callOpts: { timeoutMs?: number; chunkSize?: number } = {}): Promise<SandboxResult<T>[]> {
      const timeoutMs = normLimits({ timeoutMs: callOpts.timeoutMs ?? limits.timeoutMs }).timeoutMs;
      const out: SandboxResult<T>[] = new Array(argsList.length);
      const todo: Array<{ i: number; json: string }> = [];
      argsList.forEach((args, i) => {
        const enc = encodeArgs(args);
        if ("error" in enc) out[i] = { ok: false, error: { kind: "runtime", message: enc.error }, logs: "", ms: 0 };
        else todo.push({ i, json: enc.json });
      });
      const chunk = Math.max(1, Math.floor(callOpts.chunkSize ?? Math.min(256, Math.ceil(todo.length / poolSize))));
      const jobs: Promise<void>[] = [];
      for (let k = 0; k < todo.length; k += chunk) {
        const part = todo.slice(k, k + chunk);
        jobs.push(
          runChunk<T>(entry, part.map((p) => p.json), timeoutMs).then((rs) => {
            part.forEach((p, j) => (out[p.i] = rs[j]!));
          }),
        );
      }
      await Promise.all(jobs);
      return out;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const w of waiters.splice(0)) w(null);
      for (const s of slots) {
        if (host.running && s.openedGen === host.generation) await host.send({ t: "close", sid: s.sid }).catch(() => undefined);
      }
    },
  };
}
