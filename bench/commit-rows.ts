/**
 * What one stored row costs PostgreSQL in a numbered job's commit, per variant, measured in
 * alternation on a loaded machine. Each variant gets its own database; a "run" commits `--commits`
 * batches of `--rows` rows (100-D genomes, cells of a 10,000-cell grid, fitness rising so most rows
 * win their cell: the reference run's shape, bench/pipeline.ts) into a fresh experiment, the
 * variants taking turns commit by commit. Reported per variant: PostgreSQL backend CPU per commit
 * (the backends of that variant's database, /proc), this process's CPU per commit (Prisma's and
 * node-postgres' parameter encoding, which a worker does while it holds the experiment row), wall ms per commit (median), and the size of the
 * Solution primary key at the end (random ids split pages all over it; time-ordered ids fill it).
 *
 *   npx tsx bench/commit-rows.ts [--commits 106] [--rows 630] [--runs 2] [--variants v4,v7] [--baseline FILE]
 *
 * Variants: `v4` (random UUIDs, crypto.randomUUID), `v7` (lib/db/solution-id.ts), and with
 * `--baseline FILE` (another version of lib/db/archive-store.ts, e.g. main's copied into lib/db so its
 * imports resolve) `base-v4` / `base-v7`: the same ids committed by that file's commitBatch; `direct`:
 * v7 ids committed through a node-postgres pool of its own (commitBatch's direct path, lib/db/direct-pool.ts).
 */
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { commitBatch, type CandidateBatch } from "@/lib/db/archive-store";
import { createPrismaClient } from "@/lib/db/client";
import { createDirectPool } from "@/lib/db/direct-pool";
import { newSolutionId } from "@/lib/db/solution-id";
import { ExperimentConfig } from "@/lib/experiments/config";
import { createExperiment } from "@/lib/experiments/lifecycle";
import { createTestDatabase } from "@/tests/helpers/db";
import { cpuSeconds } from "./proc-cpu";

const { values } = parseArgs({
  options: {
    commits: { type: "string", default: "106" },
    rows: { type: "string", default: "630" },
    runs: { type: "string", default: "2" },
    variants: { type: "string", default: "v4,v7" },
    baseline: { type: "string" },
  },
});
const COMMITS = Number(values.commits);
const ROWS = Number(values.rows);
const DIM = 100;
const CELLS = 10_000;
const log = (s: string) => process.stderr.write(`[bench:commit-rows] ${s}\n`);

const newIds: Record<string, () => string> = { v4: () => crypto.randomUUID(), v7: newSolutionId, direct: newSolutionId };
const baseline: { commitBatch: typeof commitBatch } | null = values.baseline ? await import(path.resolve(values.baseline)) : null;
const variants = values.variants!.split(",");
const ids: Record<string, () => string> = {};
const commits: Record<string, typeof commitBatch> = {};
for (const v of variants) {
  const id = newIds[v.replace(/^base-/, "")];
  if (!id || (v.startsWith("base-") && !baseline)) throw new Error(`unknown variant ${v} (base-* needs --baseline)`);
  ids[v] = id;
  commits[v] = v.startsWith("base-") ? baseline!.commitBatch : commitBatch;
}

type Prisma = ReturnType<typeof createPrismaClient>;

function batch(experimentId: string, k: number, newId: () => string, parents: string[]): CandidateBatch {
  const genomes = new Float64Array(ROWS * DIM).map(() => Math.random() * 4 - 2);
  return {
    experimentId,
    batchId: `rows-${k}`,
    evaluations: 10_260,
    failed: 0,
    generated: true,
    operator: "iso-line",
    cells: Array.from({ length: ROWS }, () => Math.floor(Math.random() * CELLS)),
    fitness: Array.from({ length: ROWS }, () => k + Math.random()),
    descriptors: Array.from({ length: ROWS * 2 }, () => Math.random() * 100 - 50),
    measureDim: 2,
    genomes: new Uint8Array(genomes.buffer),
    genomeDim: DIM,
    parentIds: Array.from({ length: ROWS * 2 }, () => (parents.length ? parents[Math.floor(Math.random() * parents.length)]! : null)),
    parentsPer: 2,
    solutionIds: Array.from({ length: ROWS }, newId),
  };
}

async function backendCpu(prisma: Prisma): Promise<number> {
  // The direct pool's backend is listed too (its connection stays open between commits).
  const pids = await prisma.$queryRawUnsafe<{ pid: number }[]>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  return pids.reduce((s, p) => s + cpuSeconds(p.pid), 0);
}

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const config = ExperimentConfig.parse({ name: "rows", domain: { type: "sphere", dim: DIM }, emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2 }, batchSize: 540, budget: { evaluations: 1e9 }, seed: 1 });
const dbs = await Promise.all(variants.map(() => createTestDatabase({ prefix: "qd_commitfree_rows" })));
const clients = dbs.map((d) => createPrismaClient(d.url));
const pools = dbs.map((d, i) => (variants[i] === "direct" ? createDirectPool(d.url, 1) : undefined));
const result: Record<string, { cpuMsPerCommit: number[]; clientCpuMsPerCommit: number[]; wallMsPerCommit: number[]; pkeyKb: number[]; solutionKb: number[] }> = {};
for (const v of variants) result[v] = { cpuMsPerCommit: [], clientCpuMsPerCommit: [], wallMsPerCommit: [], pkeyKb: [], solutionKb: [] };
try {
  for (let run = 0; run < Number(values.runs); run++) {
    const exps = await Promise.all(
      clients.map(async (p) => {
        const exp = await createExperiment(p, config);
        await p.experiment.update({ where: { id: exp.id }, data: { status: "running" } });
        return exp.id;
      }),
    );
    const parents: string[][] = variants.map(() => []);
    const cpu = variants.map(() => 0);
    const clientCpu = variants.map(() => 0);
    const walls: number[][] = variants.map(() => []);
    for (let k = 0; k < COMMITS; k++) {
      // Alternate which variant goes first, so neither always follows the other's writes.
      const order = k % 2 ? [...variants.keys()].reverse() : [...variants.keys()];
      for (const i of order) {
        const b = batch(exps[i]!, k, ids[variants[i]!]!, parents[i]!);
        const c0 = await backendCpu(clients[i]!);
        const t = performance.now();
        const u = process.cpuUsage();
        await commits[variants[i]!]!(clients[i]!, b, 1e9, undefined, pools[i]);
        walls[i]!.push(performance.now() - t);
        const du = process.cpuUsage(u);
        clientCpu[i]! += (du.user + du.system) / 1000;
        cpu[i]! += (await backendCpu(clients[i]!)) - c0;
        parents[i]!.push(...b.solutionIds.slice(0, 20));
      }
    }
    for (const [i, v] of variants.entries()) {
      const [size] = await clients[i]!.$queryRawUnsafe<{ pkey: bigint; heap: bigint }[]>(
        `SELECT pg_relation_size('"Solution_pkey"') AS pkey, pg_relation_size('"Solution"') AS heap`,
      );
      result[v]!.cpuMsPerCommit.push(Number(((cpu[i]! * 1000) / COMMITS).toFixed(2)));
      result[v]!.clientCpuMsPerCommit.push(Number((clientCpu[i]! / COMMITS).toFixed(2)));
      result[v]!.wallMsPerCommit.push(Number(median(walls[i]!).toFixed(2)));
      result[v]!.pkeyKb.push(Number(size!.pkey / 1024n));
      result[v]!.solutionKb.push(Number(size!.heap / 1024n));
    }
    log(`run ${run + 1}: ${JSON.stringify(result)}`);
  }
  const loadAverage = os.loadavg().map((x) => Number(x.toFixed(2)));
  console.log(JSON.stringify({ bench: "commit-rows", rows: ROWS, commits: COMMITS, loadAverage, variants: result }, null, 2));
} finally {
  await Promise.all(clients.map((c) => c.$disconnect()));
  await Promise.all(pools.map((p) => p?.end()));
  await Promise.all(dbs.map((d) => d.drop()));
}
