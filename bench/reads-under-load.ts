/**
 * Reads while a run proceeds: a live sphere-100 Iso+LineDD run on 2 worker processes (niced as
 * `npm start` runs them), N Server-Sent-Events clients on it, and M concurrent readers cycling
 * experiment / archive / metrics / list / queues, as a dashboard audience would.
 *
 * Prints one JSON object:
 *   { run, sse, reads: { <endpoint>: { requests, errors, p50Ms, p95Ms, maxMs } }, probe, server, client, costs, target }
 * completionLagMs: from the moment the test sees the run completed in the database to each SSE
 * client's "completed" status event. missed: SSE clients whose batch events had a gap.
 * probe: a trivial request (an unknown API path: the catch-all's 404, no I/O) every 50 ms, sequential:
 * its latency is the web server's event-loop delay plus HTTP overhead, i.e. how long any request waits.
 * server: the web server's CPU time and event-loop delay (perf_hooks) during the readers' phase, its
 * CPU per request (all requests of the phase, probes included) and utilisation (CPU-s per wall-s: near
 * 1 the server's one thread is saturated and every request queues behind the others).
 * client: the bench process's own CPU and event-loop delays. The readers and the probe run on a
 * worker thread of their own (`--same-thread` puts them back on the SSE clients' loop, as before), so
 * parsing 50 SSE streams does not delay when a reader's response is seen.
 * costs: server CPU per request of each endpoint, measured while the run is live with the SSE clients
 * connected and no readers: N sequential requests each, minus the background rate measured just before.
 * Targets (issue 15): every read endpoint p95 < 300 ms and max < 1 s with 0 errors; SSE keeps up.
 *
 *   npx tsx bench/reads-under-load.ts [--evaluations 2160000] [--sse 50] [--readers 20] [--cost-requests 15]
 *                                     [--same-thread] [--client http|fetch] [--cpu-prof DIR]
 * (`--client`: how the readers and the probe make requests: node:http, decoding a gzipped body in one step
 *  once it has arrived, as browsers, Python's requests and curl do (default); or Node's fetch, which
 *  inflates it in 16 KB pieces, a thread-pool round trip and an event-loop turn each: on the readers'
 *  busy thread that adds ~100 ms to the 0.6 MB archive JSON, so the figures of sessions 5–9 measured it.)
 * (`--cpu-prof DIR`: the web server writes a V8 CPU profile of each phase there, and the bench prints
 *  a summary of the readers' phase: CPU by area and the top functions, named through the source maps.)
 */
import fs from "node:fs";
import http from "node:http";
import zlib from "node:zlib";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { createTestStack, waitFor } from "@/tests/helpers/stack";
import { startApiServer } from "@/tests/helpers/server";
import { summarizeServerProfile } from "./server-profile";
import { cpuSeconds } from "./proc-cpu";

const { values } = parseArgs({
  options: {
    evaluations: { type: "string", default: "2160000" },
    sse: { type: "string", default: "50" },
    readers: { type: "string", default: "20" },
    "cost-requests": { type: "string", default: "15" },
    "same-thread": { type: "boolean", default: false },
    client: { type: "string", default: "http" },
    "cpu-prof": { type: "string" },
  },
});
if (values.client !== "http" && values.client !== "fetch") throw new Error(`--client must be http or fetch, not ${values.client}`);
const budget = Number(values.evaluations);
const sseClients = Number(values.sse);
const readers = Number(values.readers);
const costRequests = Number(values["cost-requests"]);
const root = path.resolve(import.meta.dirname, "..");
const log = (s: string) => process.stderr.write(`[bench:reads-under-load] ${s}\n`);

const diagFile = path.join(os.tmpdir(), `qd-reads-diag-${process.pid}.json`);
const profDir = values["cpu-prof"] ? path.resolve(values["cpu-prof"]) : undefined;
if (profDir) fs.mkdirSync(profDir, { recursive: true });
const stack = await createTestStack();
const server = await startApiServer(stack.env, {
  extraEnv: {
    NODE_OPTIONS: `--require ${path.join(root, "bench/web-diagnostics-preload.cjs")}`,
    BENCH_DIAG_FILE: diagFile,
    ...(profDir ? { BENCH_CPU_PROF_DIR: profDir } : {}),
  },
}).catch(async (e) => {
  await stack.stop();
  throw e;
});

interface Diag {
  phase: number;
  wallMs: number;
  cpuMs: number;
  loopDelayMs: Record<string, number>;
}
/** Ends the server's current diagnostics phase and returns what it measured (CPU, event-loop delay). */
async function serverPhase(): Promise<Diag> {
  fs.rmSync(diagFile, { force: true });
  server.child.kill("SIGUSR2");
  for (let i = 0; i < 600; i++) {
    try {
      return JSON.parse(fs.readFileSync(diagFile, "utf8")) as Diag;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error("the web server wrote no diagnostics (is bench/web-diagnostics-preload.cjs loaded?)");
}


function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 10) / 10 : null);
  return { p50Ms: q(0.5), p95Ms: q(0.95), maxMs: q(1) };
}

/** One SSE client: counts batch events, checks they arrive in order without a gap, and notes when "completed" arrives. */
function sseClient(id: string, signal: AbortSignal) {
  const out = { batches: 0, gap: false, completedAt: 0 };
  const done = (async () => {
    const res = await server.fetch(`/api/experiments/${id}/events`, { headers: { accept: "text/event-stream" }, signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    let lastEvaluations = -1;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!data) continue;
        if (event === "batch") {
          const ev = JSON.parse(data).evaluations as number;
          if (ev < lastEvaluations) out.gap = true;
          lastEvaluations = ev;
          out.batches++;
        } else if (event === "status" && JSON.parse(data).status === "completed") {
          out.completedAt = performance.now();
          return;
        }
      }
    }
  })().catch((e) => {
    if ((e as Error).name !== "AbortError") throw e;
  });
  return { out, done };
}

/**
 * The readers and the probe (plain JavaScript, run on a worker thread or, with --same-thread, on this
 * one). Each reader cycles the endpoints, timing a request from send to the last body byte; the probe
 * sends a trivial request every 50 ms. "stop" ends them and answers with the samples.
 */
const READERS_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { monitorEventLoopDelay } = require("node:perf_hooks");
const http = require("node:http");
const zlib = require("node:zlib");
const { url, endpoints, readers, client } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: readers + 1 });
// One GET as a browser or a script sees it: "http" decodes a gzipped body in one step once it has
// arrived (as browsers, Python's requests and curl do); "fetch" is Node's fetch, which inflates it
// through a stream in 16 KB pieces, one thread-pool round trip and event-loop turn each.
function get(path, headers) {
  if (client === "fetch") {
    return fetch(url + path, { headers }).then(async (res) => ({ ok: res.ok, status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) }));
  }
  return new Promise((resolve, reject) => {
    const req = http.get(url + path, { agent, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const raw = Buffer.concat(chunks);
        const done = (body) => resolve({ ok: res.statusCode >= 200 && res.statusCode < 300, status: res.statusCode, headers: { get: (h) => res.headers[h] ?? null }, body });
        if (res.headers["content-encoding"] !== "gzip") return done(raw);
        zlib.gunzip(raw, { chunkSize: Math.max(64 * 1024, 8 * raw.length) }, (e, body) => (e ? reject(e) : done(body)));
      });
    });
    req.on("error", reject);
  });
}
const latencies = Object.fromEntries(Object.keys(endpoints).map((k) => [k, []]));
const errors = Object.fromEntries(Object.keys(endpoints).map((k) => [k, 0]));
const errorSamples = [];
const probes = [];
// Server-Timing phases per endpoint (ms per request), for the endpoints that send the header.
const phases = Object.fromEntries(Object.keys(endpoints).map((k) => [k, {}]));
let running = true;
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const names = Object.keys(endpoints);
const readerLoops = Array.from({ length: readers }, async (_, r) => {
  for (let i = r; running; i++) {
    const name = names[i % names.length];
    const t0 = performance.now();
    try {
      const res = await get(endpoints[name], { "accept-encoding": "gzip, deflate, br" });
      const body = res.body;
      for (const m of (res.headers.get("server-timing") ?? "").matchAll(/([\\w-]+);dur=([\\d.]+)/g)) (phases[name][m[1]] ??= []).push(Number(m[2]));
      if (!res.ok) {
        errors[name]++;
        if (errorSamples.length < 10) errorSamples.push(name + ": HTTP " + res.status + " " + body.toString("utf8", 0, 200));
      }
    } catch (e) {
      errors[name]++;
      if (errorSamples.length < 10) errorSamples.push(name + ": " + e.message + " " + String(e.cause ?? ""));
    }
    latencies[name].push(performance.now() - t0);
  }
});
const probeLoop = (async () => {
  while (running) {
    const t = performance.now();
    try {
      await get("/api/reads-under-load-probe", {});
    } catch {}
    probes.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 50));
  }
})();
parentPort.on("message", async (m) => {
  if (m !== "stop") return;
  running = false;
  await Promise.all([...readerLoops, probeLoop]);
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  parentPort.postMessage({ latencies, errors, errorSamples, probes, phases, loopDelayMs: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) } });
});
`;

interface ReaderResults {
  latencies: Record<string, number[]>;
  phases: Record<string, Record<string, number[]>>;
  errors: Record<string, number>;
  errorSamples: string[];
  probes: number[];
  loopDelayMs: Record<string, number>;
}

function startReaders(endpoints: Record<string, string>, sameThread: boolean): { stop(): Promise<ReaderResults> } {
  const workerData = { url: server.url, endpoints, readers, client: values.client };
  if (!sameThread) {
    const w = new Worker(READERS_SOURCE, { eval: true, workerData });
    return {
      stop: () =>
        new Promise((resolve, reject) => {
          w.once("message", (m) => void w.terminate().then(() => resolve(m as ReaderResults)));
          w.once("error", reject);
          w.postMessage("stop");
        }),
    };
  }
  // The same code on this thread: a stand-in for parentPort.
  const listeners: ((m: unknown) => void)[] = [];
  let answer: (m: ReaderResults) => void = () => {};
  const parentPort = { on: (_: string, f: (m: unknown) => void) => listeners.push(f), postMessage: (m: ReaderResults) => answer(m) };
  new Function("require", "workerData", "parentPort", READERS_SOURCE.replace(/^const \{ parentPort, workerData \} = .*$/m, ""))(
    (m: string) => ({ "node:perf_hooks": { monitorEventLoopDelay }, "node:http": http, "node:zlib": zlib })[m] ?? {},
    workerData,
    parentPort,
  );
  return { stop: () => new Promise((resolve) => ((answer = resolve), listeners.forEach((f) => f("stop")))) };
}

try {
  const created = await server.fetch("/api/experiments", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      name: "reads under load",
      domain: { type: "sphere", dim: 100 },
      emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2 },
      batchSize: 540,
      budget: { evaluations: budget },
      seed: 1,
    }),
  });
  const { id } = (await created.json()) as { id: string };
  const workers = [stack.startWorker(), stack.startWorker()];
  for (const w of workers) os.setPriority(w.child.pid!, 10); // as `npm start` runs them (QD_WORKER_NICE)

  const abort = new AbortController();
  const clients = Array.from({ length: sseClients }, () => sseClient(id, abort.signal));
  const endpoints = {
    experiment: `/api/experiments/${id}`,
    archive: `/api/experiments/${id}/archive`,
    archiveColumns: `/api/experiments/${id}/archive?format=columns`,
    metrics: `/api/experiments/${id}/metrics`,
    list: `/api/experiments`,
    queues: `/api/queues`,
  };
  const clientLoop = monitorEventLoopDelay({ resolution: 10 });
  clientLoop.enable();

  const t0 = performance.now();
  log(`run of ${budget} evaluations with ${sseClients} SSE clients and ${readers} readers${values["same-thread"] ? " (readers on the SSE clients' thread)" : ""}`);
  await server.fetch(`/api/experiments/${id}/start`, { method: "POST" });

  // Per-endpoint CPU while the run is live (SSE connected, no readers): first a quiet window for the
  // background rate (SSE poll and fan-out), then N sequential requests per endpoint.
  const costs: Record<string, { requests: number; cpuMsPerRequest: number; p50Ms: number | null }> = {};
  let background = { cpuMsPerSecond: 0 };
  if (costRequests > 0) {
    await waitFor(async () => ((await stack.prisma.experiment.findUnique({ where: { id } }))?.numElites ?? 0) >= 2000 || null, 600_000, "2,000 elites");
    for (const p of Object.values(endpoints)) await (await server.fetch(p, { headers: { "accept-encoding": "gzip" } })).arrayBuffer(); // first reads fill the caches
    const pid = server.child.pid!;
    const b0 = cpuSeconds(pid);
    const bt = performance.now();
    await new Promise((r) => setTimeout(r, 2000));
    background = { cpuMsPerSecond: Math.round(((cpuSeconds(pid) - b0) * 1000) / ((performance.now() - bt) / 1000)) };
    for (const [name, p] of Object.entries(endpoints)) {
      const c0 = cpuSeconds(pid);
      const s0 = performance.now();
      const lat: number[] = [];
      for (let i = 0; i < costRequests; i++) {
        const t = performance.now();
        await (await server.fetch(p, { headers: { "accept-encoding": "gzip, deflate, br" } })).arrayBuffer();
        lat.push(performance.now() - t);
      }
      const cpuMs = (cpuSeconds(pid) - c0) * 1000 - (background.cpuMsPerSecond * (performance.now() - s0)) / 1000;
      costs[name] = { requests: costRequests, cpuMsPerRequest: Math.round((Math.max(0, cpuMs) / costRequests) * 10) / 10, p50Ms: stats(lat).p50Ms };
    }
    log(`costs (server CPU ms per request): ${JSON.stringify(Object.fromEntries(Object.entries(costs).map(([k, v]) => [k, v.cpuMsPerRequest])))}`);
  }

  await serverPhase(); // phase 0: start-up, first reads and the costs; the readers' phase begins here
  const clientCpu0 = process.cpuUsage();
  const workerCpu0 = workers.map((w) => cpuSeconds(w.child.pid!));
  const readersStart = performance.now();
  const readerSet = startReaders(endpoints, values["same-thread"]!);
  await waitFor(async () => (await stack.prisma.experiment.findUnique({ where: { id } }))?.status === "completed" || null, 3_600_000, "the run");
  const completedSeenAt = performance.now();
  const seconds = (completedSeenAt - t0) / 1000;
  const r = await readerSet.stop();
  const readersWallS = (performance.now() - readersStart) / 1000;
  const serverDiag = await serverPhase();
  const clientCpu = process.cpuUsage(clientCpu0);
  const workerCpu = workers.map((w, i) => cpuSeconds(w.child.pid!) - workerCpu0[i]!);
  await Promise.race([Promise.all(clients.map((c) => c.done)), new Promise((res) => setTimeout(res, 30_000))]);
  abort.abort();

  const requests = Object.values(r.latencies).reduce((n, l) => n + l.length, 0) + r.probes.length;
  const lags = clients.filter((c) => c.out.completedAt).map((c) => Math.max(0, c.out.completedAt - completedSeenAt));
  const batchCounts = clients.map((c) => c.out.batches);
  const exp = (await stack.prisma.experiment.findUnique({ where: { id } }))!;
  const serverTiming = (k: string) => {
    const p = Object.entries(r.phases[k] ?? {});
    return p.length ? { serverTiming: Object.fromEntries(p.map(([phase, ms]) => [phase, { p50: stats(ms).p50Ms, p95: stats(ms).p95Ms }])) } : {};
  };
  const reads = Object.fromEntries(Object.keys(endpoints).map((k) => [k, { requests: r.latencies[k]!.length, errors: r.errors[k], ...stats(r.latencies[k]!), ...serverTiming(k) }]));
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  let profile: unknown;
  if (profDir) {
    const file = path.join(profDir, `web-phase-${serverDiag.phase}.cpuprofile`);
    if (fs.existsSync(file)) profile = { file, ...summarizeServerProfile(JSON.parse(fs.readFileSync(file, "utf8")), 40) };
  }
  console.log(
    JSON.stringify({
      machine: { cpus: os.availableParallelism(), loadavg1: Math.round(os.loadavg()[0]! * 10) / 10 },
      run: { evaluations: exp.evaluations, seconds: Math.round(seconds * 10) / 10, evalsPerSec: Math.round(exp.evaluations / seconds), numElites: exp.numElites },
      sse: {
        clients: sseClients,
        receivedCompletion: lags.length,
        batchEventsPerClient: { min: Math.min(...batchCounts), max: Math.max(...batchCounts) },
        completionLagMs: { p50: stats(lags).p50Ms, max: stats(lags).maxMs },
        missed: clients.filter((c) => c.out.gap).length,
      },
      reads,
      probe: { requests: r.probes.length, ...stats(r.probes) },
      server: {
        requests,
        wallS: Math.round(serverDiag.wallMs / 100) / 10,
        cpuS: Math.round(serverDiag.cpuMs / 100) / 10,
        utilisation: Math.round((serverDiag.cpuMs / serverDiag.wallMs) * 100) / 100,
        cpuMsPerRequest: Math.round((serverDiag.cpuMs / requests) * 100) / 100,
        loopDelayMs: serverDiag.loopDelayMs,
      },
      client: {
        readersOn: values["same-thread"] ? "the SSE clients' thread" : "a worker thread",
        readersClient: values.client,
        cpuS: Math.round((clientCpu.user + clientCpu.system) / 1e5) / 10,
        utilisation: Math.round(((clientCpu.user + clientCpu.system) / 1e6 / readersWallS) * 100) / 100,
        sseLoopDelayMs: { p50: ms(clientLoop.percentile(50)), p99: ms(clientLoop.percentile(99)), max: ms(clientLoop.max) },
        readersLoopDelayMs: r.loopDelayMs,
      },
      workersCpuS: workerCpu.map((c) => Math.round(c * 10) / 10),
      costs: { background, perEndpoint: costs },
      errorSamples: r.errorSamples,
      target: { p95Ms: 300, maxMs: 1000, errors: 0 },
      ...(profile ? { serverProfile: profile } : {}),
    }),
  );
  await Promise.all(workers.map((w) => w.stop()));
} finally {
  await server.stop();
  await stack.stop();
  fs.rmSync(diagFile, { force: true });
}
