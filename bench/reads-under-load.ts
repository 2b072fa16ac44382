/**
 * Reads while a run proceeds: a live sphere-100 Iso+LineDD run on 2 worker processes (niced as
 * `npm start` runs them), N Server-Sent-Events clients on it, and M concurrent readers cycling
 * experiment / archive / metrics / list / queues, as a dashboard audience would.
 *
 * Prints one JSON object:
 *   { run: { evaluations, seconds }, sse: { clients, batchEventsPerClient: {min, max}, completionLagMs: {p50, max}, missed },
 *     reads: { <endpoint>: { requests, errors, p50Ms, p95Ms, maxMs } }, target: {...} }
 * completionLagMs: from the moment the test sees the run completed in the database to each SSE
 * client's "completed" status event. missed: SSE clients whose batch events had a gap.
 * probe: a trivial request (an unknown API path: the catch-all's 404, no I/O) every 50 ms, sequential:
 * its latency is the web server's event-loop delay plus HTTP overhead, i.e. how long any request waits.
 * Targets (issue 15): every read endpoint p95 < 300 ms and max < 1 s with 0 errors; SSE keeps up.
 *
 *   npx tsx bench/reads-under-load.ts [--evaluations 2160000] [--sse 50] [--readers 20]
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { createTestStack, waitFor } from "@/tests/helpers/stack";
import { startApiServer } from "@/tests/helpers/server";

const { values } = parseArgs({
  options: {
    evaluations: { type: "string", default: "2160000" },
    sse: { type: "string", default: "50" },
    readers: { type: "string", default: "20" },
  },
});
const budget = Number(values.evaluations);
const sseClients = Number(values.sse);
const readers = Number(values.readers);
const log = (s: string) => process.stderr.write(`[bench:reads-under-load] ${s}\n`);

const stack = await createTestStack();
const server = await startApiServer(stack.env).catch(async (e) => {
  await stack.stop();
  throw e;
});

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
  const latencies: Record<string, number[]> = Object.fromEntries(Object.keys(endpoints).map((k) => [k, []]));
  const errors: Record<string, number> = Object.fromEntries(Object.keys(endpoints).map((k) => [k, 0]));
  /** The first few failures, to tell a server error from a client-side timeout or reset. */
  const errorSamples: string[] = [];
  let running = true;
  const readerLoops = Array.from({ length: readers }, async (_, r) => {
    const names = Object.keys(endpoints) as (keyof typeof endpoints)[];
    for (let i = r; running; i++) {
      const name = names[i % names.length]!;
      const t0 = performance.now();
      try {
        const res = await server.fetch(endpoints[name], { headers: { "accept-encoding": "gzip, deflate, br" } });
        const body = await res.arrayBuffer();
        if (!res.ok) {
          errors[name]!++;
          if (errorSamples.length < 10) errorSamples.push(`${name}: HTTP ${res.status} ${Buffer.from(body).toString("utf8", 0, 200)}`);
        }
      } catch (e) {
        errors[name]!++;
        if (errorSamples.length < 10) errorSamples.push(`${name}: ${(e as Error).message} ${String((e as { cause?: unknown }).cause ?? "")}`);
      }
      latencies[name]!.push(performance.now() - t0);
    }
  });

  const probes: number[] = [];
  const probeLoop = (async () => {
    while (running) {
      const t = performance.now();
      try {
        await (await server.fetch("/api/reads-under-load-probe")).arrayBuffer();
      } catch {
        /* counted by its latency only */
      }
      probes.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();

  const t0 = performance.now();
  log(`run of ${budget} evaluations with ${sseClients} SSE clients and ${readers} readers`);
  await server.fetch(`/api/experiments/${id}/start`, { method: "POST" });
  await waitFor(async () => (await stack.prisma.experiment.findUnique({ where: { id } }))?.status === "completed" || null, 3_600_000, "the run");
  const completedSeenAt = performance.now();
  const seconds = (completedSeenAt - t0) / 1000;
  running = false;
  await Promise.all([...readerLoops, probeLoop]);
  await Promise.race([Promise.all(clients.map((c) => c.done)), new Promise((r) => setTimeout(r, 30_000))]);
  abort.abort();

  const lags = clients.filter((c) => c.out.completedAt).map((c) => Math.max(0, c.out.completedAt - completedSeenAt));
  const batchCounts = clients.map((c) => c.out.batches);
  const exp = (await stack.prisma.experiment.findUnique({ where: { id } }))!;
  const reads = Object.fromEntries(Object.keys(endpoints).map((k) => [k, { requests: latencies[k]!.length, errors: errors[k], ...stats(latencies[k]!) }]));
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
      probe: { requests: probes.length, ...stats(probes) },
      errorSamples,
      target: { p95Ms: 300, maxMs: 1000, errors: 0 },
    }),
  );
  await Promise.all(workers.map((w) => w.stop()));
} finally {
  await server.stop();
  await stack.stop();
}
