/**
 * What the Server-Sent-Events feed costs the web server per second: N clients on one experiment's
 * `/events` while events are written to its log at a steady rate (rows inserted into ExperimentEvent
 * directly, as a live run's commits do, so the rate does not depend on how fast workers get the CPU).
 * Measured from the moment every client has its hello until every client has every event: server CPU
 * milliseconds (Linux /proc, user + system, threads included) per second and per 1,000 event deliveries
 * (one event to one client), body chunks read per event delivered (writes the server makes in one tick
 * reach the client together, so this shows events per poll rather than the server's write calls), and
 * whether every client got every event in order.
 *
 * `--compare DIR`: a second web server from another checkout's build (e.g. a worktree of main), on the
 * same database, measured in alternation with this one (A, B, A, B, … per round): on a loaded machine
 * only figures taken this way are comparable. Medians over rounds, and the ratio this / reference.
 *
 *   npx tsx bench/sse-fanout.ts [--clients 50] [--rate 30] [--seconds 15] [--rounds 3] [--compare DIR]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createTestStack } from "@/tests/helpers/stack";
import { startApiServer, type ApiServer } from "@/tests/helpers/server";
import { cpuSeconds } from "./proc-cpu";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "50" },
    rate: { type: "string", default: "30" },
    seconds: { type: "string", default: "15" },
    rounds: { type: "string", default: "3" },
    compare: { type: "string" },
  },
});
const clients = Number(values.clients);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const log = (s: string) => process.stderr.write(`[bench:sse-fanout] ${s}\n`);


/** One SSE client: counts chunks and batch events, and notes a gap or reordering. */
function client(server: ApiServer, id: string, signal: AbortSignal) {
  const out = { connected: false, chunks: 0, events: 0, lastEvaluations: -1, gap: false };
  const done = (async () => {
    const res = await server.fetch(`/api/experiments/${id}/events`, { headers: { accept: "text/event-stream" }, signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (out.connected) out.chunks++;
      out.connected = true; // the first chunk is the hello
      buf += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (/^event: batch$/m.test(block)) {
          const ev = JSON.parse(/^data: (.*)$/m.exec(block)![1]!).evaluations as number;
          if (ev !== out.lastEvaluations + 1 && out.lastEvaluations >= 0) out.gap = true;
          out.lastEvaluations = ev;
          out.events++;
        }
      }
    }
  })().catch((e) => {
    if ((e as Error).name !== "AbortError") throw e;
  });
  return { out, done };
}

async function waitUntil(ok: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!ok() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

const stack = await createTestStack();
const servers: Record<string, ApiServer> = {};
try {
  servers.this = await startApiServer(stack.env);
  if (values.compare) servers.reference = await startApiServer(stack.env, { root: path.resolve(values.compare) });
  const created = await servers.this.fetch("/api/experiments", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "sse fan-out", domain: { type: "sphere", dim: 10 }, emitter: { type: "iso-line" }, batchSize: 100, budget: { evaluations: 10_000 }, seed: 1 }),
  });
  const { id } = (await created.json()) as { id: string };
  let evaluations = 0;
  type Round = { cpuMsPerSecond: number[]; cpuMsPerThousandDeliveries: number[]; chunksPerEvent: number[]; eventsWritten: number[]; eventsPerClientMin: number[]; gaps: number };
  const results: Record<string, Round> = Object.fromEntries(
    Object.keys(servers).map((s) => [s, { cpuMsPerSecond: [], cpuMsPerThousandDeliveries: [], chunksPerEvent: [], eventsWritten: [], eventsPerClientMin: [], gaps: 0 }]),
  );
  for (let round = 0; round < rounds; round++) {
    for (const [label, server] of Object.entries(servers)) {
      const abort = new AbortController();
      const cs = Array.from({ length: clients }, () => client(server, id, abort.signal));
      await waitUntil(() => cs.every((c) => c.out.connected), 60_000);
      const pid = server.child.pid!;
      const c0 = cpuSeconds(pid);
      const t0 = performance.now();
      const first = evaluations;
      // Events at `rate` per second, written in ticks of 100 ms (a live run commits in bursts too).
      while (performance.now() - t0 < seconds * 1000) {
        const due = Math.floor(((performance.now() - t0) / 1000) * rate) - (evaluations - first);
        if (due > 0) {
          const rows = Array.from({ length: due }, () => ({ experimentId: id, type: "batch", payload: { evaluations: evaluations++, numElites: 1, qdScore: 1, maxFitness: 0, improved: [] } }));
          await stack.prisma.experimentEvent.createMany({ data: rows });
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const written = evaluations - first;
      await waitUntil(() => cs.every((c) => c.out.events >= written), 30_000); // every client has every event
      const wallS = (performance.now() - t0) / 1000;
      const cpuMs = (cpuSeconds(pid) - c0) * 1000;
      const delivered = cs.reduce((n, c) => n + c.out.events, 0);
      const chunks = cs.reduce((n, c) => n + c.out.chunks, 0);
      const r = results[label]!;
      r.cpuMsPerSecond.push(Math.round(cpuMs / wallS));
      r.cpuMsPerThousandDeliveries.push(Math.round((cpuMs / delivered) * 1000 * 10) / 10);
      r.chunksPerEvent.push(Math.round((chunks / delivered) * 100) / 100);
      r.eventsWritten.push(written);
      r.eventsPerClientMin.push(Math.min(...cs.map((c) => c.out.events)));
      r.gaps += cs.filter((c) => c.out.gap).length;
      abort.abort();
      await Promise.all(cs.map((c) => c.done));
    }
    log(`round ${round + 1}/${rounds} (load ${os.loadavg()[0]!.toFixed(1)})`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary = Object.fromEntries(
    Object.entries(results).map(([label, r]) => [
      label,
      { cpuMsPerSecond: median(r.cpuMsPerSecond), cpuMsPerThousandDeliveries: median(r.cpuMsPerThousandDeliveries), chunksPerEvent: median(r.chunksPerEvent), rounds: r },
    ]),
  );
  const ratio = servers.reference ? Math.round((summary.this!.cpuMsPerThousandDeliveries / summary.reference!.cpuMsPerThousandDeliveries) * 100) / 100 : undefined;
  console.log(
    JSON.stringify({
      machine: { cpus: os.availableParallelism(), loadavg1: Math.round(os.loadavg()[0]! * 10) / 10 },
      clients,
      eventsPerSecond: rate,
      secondsPerRound: seconds,
      servers: summary,
      ...(ratio !== undefined ? { cpuPerDeliveryRatioThisToReference: ratio } : {}),
    }),
  );
} finally {
  for (const s of Object.values(servers)) await s.stop();
  await stack.stop();
}
