/**
 * What one request costs the web server, with nothing else going on: server CPU milliseconds per
 * request (Linux /proc, user + system, threads included) for a trivial request (the API's 404) and
 * the cheap reads the dashboard polls, with and without `Accept-Encoding: gzip`, N sequential requests
 * each. The per-request floor (routing, the edge checks, Next.js's request and response objects,
 * compression) is what a closed loop of readers pays on every read (bench/reads-under-load.ts).
 *
 * `--compare DIR`: a second web server from another checkout's build (e.g. a worktree of main),
 * on the same database, measured in alternation with this one (A, B, A, B, … per endpoint and
 * round): on a loaded machine only figures taken this way are comparable. The medians over rounds
 * are printed for both, and the ratio this / reference.
 *
 *   npx tsx bench/request-overhead.ts [--requests 300] [--rounds 3] [--compare DIR] [--cpu-prof DIR]
 * (`--cpu-prof DIR`: each web server writes a V8 CPU profile there when it stops, and the bench prints
 *  a summary: CPU by area and the top functions.)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createTestStack } from "@/tests/helpers/stack";
import { startApiServer, type ApiServer } from "@/tests/helpers/server";
import { summarizeServerProfile } from "./server-profile";
import { cpuSeconds } from "./proc-cpu";

const { values } = parseArgs({
  options: { requests: { type: "string", default: "300" }, rounds: { type: "string", default: "3" }, compare: { type: "string" }, "cpu-prof": { type: "string" } },
});
const n = Number(values.requests);
const rounds = Number(values.rounds);
const root = path.resolve(import.meta.dirname, "..");
const profDir = values["cpu-prof"] ? path.resolve(values["cpu-prof"]) : undefined;
if (profDir) fs.mkdirSync(profDir, { recursive: true });
const log = (s: string) => process.stderr.write(`[bench:request-overhead] ${s}\n`);


const stack = await createTestStack();
const profiling = profDir ? { NODE_OPTIONS: `--require ${path.join(root, "bench/cpu-profile-preload.cjs")}`, BENCH_CPU_PROF_DIR: profDir } : undefined;
const servers: Record<string, ApiServer> = {};
try {
  servers.this = await startApiServer(stack.env, { extraEnv: profiling });
  if (values.compare) servers.reference = await startApiServer(stack.env, { extraEnv: profiling, root: path.resolve(values.compare) });
  const created = await servers.this.fetch("/api/experiments", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "overhead", domain: { type: "sphere", dim: 100 }, emitter: { type: "iso-line" }, batchSize: 540, budget: { evaluations: 10_000 }, seed: 1 }),
  });
  const { id } = (await created.json()) as { id: string };
  const paths: Record<string, string> = {
    probe404: "/api/reads-under-load-probe",
    experiment: `/api/experiments/${id}`,
    metrics: `/api/experiments/${id}/metrics`,
    list: "/api/experiments",
    queues: "/api/queues",
  };
  type Samples = { gzip: number[]; identity: number[]; bytes: Record<string, number> };
  const results: Record<string, Record<string, Samples>> = Object.fromEntries(Object.keys(servers).map((s) => [s, {}]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, p] of Object.entries(paths)) {
      for (const enc of ["gzip", "identity"] as const) {
        for (const [label, server] of Object.entries(servers)) {
          const r = (results[label]![name] ??= { gzip: [], identity: [], bytes: {} });
          for (let i = 0; i < 10; i++) await (await server.fetch(p, { headers: { "accept-encoding": enc } })).arrayBuffer(); // warm
          const pid = server.child.pid!;
          const c0 = cpuSeconds(pid);
          let bytes = 0;
          let encoding = "";
          for (let i = 0; i < n; i++) {
            const res = await server.fetch(p, { headers: { "accept-encoding": enc } });
            bytes = (await res.arrayBuffer()).byteLength;
            encoding = res.headers.get("content-encoding") ?? "none";
          }
          r[enc].push(Math.round((((cpuSeconds(pid) - c0) * 1000) / n) * 100) / 100);
          r.bytes[`${enc} (${encoding})`] = bytes;
        }
      }
    }
    log(`round ${round + 1}/${rounds} (load ${os.loadavg()[0]!.toFixed(1)})`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary = Object.fromEntries(
    Object.entries(results).map(([label, byPath]) => [label, Object.fromEntries(Object.entries(byPath).map(([k, v]) => [k, { gzip: median(v.gzip), identity: median(v.identity), rounds: v }]))]),
  );
  const ratio = servers.reference
    ? Object.fromEntries(Object.keys(paths).map((k) => [k, { gzip: Math.round((summary.this![k]!.gzip / summary.reference![k]!.gzip) * 100) / 100, identity: Math.round((summary.this![k]!.identity / summary.reference![k]!.identity) * 100) / 100 }]))
    : undefined;
  console.log(JSON.stringify({ machine: { cpus: os.availableParallelism(), loadavg1: Math.round(os.loadavg()[0]! * 10) / 10 }, requestsPerRound: n, cpuMsPerRequest: summary, ...(ratio ? { ratioThisToReference: ratio } : {}) }));
} finally {
  for (const s of Object.values(servers)) await s.stop();
  await stack.stop();
}
if (profDir) {
  for (const [label, s] of Object.entries(servers)) {
    const file = path.join(profDir, `web-${s.child.pid}.cpuprofile`);
    if (fs.existsSync(file)) console.log(JSON.stringify({ server: label, profile: { file, ...summarizeServerProfile(JSON.parse(fs.readFileSync(file, "utf8")), 40) } }));
  }
}
