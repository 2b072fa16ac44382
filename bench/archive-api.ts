/**
 * Latency of `GET /api/experiments/:id/archive` with 10,000 elites (a full
 * 100×100 grid, seeded directly with SQL), against a running `next start`.
 * Prints one JSON object: { elites, requests, bytes, p50Ms, p95Ms, maxMs, hot: {…} }; the top-level
 * figures are the uncached case (the revision moves before every request), uncompressed; `hot` is an
 * unchanged archive served from memory; `gzip` the uncached case with compression. Target: < 100 ms.
 * `columns` / `columnsHot`: the compact form (`?format=columns`, gzipped typed-array columns) fetched
 * and decoded as the dashboard does; `wireBytes`: bytes on the wire for JSON, gzipped JSON, columns.
 * `live*`: as a live run does, 300 elites improve (one new revision) before every request: JSON
 * uncompressed, gzipped, and columns (fetched only: `columnsFetch`, and decoded: `live.columns`).
 *
 *   npx tsx bench/archive-api.ts [--requests 200] [--dim 100]
 */
import http from "node:http";
import os from "node:os";
import { parseArgs } from "node:util";
import { readArchiveColumns } from "@/lib/api/archive-columns";
import { ExperimentConfig } from "@/lib/experiments/config";
import { createExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack } from "@/tests/helpers/stack";
import { startApiServer } from "@/tests/helpers/server";

const { values } = parseArgs({ options: { requests: { type: "string", default: "200" }, dim: { type: "string", default: "100" } } });
const requests = Number(values.requests);
const dim = Number(values.dim);
const log = (s: string) => process.stderr.write(`[bench:archive-api] ${s}\n`);

const stack = await createTestStack();
const server = await startApiServer(stack.env).catch(async (e) => {
  await stack.stop();
  throw e;
});
try {
  const config = ExperimentConfig.parse({ name: "bench archive", domain: { type: "sphere", dim }, budget: { evaluations: 1_000_000 } });
  const exp = await createExperiment(stack.prisma, config);
  log(`seeding 10,000 elites (genomes of ${dim} values)`);
  // One solution + one elite per cell, with genome bytes of realistic size.
  await stack.prisma.$executeRawUnsafe(
    `WITH s AS (
       INSERT INTO "Solution" (id, "experimentId", status, "genomeKind", "genomeVector", fitness, descriptors, cell, "parentIds", operator, "eliteRevision")
       SELECT gen_random_uuid(), $1::uuid, 'evaluated', 'vector', decode(repeat('0000000000000040', $2), 'hex'), 50 + 50 * random(),
              ARRAY[-256 + 512 * ((c / 100) + random()) / 100, -256 + 512 * ((c % 100) + random()) / 100], c, '{}', 'iso-line', 1 + c / 100
       FROM generate_series(0, 9999) AS c
       RETURNING id, fitness, descriptors, cell, "genomeVector", "eliteRevision"
     )
     INSERT INTO "Elite" ("experimentId", cell, "solutionId", fitness, descriptors, "genomeVector", revision)
     SELECT $1::uuid, cell, id, fitness, descriptors, "genomeVector", "eliteRevision" FROM s`,
    exp.id,
    dim,
  );
  await stack.prisma.$executeRawUnsafe(`UPDATE "Experiment" SET "numElites" = 10000, "archiveRevision" = 100 WHERE id = $1::uuid`, exp.id);
  await stack.prisma.$executeRawUnsafe(`ANALYZE "Elite"`);

  const path = `/api/experiments/${exp.id}/archive`;
  let bytes = 0;
  for (let i = 0; i < 10; i++) {
    const r = await server.fetch(path);
    const body = (await r.json()) as { elites: { count: number } };
    if (body.elites.count !== 10_000) throw new Error(`expected 10,000 elites, got ${body.elites.count}`);
  }
  // Cold: the revision moves before every request (a live run), so the body is rebuilt each time.
  // Hot: nothing changed since the last request (a finished run, several viewers): served from memory.
  // One archive write as the store makes it: the experiment row first (revision + 1), then 300 rows stamped with it.
  const improve = () =>
    stack.prisma.$transaction(async (tx) => {
      const [{ r }] = await tx.$queryRawUnsafe<{ r: bigint }[]>(`UPDATE "Experiment" SET "archiveRevision" = "archiveRevision" + 1 WHERE id = $1::uuid RETURNING "archiveRevision" AS r`, exp.id);
      await tx.$executeRawUnsafe(
        `UPDATE "Elite" SET fitness = fitness + 0.001, revision = $2 WHERE "experimentId" = $1::uuid AND cell IN (SELECT (random() * 9999)::int FROM generate_series(1, 300))`,
        exp.id,
        r,
      );
    });
  const measure = async (cold: boolean | "live", encoding = "identity", columns: boolean | "fetch" = false) => {
    const times: number[] = [];
    for (let i = 0; i < requests; i++) {
      if (cold === "live") await improve();
      else if (cold) await stack.prisma.$executeRawUnsafe(`UPDATE "Experiment" SET "archiveRevision" = "archiveRevision" + 1 WHERE id = $1::uuid`, exp.id);
      const t = performance.now();
      const r = await server.fetch(columns ? `${path}?format=columns` : path, { headers: { "accept-encoding": encoding } });
      if (columns === "fetch") await r.arrayBuffer();
      else if (columns) {
        const body = await readArchiveColumns(r);
        if (body.elites.count !== 10_000) throw new Error(`columns: expected 10,000 elites, got ${body.elites.count}`);
      } else bytes = (await r.text()).length;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]! * 10) / 10;
    return { p50Ms: q(0.5), p95Ms: q(0.95), maxMs: q(1) };
  };
  const cold = await measure(true);
  const hot = await measure(false);
  // What a browser does: gzip (compressed by `next start`, ~10× smaller on the wire, CPU-bound here).
  const gzip = await measure(true, "gzip");
  const columns = await measure(true, "gzip, deflate, br", true);
  const columnsHot = await measure(false, "gzip, deflate, br", true);
  const live = {
    json: await measure("live"),
    gzip: await measure("live", "gzip"),
    columnsFetch: await measure("live", "gzip, deflate, br", "fetch"),
    columns: await measure("live", "gzip, deflate, br", true),
  };
  /** Bytes as sent (node:http does not decode): what a browser downloads. */
  const wire = (p: string, encoding: string) =>
    new Promise<number>((resolve, reject) => {
      const u = new URL(p, server.url);
      http.get(u, { headers: { "accept-encoding": encoding } }, (res) => {
        let n = 0;
        res.on("data", (d: Buffer) => (n += d.length));
        res.on("end", () => resolve(n));
      }).on("error", reject);
    });
  const wireBytes = { json: await wire(path, "identity"), jsonGzip: await wire(path, "gzip"), columns: await wire(`${path}?format=columns`, "gzip, deflate, br") };
  console.log(JSON.stringify({ elites: 10_000, requests, bytes, ...cold, hot, gzip, columns, columnsHot, live, wireBytes, loadavg: os.loadavg().map((x) => Number(x.toFixed(2))) }));
} finally {
  await server.stop();
  await stack.stop();
}
