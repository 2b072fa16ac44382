/**
 * The unit costs docs/scaling.md builds its model from, measured on this machine against the real
 * PostgreSQL and Redis (one JSON object):
 *  - commit: wall ms of one commitBatch (lib/db/archive-store.ts) as a function of its stored rows
 *    (100-D vector genomes), one writer; fitted as fixed + per-row (least squares);
 *  - commit under contention: the same with 2 and 4 concurrent writers on one experiment, to see
 *    how long the experiment row is held (the per-experiment ceiling);
 *  - queue: a BullMQ job's round trip (add → an idle worker runs a no-op → completed), sequential,
 *    and jobs/s with 8 in flight;
 *  - SSE fan-out: the per-experiment event poll (one query per web process per 300 ms) and the
 *    cost of writing one batch frame to N connected clients of a plain HTTP server (what a Feed
 *    does per frame).
 *
 *   npx tsx bench/pipeline-costs.ts [--commits 40] [--rows 630]
 */
import crypto from "node:crypto";
import http from "node:http";
import os from "node:os";
import { parseArgs } from "node:util";
import { commitBatch, type CandidateBatch } from "@/lib/db/archive-store";
import { ExperimentConfig } from "@/lib/experiments/config";
import { createExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack } from "@/tests/helpers/stack";

// --rows: stored rows per commit of the reference run (bench/pipeline: ~630 per 10,260-evaluation job).
const { values } = parseArgs({ options: { commits: { type: "string", default: "40" }, rows: { type: "string", default: "630" } } });
const COMMITS = Number(values.commits);
const RUN_ROWS = Number(values.rows);
const log = (s: string) => process.stderr.write(`[bench:pipeline-costs] ${s}\n`);
const DIM = 100;
const CELLS = 10_000;

const stack = await createTestStack();
const { prisma } = stack;

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A numbered job's batch with `rows` improving candidates on random cells (fitness rises with k so most land). */
function syntheticBatch(experimentId: string, k: number, rows: number, parents: string[]): CandidateBatch {
  const genomes = new Float64Array(rows * DIM).map(() => Math.random() * 4 - 2);
  const ids = Array.from({ length: rows }, () => crypto.randomUUID());
  return {
    experimentId,
    batchId: `cost-${k}`,
    evaluations: 5_000,
    failed: 0,
    generated: true,
    operator: "iso-line",
    cells: Array.from({ length: rows }, () => Math.floor(Math.random() * CELLS)),
    fitness: Array.from({ length: rows }, () => k + Math.random()),
    descriptors: Array.from({ length: rows * 2 }, () => Math.random() * 100 - 50),
    measureDim: 2,
    genomes: new Uint8Array(genomes.buffer),
    genomeDim: DIM,
    parentIds: Array.from({ length: rows * 2 }, () => (parents.length ? parents[Math.floor(Math.random() * parents.length)]! : null)),
    parentsPer: 2,
    solutionIds: ids,
  };
}

async function newExperiment() {
  const config = ExperimentConfig.parse({ name: "costs", domain: { type: "sphere", dim: DIM }, emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2 }, batchSize: 540, budget: { evaluations: 1e9 }, seed: 1 });
  const exp = await createExperiment(prisma, config);
  await prisma.experiment.update({ where: { id: exp.id }, data: { status: "running" } });
  return exp.id;
}

/** ms per commit of `rows` rows, `writers` at once on one experiment (median over COMMITS per writer). */
async function commitCost(rows: number, writers: number) {
  const id = await newExperiment();
  const parents: string[] = [];
  // Warm-up: fill part of the archive so upserts probe existing cells, as in a run.
  for (let k = 0; k < 5; k++) {
    const b = syntheticBatch(id, -1 - k, 1_000, parents);
    await commitBatch(prisma, b, 1e9);
    parents.push(...b.solutionIds.slice(0, 50));
  }
  const times: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < COMMITS; i++) {
        const b = syntheticBatch(id, w * COMMITS + i, rows, parents);
        const t = performance.now();
        await commitBatch(prisma, b, 1e9);
        times.push(performance.now() - t);
      }
    }),
  );
  const wall = performance.now() - t0;
  return { rows, writers, msPerCommit: Number(median(times).toFixed(2)), commitsPerSec: Number(((writers * COMMITS * 1000) / wall).toFixed(1)) };
}

function fit(points: { rows: number; msPerCommit: number }[]) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.rows, 0) / n;
  const my = points.reduce((s, p) => s + p.msPerCommit, 0) / n;
  const b = points.reduce((s, p) => s + (p.rows - mx) * (p.msPerCommit - my), 0) / points.reduce((s, p) => s + (p.rows - mx) ** 2, 0);
  return { fixedMs: Number((my - b * mx).toFixed(2)), perRowMs: Number(b.toFixed(4)) };
}

async function queueCost() {
  const name = `cost-${crypto.randomBytes(3).toString("hex")}`;
  const queue = stack.queues.queue(name);
  const done = new Map<string, () => void>();
  const worker = stack.queues.worker(name, async () => ({}), { concurrency: 8, autorun: true });
  worker.on("completed", (job) => done.get(job.id!)?.());
  await worker.waitUntilReady();
  const roundTrip = async (i: number) => {
    const finished = new Promise<void>((r) => done.set(`j${i}`, r));
    await queue.add("x", { i }, { jobId: `j${i}`, removeOnComplete: true });
    await finished;
  };
  for (let i = 0; i < 20; i++) await roundTrip(i); // warm-up
  const seq: number[] = [];
  for (let i = 100; i < 100 + COMMITS * 2; i++) {
    const t = performance.now();
    await roundTrip(i);
    seq.push(performance.now() - t);
  }
  const n = 400;
  const t0 = performance.now();
  let next = 10_000;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < 10_000 + n) await roundTrip(next++);
  }));
  const jobsPerSec = (n * 1000) / (performance.now() - t0);
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => {});
  return { roundTripMs: Number(median(seq).toFixed(2)), jobsPerSecWith8InFlight: Math.round(jobsPerSec) };
}

async function ssePollCost(experimentId: string) {
  const times: number[] = [];
  for (let i = 0; i < COMMITS; i++) {
    const t = performance.now();
    await prisma.$queryRawUnsafe(`SELECT id, type, payload FROM "ExperimentEvent" WHERE "experimentId" = $1::uuid AND id > $2 ORDER BY id LIMIT 500`, experimentId, 0);
    times.push(performance.now() - t);
  }
  return Number(median(times).toFixed(2));
}

/** ms of one frame (a typical batch event, `bytes` long) written to `clients` open responses and read by them. */
async function fanOut(clients: number, bytes: number) {
  const responses: http.ServerResponse[] = [];
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.flushHeaders();
    responses.push(res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  let received = 0;
  let onAll: (() => void) | null = null;
  const reqs = Array.from({ length: clients }, () =>
    http.get({ port, host: "127.0.0.1", agent }, (res) => res.on("data", (d: Buffer) => {
      received += d.length;
      if (onAll && received >= clients * bytes) onAll();
    })),
  );
  while (responses.length < clients) await new Promise((r) => setTimeout(r, 10));
  const frame = Buffer.alloc(bytes, 120);
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    received = 0;
    const all = new Promise<void>((r) => (onAll = r));
    const t = performance.now();
    for (const res of responses) res.write(frame);
    await all;
    times.push(performance.now() - t);
  }
  for (const r of reqs) r.destroy();
  agent.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  return { clients, frameBytes: bytes, msPerFrame: Number(median(times).toFixed(2)) };
}

try {
  const single = [];
  for (const rows of [0, 300, RUN_ROWS, 1_200, 4_000]) {
    single.push(await commitCost(rows, 1));
    log(`commit ${rows} rows: ${single.at(-1)!.msPerCommit} ms`);
  }
  const contended = [];
  for (const writers of [2, 4]) {
    contended.push(await commitCost(RUN_ROWS, writers));
    log(`commit ${RUN_ROWS} rows × ${writers} writers: ${contended.at(-1)!.commitsPerSec} commits/s`);
  }
  const queue = await queueCost();
  log(`queue: ${queue.roundTripMs} ms round trip`);
  const anyExperiment = (await prisma.experiment.findFirst({ select: { id: true } }))!.id;
  const poll = await ssePollCost(anyExperiment);
  const fan = [];
  // A batch event with ~1,200 improved cells is ~30 KB of JSON; a quiet one ~200 bytes.
  for (const clients of [50, 200]) fan.push(await fanOut(clients, 30_000));
  // Commits of a 100 ms evaluator's jobs: 20 candidates, every one stored.
  const slow = await commitCost(20, 1);
  console.log(
    JSON.stringify(
      {
        bench: "pipeline-costs",
        loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
        cpus: os.cpus().length,
        commit: { single, fit: fit(single), contended, twentyRows: slow },
        queue,
        sse: { pollQueryMs: poll, fanOut: fan },
      },
      null,
      2,
    ),
  );
} finally {
  await stack.stop();
}
