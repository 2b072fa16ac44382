/**
 * What one request costs the web server, with nothing else going on: server CPU milliseconds per
 * request (Linux /proc, user + system, threads included) for a trivial request (the API's 404), the
 * cheap reads the dashboard polls, and the same with and without `Accept-Encoding: gzip`, N sequential
 * requests each. The per-request floor (routing, the edge checks, Next.js's request and response
 * objects, compression) is what a closed loop of readers pays on every read (bench/reads-under-load.ts).
 *
 *   npx tsx bench/request-overhead.ts [--requests 300] [--rounds 3] [--cpu-prof DIR]
 * (`--cpu-prof DIR`: the web server writes a V8 CPU profile there when it stops, and the bench prints
 *  its summary: CPU by area and the top functions.)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createTestStack } from "@/tests/helpers/stack";
import { startApiServer } from "@/tests/helpers/server";
import { summarizeServerProfile } from "./server-profile";

const { values } = parseArgs({ options: { requests: { type: "string", default: "300" }, rounds: { type: "string", default: "3" }, "cpu-prof": { type: "string" } } });
const root = path.resolve(import.meta.dirname, "..");
const profDir = values["cpu-prof"] ? path.resolve(values["cpu-prof"]) : undefined;
if (profDir) fs.mkdirSync(profDir, { recursive: true });
const n = Number(values.requests);
const rounds = Number(values.rounds);
const log = (s: string) => process.stderr.write(`[bench:request-overhead] ${s}\n`);

function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

const stack = await createTestStack();
const server = await startApiServer(stack.env, profDir ? { extraEnv: { NODE_OPTIONS: `--require ${path.join(root, "bench/cpu-profile-preload.cjs")}`, BENCH_CPU_PROF_DIR: profDir } } : {}).catch(async (e) => {
  await stack.stop();
  throw e;
});
try {
  const created = await server.fetch("/api/experiments", {
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
  const pid = server.child.pid!;
  const results: Record<string, { gzip: number[]; identity: number[]; bytes: Record<string, number> }> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, p] of Object.entries(paths)) {
      const r = (results[name] ??= { gzip: [], identity: [], bytes: {} });
      for (const enc of ["gzip", "identity"] as const) {
        for (let i = 0; i < 10; i++) await (await server.fetch(p, { headers: { "accept-encoding": enc } })).arrayBuffer(); // warm
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
    log(`round ${round + 1}/${rounds}`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    JSON.stringify({
      machine: { cpus: os.availableParallelism(), loadavg1: Math.round(os.loadavg()[0]! * 10) / 10 },
      requestsPerRound: n,
      cpuMsPerRequest: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { gzip: median(v.gzip), identity: median(v.identity), rounds: v, }])),
    }),
  );
} finally {
  await server.stop();
  await stack.stop();
}
if (profDir) {
  const file = path.join(profDir, `web-${server.child.pid}.cpuprofile`);
  if (fs.existsSync(file)) console.log(JSON.stringify({ serverProfile: { file, ...summarizeServerProfile(JSON.parse(fs.readFileSync(file, "utf8")), 40) } }));
}
