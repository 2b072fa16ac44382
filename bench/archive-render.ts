/**
 * What one archive read costs the web server, in one process and one run (ratios survive a loaded
 * machine better than latencies through HTTP): a 10,000-elite grid where 300 elites improve (one
 * new revision) before every read, as during a live run.
 *   pg:     the body rendered by PostgreSQL from the whole table (elitesJson, the path before the copy);
 *   copy:   catch-up of the web process's copy (lib/api/archive-state.ts) + render from memory
 *           (copyCatchUp + copyRender); copyColumns: the typed columns of the compact form from the copy;
 *   gzip6:  gzip of the 1 MB JSON at zlib's default level (what Next.js does per request);
 *   gzip1:  the same at level 1 (done once per revision by the server now).
 * `fullLoadMs`: the first read of a copy (all 10,000 rows). Prints one JSON object with p50/max per
 * step, the ratio pg/copy, and the load average.
 *
 *   npx tsx bench/archive-render.ts [--reads 40]
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { ExperimentConfig } from "@/lib/experiments/config";
import { createExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack } from "@/tests/helpers/stack";

const { values } = parseArgs({ options: { reads: { type: "string", default: "40" } } });
const reads = Number(values.reads);
const stack = await createTestStack();
process.env.DATABASE_URL = stack.env.DATABASE_URL;
const { elitesJson, pool } = await import("@/lib/api/archive");
const { archiveState, elitesJsonFrom, entriesAfter, columnsFrom } = await import("@/lib/api/archive-state");

try {
  const exp = await createExperiment(stack.prisma, ExperimentConfig.parse({ name: "bench render", domain: { type: "sphere", dim: 100 }, budget: { evaluations: 1_000_000 } }));
  await stack.prisma.$executeRawUnsafe(
    `WITH s AS (
       INSERT INTO "Solution" (id, "experimentId", status, "genomeKind", fitness, descriptors, cell, "parentIds", operator, "eliteRevision")
       SELECT gen_random_uuid(), $1::uuid, 'evaluated', 'vector', 50 + 50 * random(),
              ARRAY[-256 + 512 * ((c / 100) + random()) / 100, -256 + 512 * ((c % 100) + random()) / 100], c, '{}', 'iso-line', 1
       FROM generate_series(0, 9999) AS c RETURNING id, fitness, descriptors, cell
     )
     INSERT INTO "Elite" ("experimentId", cell, "solutionId", fitness, descriptors, revision) SELECT $1::uuid, cell, id, fitness, descriptors, 1 FROM s`,
    exp.id,
  );
  await stack.prisma.$executeRawUnsafe(`UPDATE "Experiment" SET "numElites" = 10000, "archiveRevision" = 1 WHERE id = $1::uuid`, exp.id);
  await stack.prisma.$executeRawUnsafe(`ANALYZE "Elite"`);
  const improve = () =>
    stack.prisma.$transaction(async (tx) => {
      const [{ r }] = await tx.$queryRawUnsafe<{ r: bigint }[]>(`UPDATE "Experiment" SET "archiveRevision" = "archiveRevision" + 1 WHERE id = $1::uuid RETURNING "archiveRevision" AS r`, exp.id);
      await tx.$executeRawUnsafe(`UPDATE "Elite" SET fitness = fitness + 0.001, revision = $2 WHERE "experimentId" = $1::uuid AND cell IN (SELECT (random() * 9999)::int FROM generate_series(1, 300))`, exp.id, r);
      return r;
    });

  let t = performance.now();
  await archiveState(pool(), exp.id, 1n);
  const fullLoadMs = performance.now() - t;
  const times: Record<string, number[]> = { pg: [], copy: [], copyCatchUp: [], copyRender: [], copyColumns: [], gzip6: [], gzip1: [] };
  let body = "";
  for (let i = 0; i < reads; i++) {
    const r = await improve();
    t = performance.now();
    const a = await elitesJson(exp.id);
    times.pg!.push(performance.now() - t);
    t = performance.now();
    const state = (await archiveState(pool(), exp.id, r))!;
    const caughtUp = performance.now();
    body = elitesJsonFrom(state, entriesAfter(state, undefined));
    times.copy!.push(performance.now() - t);
    times.copyCatchUp!.push(caughtUp - t);
    times.copyRender!.push(performance.now() - caughtUp);
    t = performance.now();
    columnsFrom(state, entriesAfter(state, undefined));
    times.copyColumns!.push(performance.now() - t);
    if (JSON.stringify(JSON.parse(a)) !== JSON.stringify(JSON.parse(body))) throw new Error("the copy's body differs from PostgreSQL's");
    const buf = Buffer.from(body);
    t = performance.now();
    gzipSync(buf, { level: 6 });
    times.gzip6!.push(performance.now() - t);
    t = performance.now();
    gzipSync(buf, { level: 1 });
    times.gzip1!.push(performance.now() - t);
  }
  const stat = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y);
    return { p50Ms: Math.round(s[Math.floor(s.length / 2)]! * 10) / 10, maxMs: Math.round(s.at(-1)! * 10) / 10 };
  };
  const out = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, stat(v)]));
  console.log(
    JSON.stringify({
      elites: 10_000,
      improvedPerRead: 300,
      reads,
      bytes: body.length,
      fullLoadMs: Math.round(fullLoadMs),
      ...out,
      ratioPgOverCopy: Math.round((out.pg!.p50Ms / out.copy!.p50Ms) * 10) / 10,
      ratioGzip6OverGzip1: Math.round((out.gzip6!.p50Ms / out.gzip1!.p50Ms) * 10) / 10,
      loadavg: os.loadavg().map((x) => Number(x.toFixed(1))),
    }),
  );
} finally {
  await pool().end();
  await stack.stop();
}
