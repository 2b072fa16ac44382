/**
 * Throughput of the Python client's ask/tell loop (examples/python/pyribs_port.py: pyribs'
 * sphere-100 evaluated in Python with numpy, archive and emitter on the server) against a
 * local `next start`. Target: >= 20,000 evaluations/s with large batches.
 * Prints one JSON object: { runs: [{ batch, prefetch, evaluations, seconds, evaluationsPerSecond,
 * cpuMicrosPerEvaluation: { webServer, postgres, python }, … }], best }. The CPU figures do not depend
 * on how busy the machine is; their sum bounds the throughput one core per process could reach
 * (`evaluationsPerCpuSecond`), and `serverCpuShare` is the web server's and PostgreSQL's part of it.
 * Every run carries the load average when it ended.
 *
 * Each batch size runs with and without prefetch, and for each ask encoding given (`binary`: the raw
 * float64 answer the client uses by default; `base64`: the JSON answer before it), alternating, so
 * the two are compared in the same run on the same server.
 *
 *   npx tsx bench/python-client.ts [--budget 200000] [--batches 2000,10000] [--encodings binary,base64] [--prefetch both|on|off] [--cpu-prof DIR]
 * (`--cpu-prof DIR`: the web server writes a V8 CPU profile there when it stops.)
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createTestStack } from "@/tests/helpers/stack";
import { startApiServer } from "@/tests/helpers/server";
import { cpuSeconds } from "./proc-cpu";

const { values } = parseArgs({ options: { budget: { type: "string", default: "200000" }, batches: { type: "string", default: "2000,10000" }, encodings: { type: "string", default: "binary,base64" }, prefetch: { type: "string", default: "both" }, "cpu-prof": { type: "string" } } });
const prefetchModes = values.prefetch === "on" ? [true] : values.prefetch === "off" ? [false] : [false, true];
const root = path.resolve(import.meta.dirname, "..");
const log = (s: string) => process.stderr.write(`[bench:python-client] ${s}\n`);


const stack = await createTestStack();
const profile = values["cpu-prof"]
  ? { extraEnv: { NODE_OPTIONS: `--require ${path.join(root, "bench/cpu-profile-preload.cjs")}`, BENCH_CPU_PROF_DIR: path.resolve(values["cpu-prof"]) } }
  : {};
const server = await startApiServer(stack.env, profile).catch(async (e) => {
  await stack.stop();
  throw e;
});
try {
  const runs: Record<string, unknown>[] = [];
  for (const batch of values.batches.split(",").map(Number)) {
    for (const prefetch of prefetchModes) for (const encoding of values.encodings.split(",")) {
      log(`batch ${batch}${prefetch ? ", prefetch" : ""}, ask ${encoding}: ${values.budget} evaluations`);
      const args = [path.join(root, "examples/python/pyribs_port.py"), "--url", server.url, "--batch", String(batch), "--budget", values.budget, "--json", "--ask-encoding", encoding, ...(prefetch ? ["--prefetch"] : [])];
      // CPU per evaluation is what the machine's load cannot inflate: the web server, the database
      // backends serving this test database, and the Python process.
      const backends = async () => (await stack.prisma.$queryRawUnsafe<{ pid: number }[]>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)).map((b) => b.pid);
      const before = { server: cpuSeconds(server.child.pid!), pg: new Map((await backends()).map((p) => [p, cpuSeconds(p)])) };
      const r = spawnSync("python3", args, { encoding: "utf8", env: { ...process.env, PYTHONPATH: path.join(root, "clients/python") } });
      const serverCpu = cpuSeconds(server.child.pid!) - before.server;
      let pgCpu = 0;
      for (const p of await backends()) pgCpu += cpuSeconds(p) - (before.pg.get(p) ?? 0);
      if (r.status !== 0) throw new Error(`pyribs_port.py failed (${r.status}):\n${r.stderr.slice(-3000)}`);
      const figures = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
      const n = figures.evaluations as number;
      const us = (sec: number) => Math.round((sec / n) * 1e7) / 10;
      const py = figures.pythonCpuMicrosPerEvaluation as number;
      figures.cpuMicrosPerEvaluation = { webServer: us(serverCpu), postgres: us(pgCpu), python: py };
      delete figures.pythonCpuMicrosPerEvaluation;
      // The server side's share of all CPU spent per evaluation, and what one CPU-second buys in
      // evaluations (the rate an idle machine with one core per process would approach).
      const total = us(serverCpu) + us(pgCpu) + py;
      figures.serverCpuShare = Math.round(((us(serverCpu) + us(pgCpu)) / total) * 1000) / 1000;
      figures.evaluationsPerCpuSecond = Math.round(1e6 / total);
      figures.evaluationsPerServerCpuSecond = Math.round(1e6 / (us(serverCpu) + us(pgCpu)));
      figures.loadAverage = os.loadavg().map((l) => Math.round(l * 100) / 100);
      log(`  ${figures.evaluationsPerSecond} evaluations/s (load ${os.loadavg()[0]!.toFixed(1)}); CPU per evaluation: web server ${us(serverCpu)} µs, PostgreSQL ${us(pgCpu)} µs, Python ${py} µs`);
      runs.push(figures);
    }
  }
  const best = runs.reduce((a, b) => ((b.evaluationsPerSecond as number) > (a.evaluationsPerSecond as number) ? b : a));
  const bestPerCpu = runs.reduce((a, b) => ((b.evaluationsPerCpuSecond as number) > (a.evaluationsPerCpuSecond as number) ? b : a));
  console.log(
    JSON.stringify({
      target: 20_000,
      cores: os.cpus().length,
      loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
      runs,
      best: { batch: best.batch, prefetch: best.prefetch, askEncoding: best.askEncoding, evaluationsPerSecond: best.evaluationsPerSecond, loadAverage: best.loadAverage },
      bestPerCpuSecond: { batch: bestPerCpu.batch, prefetch: bestPerCpu.prefetch, askEncoding: bestPerCpu.askEncoding, evaluationsPerCpuSecond: bestPerCpu.evaluationsPerCpuSecond, serverCpuShare: bestPerCpu.serverCpuShare },
    }),
  );
} finally {
  await server.stop();
  await stack.stop();
}
