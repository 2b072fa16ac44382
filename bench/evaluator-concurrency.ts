/**
 * Slow evaluators against `evaluation.concurrency`: a 100 ms command evaluator (`read; sleep 0.1;
 * echo {...}`, one sandboxed process per candidate) and a 100 ms webhook (a local HTTP server that
 * sleeps), through the whole pipeline (queue, 2 worker processes, PostgreSQL). For each concurrency
 * it prints evaluations/s and the efficiency against the ideal `concurrency / 0.1 s` (and against
 * what all workers could hold in flight). Command evaluators reuse warm sandboxes (lib/sandbox/persistent.ts).
 * Next to them, the references measured in the same run: the same command evaluator at the highest
 * concurrency with a fresh sandbox per candidate (QD_SANDBOX_PERSISTENT=0 in the workers: the path
 * before warm sandboxes), and, without any pipeline, how many candidates per second one process gets
 * through fresh sandboxes vs warm ones (64 at once). Every row carries the load average.
 * Prints one JSON line.
 *
 *   npx tsx bench/evaluator-concurrency.ts [--concurrency 1,4,16,64] [--evaluators command,webhook] [--workers 2] [--seconds 6] [--max-in-flight 8] [--reference true]
 */
import http from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ExperimentSpec } from "@/lib/experiments/config";
import { createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { evaluateEach } from "@/lib/evaluators";
import { loadavg } from "node:os";
import { createSandboxPool } from "@/lib/sandbox/persistent";
import { runSandboxedProcess } from "@/lib/sandbox/process";
import { createTestStack, waitFor } from "@/tests/helpers/stack";

const { values } = parseArgs({
  options: {
    concurrency: { type: "string", default: "1,4,16,64" },
    evaluators: { type: "string", default: "command,webhook" },
    workers: { type: "string", default: "2" },
    /** Each run's budget is about this many seconds at the ideal rate (bounded, whole batches). */
    seconds: { type: "string", default: "6" },
    "max-evaluations": { type: "string", default: "1600" },
    /** Jobs in flight per experiment: enough that every worker has a job evaluating while another commits. */
    "max-in-flight": { type: "string", default: "8" },
    /** Also run the command evaluator with a fresh sandbox per candidate (the old path) at the highest concurrency. */
    reference: { type: "string", default: "true" },
  },
});
const SLEEP_S = 0.1;
const BATCH = 20;
const workers = Number(values.workers);
const log = (s: string) => process.stderr.write(`[bench:evaluator-concurrency] ${s}\n`);
const RESULT = '{"fitness": 1, "descriptors": [0.5, 0.5]}';
const COMMAND = `sh -c 'read l; sleep ${SLEEP_S}; echo "${RESULT.replace(/"/g, '\\"')}"'`;

/** Batch 20 (the shape); larger when the concurrency asks for more candidates than a job has. */
const batchFor = (c: number) => Math.max(BATCH, c);

function budgetFor(c: number) {
  const batch = batchFor(c);
  const ideal = Math.min(c, batch) * workers / SLEEP_S;
  const want = Math.min(Number(values["max-evaluations"]), Math.max(4 * batch, ideal * Number(values.seconds)));
  return Math.ceil(want / batch) * batch;
}

async function sleepyWebhook() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(RESULT), SLEEP_S * 1000));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/evaluate`, close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))) };
}

const load = () => loadavg().map((x) => Number(x.toFixed(2)));

/** The same command per second from one process, 64 at once, no queue or database: a fresh sandbox per candidate vs warm sandboxes. */
async function spawnCeiling(warm: boolean, n = 320, lanes = 64) {
  const home = await mkdtemp(path.join(tmpdir(), "qd-bench-"));
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home };
  const pool = warm ? createSandboxPool({ envPath: env.PATH }) : null;
  const cmd = { command: "sh", args: ["-c", `read l; sleep ${SLEEP_S}; echo '${RESULT}'`], env, stdin: "{}\n", timeoutMs: 120_000 };
  try {
    if (pool) await evaluateEach(Array.from({ length: lanes }, (_, i) => i), { concurrency: lanes }, () => pool.run(cmd), () => null); // warm up
    const t0 = performance.now();
    const rs = await evaluateEach(
      Array.from({ length: n }, (_, i) => i),
      { concurrency: lanes },
      () => (pool ? pool.run(cmd) : runSandboxedProcess({ ...cmd, cwd: home })),
      () => null,
    );
    const seconds = (performance.now() - t0) / 1000;
    const perSec = n / seconds;
    return { sandbox: warm ? "warm" : "fresh per candidate", candidates: n, lanes, ok: rs.filter((r) => r && r.code === 0).length, perSec: Number(perSec.toFixed(1)), efficiency: Number((perSec / (lanes / SLEEP_S)).toFixed(3)), loadavg: load() };
  } finally {
    await pool?.close();
    await rm(home, { recursive: true, force: true });
  }
}

const stack = await createTestStack();
const webhook = await sleepyWebhook();
const rows: Record<string, unknown>[] = [];
try {
  let procs = Array.from({ length: workers }, () => stack.startWorker());
  await waitFor(async () => procs.every((p) => p.output().includes("ready")), 120_000, "workers ready");
  const levels = values.concurrency!.split(",").map(Number);
  const plan: { kind: string; c: number; fresh?: boolean }[] = values.evaluators!.split(",").flatMap((kind) => levels.map((c) => ({ kind, c })));
  if (values.reference === "true" && values.evaluators!.includes("command")) plan.push({ kind: "command", c: Math.max(...levels), fresh: true });
  for (const { kind, c, fresh } of plan) {
    {
      if (fresh) {
        // The reference: workers that start a fresh sandbox per candidate.
        await Promise.all(procs.map((p) => p.stop()));
        procs = Array.from({ length: workers }, () => stack.startWorker({ QD_SANDBOX_PERSISTENT: "0" }));
        await waitFor(async () => procs.every((p) => p.output().includes("ready")), 120_000, "reference workers ready");
      }
      const batch = batchFor(c);
      const budget = budgetFor(c);
      const domain = kind === "command" ? { type: "command", command: COMMAND, timeoutMs: 120_000 } : { type: "webhook", url: webhook.url, timeoutMs: 120_000 };
      const config = ExperimentSpec.parse({
        name: `bench ${kind} evaluator, concurrency ${c}`,
        domain: { ...domain, dim: 2, bounds: [0, 1] },
        descriptors: [
          { name: "a", min: 0, max: 1, bins: 10 },
          { name: "b", min: 0, max: 1, bins: 10 },
        ],
        emitter: { type: "gaussian", sigma: 0.1 },
        evaluation: { concurrency: c },
        batchSize: batch,
        maxInFlight: Number(values["max-in-flight"]),
        budget: { evaluations: budget },
        seed: 1,
      });
      const exp = await createExperiment(stack.prisma, config);
      const t0 = performance.now();
      await startExperiment(stack.prisma, stack.queues, exp.id);
      const done = await waitFor(async () => {
        const e = await stack.prisma.experiment.findUnique({ where: { id: exp.id } });
        return e && e.status !== "running" && e.status !== "queued" ? e : null;
      }, 60 * 60_000, `${kind} c=${c} to finish`);
      const seconds = (performance.now() - t0) / 1000;
      const perSec = done.evaluations / seconds;
      const ideal = c / SLEEP_S;
      const idealAllWorkers = (Math.min(c, batch) * workers) / SLEEP_S;
      const row = {
        evaluator: kind,
        ...(kind === "command" ? { sandbox: fresh ? "fresh per candidate (reference)" : "warm" } : {}),
        concurrency: c,
        batchSize: batch,
        maxInFlight: Number(values["max-in-flight"]),
        workers,
        status: done.status,
        ...(done.statusReason ? { statusReason: done.statusReason } : {}),
        evaluations: done.evaluations,
        failed: done.failedEvaluations,
        seconds: Number(seconds.toFixed(2)),
        evalsPerSec: Number(perSec.toFixed(1)),
        ideal,
        efficiency: Number((perSec / ideal).toFixed(3)),
        idealAllWorkers,
        efficiencyAllWorkers: Number((perSec / idealAllWorkers).toFixed(3)),
        loadavg: load(),
      };
      log(JSON.stringify(row));
      rows.push(row);
    }
  }
} finally {
  await webhook.close();
  await stack.stop();
}
const ceilings = values.evaluators!.includes("command") ? [await spawnCeiling(false), await spawnCeiling(true)] : [];
for (const c of ceilings) log(`one process, no pipeline: ${JSON.stringify(c)}`);
const best = rows.filter((r) => r.sandbox === "warm").at(-1);
const ref = rows.find((r) => r.sandbox === "fresh per candidate (reference)");
const ratio = best && ref ? Number(((best.evalsPerSec as number) / (ref.evalsPerSec as number)).toFixed(2)) : null;
console.log(JSON.stringify({ bench: "evaluator-concurrency", evaluatorSeconds: SLEEP_S, commandWarmVsFreshRatio: ratio, reference: { oneProcess: ceilings }, runs: rows }));
