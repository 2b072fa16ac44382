// QD Studio sandbox host process.
//
// Started by lib/sandbox/index.ts with `node --no-node-snapshot host.mjs`, an EMPTY environment,
// cwd = os.tmpdir(), and (when the parent runs as root) uid/gid `nobody`. It owns isolated-vm
// isolates ("slots"): untrusted code runs only inside those isolates, never in this process's own
// V8 context. The contexts get no host objects except one copy-only logging callback; there is no
// require/import/process/fetch/timers in there.
//
// Protocol (IPC messages, JSON):
//   parent -> host  {t:'open', sid, code, memoryMb, timeoutMs, maxLogBytes, maxOutputBytes, freshContext}
//                   {t:'call', id, sid, entry, argsJson, timeoutMs}
//                   {t:'callMany', id, sid, entry, argsJsonList, timeoutMs}   (sequential on the slot)
//                   {t:'close', sid}
//   host -> parent  {t:'ready', pid}
//                   {t:'result', id, ok:true, json?:string, logs, ms}
//                   {t:'result', id, ok:false, kind, message, logs, ms}
//                   {t:'results', id, results: [<result fields without t/id>, ...]}
// Code is loaded lazily on the first call of a slot (and again after the isolate had to be
// disposed: timeout, memory limit); load errors (syntax, top-level throw/loop) are the call's result.
import ivm from "isolated-vm";
import { stripExports } from "./strip-exports.mjs";

// Defence in depth: the parent never starts this host as root; refuse if it happens anyway.
if (typeof process.getuid === "function" && process.getuid() === 0) {
  process.stderr.write("the sandbox host refuses to run as root\n");
  process.exit(78);
}

/** Runs inside each fresh context before user code. Returns the `invoke` function. */
const BOOTSTRAP = String.raw`
(function (__log, __limits) {
  "use strict";
  const g = globalThis;
  const stringify = JSON.stringify, parse = JSON.parse, S = String, isFiniteNum = Number.isFinite;
  const ObjectDefineProperty = Object.defineProperty, ArrayIsArray = Array.isArray;
  const apply = Reflect.apply;
  let budget = __limits.maxLogBytes;
  const fmt = (v) => {
    try {
      if (typeof v === "string") return v;
      if (v instanceof Error) return S(v.stack || v);
      const s = stringify(v);
      return s === undefined ? S(v) : s;
    } catch (e) {
      try { return S(v); } catch (e2) { return "[unprintable]"; }
    }
  };
  const write = (level, args) => {
    if (budget <= 0) return;
    let parts = "";
    for (let i = 0; i < args.length && parts.length <= budget; i++) parts += (i ? " " : "") + fmt(args[i]);
    let line = level === "log" ? parts : "[" + level + "] " + parts;
    if (line.length > budget) line = line.slice(0, budget) + "…[log truncated]";
    budget -= line.length + 1;
    __log(line);
  };
  const mk = (level) => function () { write(level, arguments); };
  const consoleObj = { log: mk("log"), info: mk("info"), warn: mk("warn"), error: mk("error"), debug: mk("debug"), trace: mk("trace") };
  ObjectDefineProperty(g, "console", { value: consoleObj, writable: true, configurable: true, enumerable: false });
  // Not needed by evaluators/mutations; removing it shrinks the attack surface (wasm JIT, memory).
  delete g.WebAssembly;
  const describe = (e) => {
    try {
      if (e instanceof Error) {
        const name = S(e.name), msg = S(e.message);
        return name + ": " + msg;
      }
      if (e === undefined) return "threw undefined";
      if (e === null) return "threw null";
      if (typeof e === "object") { const s = stringify(e); return "threw non-Error value: " + (s === undefined ? S(e) : s).slice(0, 2000); }
      return "threw non-Error value: " + S(e).slice(0, 2000);
    } catch (e2) {
      return "threw an unprintable value";
    }
  };
  const replacer = function (k, v) {
    const t = typeof v;
    if (t === "function") throw new TypeError("functions are not JSON-serializable (key " + stringify(k) + ")");
    if (t === "symbol") throw new TypeError("symbols are not JSON-serializable (key " + stringify(k) + ")");
    if (t === "bigint") throw new TypeError("bigints are not JSON-serializable (key " + stringify(k) + ")");
    if (t === "number" && !isFiniteNum(v)) throw new TypeError("non-finite number " + S(v) + " (key " + stringify(k) + ")");
    return v;
  };
  return async function invoke(entry, argsJson) {
    budget = __limits.maxLogBytes;
    const fn = g[entry];
    if (typeof fn !== "function") return { ok: false, kind: "runtime", message: "entry function '" + entry + "' is not defined (declare it as a top-level function)" };
    let value;
    try {
      const args = parse(argsJson);
      value = await apply(fn, undefined, ArrayIsArray(args) ? args : [args]);
    } catch (e) {
      return { ok: false, kind: "runtime", message: describe(e) };
    }
    if (value === undefined) return { ok: true, undef: true };
    let json;
    try {
      json = stringify(value, replacer);
    } catch (e) {
      return { ok: false, kind: "invalid-output", message: "return value is not JSON-serializable: " + describe(e) };
    }
    if (typeof json !== "string") return { ok: false, kind: "invalid-output", message: "return value is not JSON-serializable" };
    if (json.length > __limits.maxOutputBytes) return { ok: false, kind: "invalid-output", message: "output too large (" + json.length + " chars > " + __limits.maxOutputBytes + ")" };
    return { ok: true, json: json };
  };
})
`;

const slots = new Map();
/** Allocation failures V8 reports as ordinary RangeErrors inside the isolate. */
const MEMORY_ERRORS = /^RangeError: (Array buffer allocation failed|Invalid string length|Invalid array length|Invalid typed array length)/;

function send(msg) {
  if (process.connected) process.send(msg);
}

function classify(err, slot) {
  const message = err && typeof err.message === "string" ? err.message : String(err);
  if (slot.isolate && slot.isolate.isDisposed && !slot.timedOut) return { kind: "memory", message: `memory limit exceeded (${slot.memoryMb} MB): ${message}` };
  if (/memory limit/i.test(message)) return { kind: "memory", message: `memory limit exceeded (${slot.memoryMb} MB): ${message}` };
  if (/timed out/i.test(message)) return { kind: "timeout", message: `timed out after ${slot.curTimeout} ms` };
  if (err && err.name === "SyntaxError") return { kind: "syntax", message: `SyntaxError: ${message}` };
  if (MEMORY_ERRORS.test(message)) return { kind: "memory", message };
  return { kind: "runtime", message: err && err.name ? `${err.name}: ${message}` : message };
}

function disposeIsolate(slot) {
  try {
    if (slot.isolate && !slot.isolate.isDisposed) slot.isolate.dispose();
  } catch {
    /* already gone */
  }
  slot.isolate = null;
  slot.script = null;
  slot.context = null;
  slot.invoke = null;
}

function pushLog(slot, line) {
  if (typeof line !== "string") return;
  const room = slot.maxLogBytes - slot.logBytes;
  if (room <= 0) return;
  const l = line.length > room ? line.slice(0, room) + "…[log truncated]" : line;
  slot.logs.push(l);
  slot.logBytes += l.length + 1;
}

/** Promise that settles with the work or with a timeout (which disposes the isolate). */
function withTimeout(slot, promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      slot.timedOut = true;
      disposeIsolate(slot);
      reject(new Error("Script execution timed out."));
    }, ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

async function ensureLoaded(slot, timeoutMs) {
  if (!slot.isolate || slot.isolate.isDisposed) {
    disposeIsolate(slot);
    slot.isolate = new ivm.Isolate({ memoryLimit: slot.memoryMb });
    slot.script = null;
  }
  if (!slot.script) {
    slot.script = await slot.isolate.compileScript(stripExports(slot.code), { filename: "file:///sandbox/user-code.js" });
  }
  if (!slot.context) {
    const context = await slot.isolate.createContext();
    const logCb = new ivm.Callback((line) => pushLog(slot, line));
    const invoke = await context.evalClosure(`return (${BOOTSTRAP})($0, $1);`, [logCb, { maxLogBytes: slot.maxLogBytes, maxOutputBytes: slot.maxOutputBytes }], {
      arguments: { copy: true },
      result: { reference: true },
      timeout: 5000,
    });
    // `$0` (a Callback) is transferred as a plain function; the limits object is copied.
    await withTimeout(slot, slot.script.run(context, { timeout: timeoutMs }), timeoutMs);
    slot.context = context;
    slot.invoke = invoke;
  }
}

/** Run one call on a slot; returns the result fields (without id). Never throws. */
async function runOne(slot, entry, argsJson, timeoutMs) {
  const t0 = performance.now();
  slot.logs = [];
  slot.logBytes = 0;
  slot.timedOut = false;
  slot.curTimeout = timeoutMs;
  const done = (res) => {
    const logs = slot.logs.join("\n");
    slot.logs = [];
    return { logs, ms: performance.now() - t0, ...res };
  };
  try {
    const tLoad = performance.now();
    await ensureLoaded(slot, timeoutMs);
    const remaining = Math.max(1, timeoutMs - Math.floor(performance.now() - tLoad));
    const r = await withTimeout(
      slot,
      slot.invoke.apply(undefined, [entry, argsJson], {
        arguments: { copy: true },
        result: { copy: true, promise: true },
        timeout: remaining,
      }),
      remaining,
    );
    if (slot.freshContext) dropContext(slot);
    if (!r || typeof r !== "object" || typeof r.ok !== "boolean") return done({ ok: false, kind: "invalid-output", message: "sandbox returned a malformed result" });
    if (r.ok) {
      if (r.undef === true) return done({ ok: true });
      if (typeof r.json !== "string") return done({ ok: false, kind: "invalid-output", message: "sandbox returned a malformed result" });
      if (Buffer.byteLength(r.json) > slot.maxOutputBytes)
        return done({ ok: false, kind: "invalid-output", message: `output too large (> ${slot.maxOutputBytes} bytes)` });
      return done({ ok: true, json: r.json });
    }
    let kind = ["runtime", "invalid-output"].includes(r.kind) ? r.kind : "runtime";
    const message = typeof r.message === "string" ? r.message.slice(0, 4000) : "error";
    if (kind === "runtime" && MEMORY_ERRORS.test(message)) kind = "memory";
    return done({ ok: false, kind, message });
  } catch (err) {
    const c = classify(err, slot);
    // After a timeout or memory error the isolate may be half-dead: start afresh next call.
    if (c.kind === "timeout" || c.kind === "memory") disposeIsolate(slot);
    else if (c.kind !== "syntax") dropContext(slot);
    return done({ ok: false, ...c });
  }
}

const UNKNOWN = { ok: false, kind: "internal", message: "unknown sandbox slot", logs: "", ms: 0 };

async function handleCall(msg) {
  const slot = slots.get(msg.sid);
  const res = slot ? await runOne(slot, msg.entry, msg.argsJson, msg.timeoutMs) : UNKNOWN;
  send({ t: "result", id: msg.id, ...res });
}

/** A batch: the calls run one after another on the same slot, each with its own time limit. */
async function handleMany(msg) {
  const slot = slots.get(msg.sid);
  const results = [];
  for (const argsJson of msg.argsJsonList) results.push(slot ? await runOne(slot, msg.entry, argsJson, msg.timeoutMs) : UNKNOWN);
  send({ t: "results", id: msg.id, results });
}

function dropContext(slot) {
  try {
    slot.invoke?.release();
  } catch {
    /* ignore */
  }
  try {
    slot.context?.release();
  } catch {
    /* ignore */
  }
  slot.context = null;
  slot.invoke = null;
}

process.on("message", (msg) => {
  if (!msg || typeof msg !== "object") return;
  switch (msg.t) {
    case "open": {
      const old = slots.get(msg.sid);
      if (old) disposeIsolate(old);
      slots.set(msg.sid, {
        code: String(msg.code),
        memoryMb: Math.max(8, Number(msg.memoryMb) || 64),
        maxLogBytes: Number(msg.maxLogBytes) || 65536,
        maxOutputBytes: Number(msg.maxOutputBytes) || 1048576,
        freshContext: !!msg.freshContext,
        isolate: null,
        script: null,
        context: null,
        invoke: null,
        logs: [],
        logBytes: 0,
        timedOut: false,
        curTimeout: 0,
      });
      break;
    }
    case "call":
      void handleCall(msg).catch((err) =>
        send({ t: "result", id: msg.id, ok: false, kind: "internal", message: String(err && err.message), logs: "", ms: 0 }),
      );
      break;
    case "callMany":
      void handleMany(msg).catch((err) =>
        send({ t: "result", id: msg.id, ok: false, kind: "internal", message: String(err && err.message), logs: "", ms: 0 }),
      );
      break;
    case "close": {
      const slot = slots.get(msg.sid);
      if (slot) disposeIsolate(slot);
      slots.delete(msg.sid);
      break;
    }
    case "shutdown":
      process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
send({ t: "ready", pid: process.pid, uid: typeof process.getuid === "function" ? process.getuid() : -1 });
