import { readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, runInSandbox, SandboxHost, type SandboxResult } from "./index";

const host = new SandboxHost();
const run = (code: string, args: unknown[] = [], extra: { timeoutMs?: number; memoryMb?: number; maxOutputBytes?: number; maxLogBytes?: number } = {}) =>
  // A generous default: a loaded machine must not turn a quick result into a timeout (timeout tests set their own).
  runInSandbox({ code, entry: "f", args, timeoutMs: 10_000, host, ...extra });

function expectErr(r: SandboxResult, kind: string, msg?: RegExp) {
  expect(r.ok, JSON.stringify(r)).toBe(false);
  if (r.ok) return;
  expect(r.error.kind).toBe(kind);
  if (msg) expect(r.error.message).toMatch(msg);
}

function worldReadable(file: string): boolean {
  if ((statSync(file).mode & 0o004) === 0) return false;
  for (let d = dirname(file); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (d === dirname(d)) return true;
  }
}

let server: Server;
let hits = 0;
let port = 0;
beforeAll(async () => {
  process.env.QD_SANDBOX_TEST_SECRET = "s3cr3t-sandbox-9f1c";
  server = createServer((_req, res) => {
    hits++;
    res.end("pwned");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  delete process.env.QD_SANDBOX_TEST_SECRET;
  await host.close();
  await new Promise((r) => server.close(r));
});

describe("sandbox: normal programs", () => {
  it("calls a top-level function with JSON args and returns a deep copy + logs", async () => {
    const input = { xs: [1, 2, 3] };
    const r = await run("function f(o){ o.xs.push(99); console.log('sum', o.xs.length, {a:1}); console.warn('w'); return { s: o.xs.reduce((a,b)=>a+b,0), o } }", [input]);
    expect(r).toMatchObject({ ok: true, value: { s: 105, o: { xs: [1, 2, 3, 99] } } });
    expect(input.xs).toEqual([1, 2, 3]); // the sandbox got a copy
    expect(r.logs).toBe('sum 4 {"a":1}\n[warn] w');
    expect(r.ms).toBeGreaterThanOrEqual(0);
  });

  it("supports `export function`, async functions and undefined results", async () => {
    expect(await run("export function f(a, b){ return a * b }", [6, 7])).toMatchObject({ ok: true, value: 42 });
    expect(await run("export default async function f(x){ await null; return [x] }", ["y"])).toMatchObject({ ok: true, value: ["y"] });
    expect(await run("function f(){ }")).toMatchObject({ ok: true, value: undefined });
  });

  it("reports syntax errors, missing entry and top-level errors", async () => {
    expectErr(await run("function f( { return 1 }"), "syntax", /SyntaxError/);
    expectErr(await run("import fs from 'fs'; function f(){ return 1 }"), "syntax");
    expectErr(await run("function g(){ return 1 }"), "runtime", /entry function 'f' is not defined/);
    expectErr(await run("throw new Error('at load'); function f(){}"), "runtime", /at load/);
    expectErr(await run("while(true){} function f(){}", [], { timeoutMs: 300 }), "timeout");
  });
});

describe("sandbox: hostile programs are contained", () => {
  it("infinite loop -> timeout, host carries on", async () => {
    const r = await run("function f(){ while(true){} }", [], { timeoutMs: 200 });
    expectErr(r, "timeout");
    expect(r.ms).toBeLessThan(2000);
    expect(await run("function f(){ return 1 }")).toMatchObject({ ok: true, value: 1 });
  });

  it("memory bomb -> memory", async () => {
    const r = await run("function f(){ let a=[]; while(true) a.push(new Array(1e6)) }", [], { timeoutMs: 5000, memoryMb: 32 });
    expectErr(r, "memory", /memory/);
    const r2 = await run("function f(){ return new ArrayBuffer(2e9).byteLength }", [], { memoryMb: 32 });
    expectErr(r2, "memory");
    expect(await run("function f(){ return 2 }")).toMatchObject({ ok: true, value: 2 });
  });

  it("no process / process.env / require / import() / fetch / timers", async () => {
    expectErr(await run("function f(){ return process.env }"), "runtime", /process is not defined/);
    expectErr(await run("function f(){ return require('fs').readFileSync('/etc/passwd','utf8') }"), "runtime", /require is not defined/);
    expectErr(await run("async function f(){ const fs = await import('fs'); return Object.keys(fs) }"), "runtime", /not supported/i);
    expectErr(await run(`async function f(){ return await (await fetch('http://127.0.0.1:${port}/')).text() }`), "runtime", /fetch is not defined/);
    expect(await run("function f(){ return [typeof setTimeout, typeof setInterval, typeof setImmediate, typeof queueMicrotask, typeof WebAssembly, typeof Buffer, typeof global] }")).toMatchObject({
      ok: true,
      value: ["undefined", "undefined", "undefined", "undefined", "undefined", "undefined", "undefined"],
    });
    expect(hits).toBe(0);
  });

  it("constructor / prototype escapes find no host objects", async () => {
    expectErr(await run("function f(){ return globalThis.constructor.constructor('return process')() }"), "runtime", /process is not defined/);
    expectErr(await run("function f(){ return console.log.constructor('return process')().env }"), "runtime", /process is not defined/);
    expectErr(await run("function f(){ return (async()=>{}).constructor('return require')() }"), "runtime");
    const globals = await run(
      "function f(){ const g = Function('return this')(); return Object.getOwnPropertyNames(g).concat(Object.getOwnPropertyNames(Object.getPrototypeOf(g))) }",
    );
    expect(globals.ok).toBe(true);
    const names = (globals.ok ? globals.value : []) as string[];
    for (const bad of ["process", "require", "module", "fetch", "setTimeout", "Buffer", "global", "__filename", "$0", "__log"]) expect(names).not.toContain(bad);
    // Stack-frame receivers (a classic escape) are isolate objects only.
    const frames = await run(
      "function f(){ Error.prepareStackTrace=(e,fr)=>fr.map(x=>{ const t=x.getThis&&x.getThis(); return t && typeof t.process }); return new Error('x').stack }",
    );
    expect(frames.ok).toBe(true);
    if (frames.ok) expect((frames.value as unknown[]).every((v) => v === null || v === "undefined")).toBe(true);
    // Tampering with built-ins only affects the program itself.
    expect(await run("function f(){ JSON.stringify = () => { throw 1 }; Object.prototype.toJSON = undefined; return {a:1} }")).toMatchObject({ ok: true, value: { a: 1 } });
  });

  it("the sandbox host has no access to the worker's environment (and runs unprivileged when root)", async () => {
    const r = await run("function f(){ return 1 }");
    expect(r.ok).toBe(true);
    const pid = host.pid!;
    expect(pid).toBeGreaterThan(0);
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8");
    expect(environ).not.toContain("s3cr3t-sandbox-9f1c");
    // Empty environment except the IPC channel variables node's fork() itself adds.
    expect(environ.split("\0").filter((kv) => kv && !kv.startsWith("NODE_CHANNEL_"))).toEqual([]);
    // As root the host drops to `nobody`, unless the checkout is not world-readable (then it falls back).
    if (process.getuid?.() === 0 && worldReadable(fileURLToPath(new URL("./host.mjs", import.meta.url))))
      expect(readFileSync(`/proc/${pid}/status`, "utf8")).toMatch(/^Uid:\s+65534\b/m);
  });

  it("huge output -> invalid-output; log spam is bounded", async () => {
    expectErr(await run("function f(){ return 'x'.repeat(2e6) }"), "invalid-output", /too large/);
    expectErr(await run("function f(){ return 'x'.repeat(5000) }", [], { maxOutputBytes: 1000 }), "invalid-output", /too large/);
    const r = await run("function f(){ for (let i=0;i<1e5;i++) console.log('spam '.repeat(100)); return 1 }", [], { maxLogBytes: 10_000, timeoutMs: 3000 });
    expect(r).toMatchObject({ ok: true, value: 1 });
    expect(r.logs.length).toBeLessThan(10_100);
    expect(r.logs).toContain("[log truncated]");
  });

  it("throwing non-Error values", async () => {
    expectErr(await run("function f(){ throw 42 }"), "runtime", /non-Error value: 42/);
    expectErr(await run("function f(){ throw null }"), "runtime", /threw null/);
    expectErr(await run("function f(){ throw undefined }"), "runtime", /threw undefined/);
    expectErr(await run("function f(){ throw {code: 7} }"), "runtime", /\{"code":7\}/);
    expectErr(await run("function f(){ throw Symbol('s') }"), "runtime");
    expectErr(await run("async function f(){ throw new TypeError('bad') }"), "runtime", /TypeError: bad/);
    expectErr(await run("function f(){ throw new Proxy({}, { get(){ throw new Error('gotcha') }, getPrototypeOf(){ throw 1 } }) }"), "runtime");
  });

  it("returning functions, cycles, NaN, symbols, bigints -> invalid-output", async () => {
    expectErr(await run("function f(){ return () => 1 }"), "invalid-output", /functions/);
    expectErr(await run("function f(){ return { g(){ } } }"), "invalid-output", /functions/);
    expectErr(await run("function f(){ const a = {}; a.self = a; return a }"), "invalid-output", /circular/i);
    expectErr(await run("function f(){ return { fitness: NaN } }"), "invalid-output", /non-finite number NaN/);
    expectErr(await run("function f(){ return [Infinity] }"), "invalid-output", /non-finite/);
    expectErr(await run("function f(){ return 10n }"), "invalid-output", /bigint/);
    expectErr(await run("function f(){ return { s: Symbol('x') } }"), "invalid-output", /symbol/);
  });

  it("async functions that never resolve -> timeout", async () => {
    expectErr(await run("async function f(){ await new Promise(() => {}) }", [], { timeoutMs: 200 }), "timeout");
    expectErr(await run("function f(){ return new Promise(() => {}) }", [], { timeoutMs: 200 }), "timeout");
    expectErr(await run("function f(){ const sab = new SharedArrayBuffer(4); return Atomics.wait(new Int32Array(sab), 0, 0) }", [], { timeoutMs: 200 }), "timeout");
  });

  it("stack overflow and non-JSON args are reported", async () => {
    expectErr(await run("function f(){ return f() }"), "runtime", /call stack/i);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expectErr(await run("function f(x){ return x }", [cyclic]), "runtime", /not JSON-serializable/);
  });
});

describe("sandbox: reusable instances", () => {
  it("serves many calls, keeps globals per isolate, recovers after failures", async () => {
    const sb = createSandbox({
      code: "let n = 0; function f(x){ n++; if (x === 'loop') while(true){}; if (x === 'bomb') { const a=[]; while(true) a.push(new Array(1e6)) } return { x, n } }",
      timeoutMs: 300,
      memoryMb: 32,
      host,
    });
    expect(await sb.call("f", [1])).toMatchObject({ ok: true, value: { x: 1, n: 1 } });
    expect(await sb.call("f", [2])).toMatchObject({ ok: true, value: { x: 2, n: 2 } });
    expectErr(await sb.call("f", ["loop"]), "timeout");
    expect(await sb.call("f", [3])).toMatchObject({ ok: true, value: { x: 3, n: 1 } }); // fresh isolate after a timeout
    expectErr(await sb.call("f", ["bomb"], { timeoutMs: 5000 }), "memory");
    expect(await sb.call("f", [4])).toMatchObject({ ok: true, value: { x: 4, n: 1 } });
    await sb.close();
    expectErr(await sb.call("f", [5]), "internal", /closed/);
  });

  it("freshContext gives every call new globals", async () => {
    const sb = createSandbox({ code: "let n = 0; function f(){ return ++n }", freshContext: true, host });
    const rs = await sb.callMany("f", [[], [], []]);
    expect(rs.map((r) => (r.ok ? r.value : null))).toEqual([1, 1, 1]);
    await sb.close();
  });

  it("pool: concurrent calls, callMany keeps order, one hostile call does not affect the others", async () => {
    const sb = createSandbox({ code: "function f(x){ if (x < 0) while(true){}; return x * 2 }", poolSize: 3, timeoutMs: 300, host });
    const args = Array.from({ length: 200 }, (_, i) => [i === 17 ? -1 : i]);
    const rs = await sb.callMany<number>("f", args);
    expect(rs).toHaveLength(200);
    rs.forEach((r, i) => {
      if (i === 17) expectErr(r, "timeout");
      else expect(r).toMatchObject({ ok: true, value: i * 2 });
    });
    const single = await Promise.all([1, 2, 3, 4, 5].map((x) => sb.call<number>("f", [x])));
    expect(single.map((r) => (r.ok ? r.value : null))).toEqual([2, 4, 6, 8, 10]);
    await sb.close();
  });

  it("a crashed host process fails the call in flight and is restarted", async () => {
    const own = new SandboxHost();
    const sb = createSandbox({ code: "function f(x){ if (x) while(true){}; return 'alive' }", timeoutMs: 2000, host: own });
    expect(await sb.call("f", [0])).toMatchObject({ ok: true, value: "alive" });
    const firstPid = own.pid;
    const pending = sb.call("f", [1]);
    await new Promise((r) => setTimeout(r, 100));
    own.kill();
    expectErr(await pending, "internal", /exited/);
    expect(await sb.call("f", [0])).toMatchObject({ ok: true, value: "alive" });
    expect(own.pid).not.toBe(firstPid);
    await sb.close();
    await own.close();
  });
});
