// Issue 15.4: archive reads served from the web process's copy of the archive (lib/api/archive-state.ts),
// as `next start` serves them: ETag / If-None-Match, JSON and the compact columns form decode to the
// same archive, deltas (`?after=revision`) applied to an old snapshot give exactly the new one (checked
// against a live run), and the copy never hides a write (new cells, improvements, a rewritten archive).
import http from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readArchiveColumns, type ArchiveBody } from "../../lib/api/archive-columns";
import { createTestStack, type TestStack } from "../helpers/stack";
import { startApiServer, type ApiServer } from "../helpers/server";

let stack: TestStack;
let server: ApiServer;

type Elites = ArchiveBody["elites"];

async function create(name: string, over: Record<string, unknown> = {}): Promise<string> {
  const res = await server.fetch("/api/experiments", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      name,
      domain: { type: "sphere", dim: 10 },
      emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2 },
      descriptors: [
        { name: "m0", min: -25.6, max: 25.6, bins: 20 },
        { name: "m1", min: -25.6, max: 25.6, bins: 20 },
      ],
      batchSize: 100,
      budget: { evaluations: 20_000 },
      seed: 5,
      ...over,
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function json(id: string, query = "", headers: Record<string, string> = {}) {
  const res = await server.fetch(`/api/experiments/${id}/archive${query}`, { headers });
  expect(res.status).toBe(200);
  return { body: (await res.json()) as ArchiveBody, etag: res.headers.get("etag")! };
}

async function columns(id: string, query = "") {
  const res = await server.fetch(`/api/experiments/${id}/archive?format=columns${query ? `&${query.slice(1)}` : ""}`);
  expect(res.status).toBe(200);
  return readArchiveColumns(res);
}

/** Raw bytes and headers, without fetch's automatic decoding. */
function raw(pathname: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http.get(new URL(pathname, server.url), { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject);
  });
}

/** A snapshot with a delta applied: rows by cell replaced or added, cell order kept. */
function applyDelta(base: Elites, delta: Elites): Elites {
  const byCell = new Map<number, [number, number[], string]>();
  base.cell.forEach((c, i) => byCell.set(c, [base.fitness[i]!, base.descriptors[i]!, base.solutionId[i]!]));
  delta.cell.forEach((c, i) => byCell.set(c, [delta.fitness[i]!, delta.descriptors[i]!, delta.solutionId[i]!]));
  const cells = [...byCell.keys()].sort((a, b) => a - b);
  return {
    revision: delta.revision,
    count: cells.length,
    cell: cells,
    fitness: cells.map((c) => byCell.get(c)![0]),
    descriptors: cells.map((c) => byCell.get(c)![1]),
    solutionId: cells.map((c) => byCell.get(c)![2]),
  };
}

/**
 * Elite rows written straight to the table as an archive write does: in one transaction that takes the
 * experiment row first (so writes commit in revision order), each row stamped with the new revision.
 */
async function write(id: string, rows: { cell: number; fitness: number }[]) {
  return stack.prisma.$transaction((tx) => writeIn(tx as unknown as TestStack["prisma"], id, rows));
}

async function writeIn(db: TestStack["prisma"], id: string, rows: { cell: number; fitness: number }[]) {
  const [{ revision }] = await db.$queryRawUnsafe<{ revision: bigint }[]>(
    `UPDATE "Experiment" SET "archiveRevision" = "archiveRevision" + 1 WHERE id = $1::uuid RETURNING "archiveRevision" AS revision`,
    id,
  );
  await db.$executeRawUnsafe(
    `WITH s AS (
       INSERT INTO "Solution" (id, "experimentId", status, "genomeKind", fitness, descriptors, cell, "parentIds", operator, "eliteRevision")
       SELECT gen_random_uuid(), $1::uuid, 'evaluated', 'vector', f, ARRAY[c / 20 * 2.56 - 25, c % 20 * 2.56 - 25 + 1e-9 * f], c, '{}', 'test', $4
       FROM unnest($2::int[], $3::float8[]) AS t(c, f)
       RETURNING id, fitness, descriptors, cell
     )
     INSERT INTO "Elite" ("experimentId", cell, "solutionId", fitness, descriptors, revision)
     SELECT $1::uuid, cell, id, fitness, descriptors, $4 FROM s
     ON CONFLICT ("experimentId", cell) DO UPDATE SET "solutionId" = excluded."solutionId", fitness = excluded.fitness, descriptors = excluded.descriptors, revision = excluded.revision`,
    id,
    rows.map((r) => r.cell),
    rows.map((r) => r.fitness),
    revision,
  );
  await db.$executeRawUnsafe(`UPDATE "Experiment" SET "numElites" = (SELECT count(*) FROM "Elite" WHERE "experimentId" = $1::uuid) WHERE id = $1::uuid`, id);
  return Number(revision);
}

beforeAll(async () => {
  stack = await createTestStack();
  server = await startApiServer(stack.env);
}, 600_000);

afterAll(async () => {
  await server?.stop();
  await stack?.stop();
});

describe("archive reads from the server's copy", () => {
  it("ETag / If-None-Match: 304 while nothing changed, a fresh body (new ETag) after a write", async () => {
    const id = await create("etag");
    const r1 = await write(id, [{ cell: 3, fitness: 1 }, { cell: 7, fitness: 2 }]);
    const first = await json(id);
    expect(first.body.elites.revision).toBe(r1);
    expect((await server.fetch(`/api/experiments/${id}/archive`, { headers: { "if-none-match": first.etag } })).status).toBe(304);
    expect((await server.fetch(`/api/experiments/${id}/archive`, { headers: { "if-none-match": `"other", W/${first.etag}` } })).status).toBe(304);
    await write(id, [{ cell: 8, fitness: 5 }]);
    const res = await server.fetch(`/api/experiments/${id}/archive`, { headers: { "if-none-match": first.etag } });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).not.toBe(first.etag);
    expect(((await res.json()) as ArchiveBody).elites.cell).toEqual([3, 7, 8]);
  });

  it("Content-Encoding negotiated: a body gzipped once for gzip clients, plain JSON otherwise, the same archive", async () => {
    const id = await create("encoding");
    await write(id, Array.from({ length: 400 }, (_, i) => ({ cell: i, fitness: Math.PI * i })));
    const plain = await raw(`/api/experiments/${id}/archive`, { "accept-encoding": "identity" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const archive = JSON.parse(plain.body.toString());
    expect(archive.elites.count).toBe(400);
    for (const accept of ["gzip", "gzip, deflate, br", "br;q=1, gzip;q=0.5", "*"]) {
      const zipped = await raw(`/api/experiments/${id}/archive`, { "accept-encoding": accept });
      expect(zipped.status).toBe(200);
      expect(zipped.headers["content-encoding"]).toBe("gzip");
      expect(zipped.headers["x-qd-content-encoding"]).toBeUndefined();
      expect(zipped.headers.vary).toMatch(/accept-encoding/i);
      expect(zipped.headers.etag).not.toBe(plain.headers.etag);
      expect(JSON.parse(gunzipSync(zipped.body).toString())).toEqual(archive);
      const again = await raw(`/api/experiments/${id}/archive`, { "accept-encoding": accept, "if-none-match": zipped.headers.etag! });
      expect(again.status).toBe(304);
    }
    for (const accept of ["gzip;q=0", "br"]) {
      const r = await raw(`/api/experiments/${id}/archive`, { "accept-encoding": accept });
      expect(r.headers["content-encoding"] ?? "identity").not.toBe("gzip");
    }
    // And the compact form decodes to the same archive.
    expect(await columns(id)).toEqual(archive);
  });

  it("small API answers go out plain even to gzip clients (a zlib stream per response cost more than it saved); large ones are still compressed", async () => {
    const id = await create("small answers");
    for (const pathname of [`/api/experiments/${id}`, `/api/experiments/${id}/metrics`, "/api/no-such-endpoint"]) {
      const zipped = await raw(pathname, { "accept-encoding": "gzip, deflate, br" });
      const plain = await raw(pathname, { "accept-encoding": "identity" });
      expect(zipped.headers["content-encoding"]).toBeUndefined();
      expect(zipped.headers["cache-control"]).toMatch(/no-transform/);
      expect(zipped.body.length).toBeLessThan(16 * 1024);
      if (zipped.status === 200) expect(JSON.parse(zipped.body.toString()).id ?? null).toEqual(JSON.parse(plain.body.toString()).id ?? null);
    }
    const doc = await raw("/api/openapi.json", { "accept-encoding": "gzip" });
    expect(doc.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(doc.body).length).toBeGreaterThan(16 * 1024);
  });

  it("a cached body never hides a write: new cells and improvements show on the next read, in both forms", async () => {
    const id = await create("invalidation");
    await write(id, Array.from({ length: 50 }, (_, i) => ({ cell: 2 * i, fitness: i })));
    // Warm every cache (both forms, full and a delta).
    const before = (await json(id)).body;
    await columns(id);
    await json(id, `?after=${before.elites.revision}`);
    for (let round = 0; round < 5; round++) {
      const revision = await write(id, [{ cell: 101 + round, fitness: 1000 + round }, { cell: 2 * round, fitness: 500 + round }]);
      const now = (await json(id)).body;
      expect(now.elites.revision).toBe(revision);
      expect(now.elites.fitness[now.elites.cell.indexOf(101 + round)]).toBe(1000 + round);
      expect(now.elites.fitness[now.elites.cell.indexOf(2 * round)]).toBe(500 + round);
      expect(await columns(id)).toEqual(now);
      const delta = (await json(id, `?after=${revision - 1}`)).body.elites;
      expect(delta.cell).toEqual([2 * round, 101 + round]);
    }
  });

  it("a rewritten archive (rows deleted, fewer cells, one new revision) is read afresh, not merged into the old copy", async () => {
    const id = await create("rewrite");
    await write(id, Array.from({ length: 40 }, (_, i) => ({ cell: i, fitness: i })));
    expect((await json(id)).body.elites.count).toBe(40);
    // What auto-range re-binning does: every row deleted and the new set written with one revision.
    await stack.prisma.$executeRawUnsafe(`DELETE FROM "Elite" WHERE "experimentId" = $1::uuid`, id);
    await write(id, [{ cell: 5, fitness: 9 }, { cell: 300, fitness: 10 }]);
    const now = (await json(id)).body;
    expect(now.elites.cell).toEqual([5, 300]);
    expect(await columns(id)).toEqual(now);
  });

  it("many concurrent readers of a moving archive each get a consistent body, never an older value over a newer one", async () => {
    const id = await create("concurrent");
    await write(id, Array.from({ length: 200 }, (_, i) => ({ cell: i, fitness: i })));
    let writing = true;
    // Each write adds a cell and improves cell 0, so a body at revision r has exactly one right value for both
    // (reads run concurrently and their catch-ups land in any order).
    const writer = (async () => {
      for (let k = 0; writing && k < 60; k++) await write(id, [{ cell: 200 + k, fitness: 1e3 + k }, { cell: 0, fitness: 1e4 + k }]);
    })();
    const bodies: Elites[] = [];
    for (let wave = 0; wave < 3; wave++) {
      const got = await Promise.all(Array.from({ length: 30 }, async (_, i) => (i % 2 ? (await columns(id)).elites : (await json(id)).body.elites)));
      bodies.push(...got);
    }
    writing = false;
    await writer;
    expect(new Set(bodies.map((e) => e.revision)).size).toBeGreaterThan(1); // the reads saw the archive move
    for (const e of bodies) {
      // Revision r of this test's writes holds 200 + (r - 1) cells: each write adds one cell and one revision.
      expect(e.count).toBe(200 + (e.revision - 1));
      expect(e.cell).toEqual([...e.cell].sort((a, b) => a - b));
      expect(e.fitness.length).toBe(e.count);
      expect(e.fitness[0]).toBe(e.revision === 1 ? 0 : 1e4 + e.revision - 2);
      if (e.revision > 1) expect(e.fitness[e.cell.indexOf(200 + e.revision - 2)]).toBe(1e3 + e.revision - 2);
    }
  });

  it("deltas from a live run are exact: snapshot + every `after` delta == the archive at the end (JSON and columns)", async () => {
    const id = await create("live deltas", { budget: { evaluations: 30_000 } });
    const worker = stack.startWorker();
    try {
      let snapshot = (await json(id)).body.elites;
      expect(snapshot.count).toBe(0);
      expect((await server.fetch(`/api/experiments/${id}/start`, { method: "POST" })).status).toBeLessThan(300);
      let polls = 0;
      let nonEmpty = 0;
      for (;;) {
        const done = (await stack.prisma.experiment.findUnique({ where: { id } }))!.status === "completed";
        const delta = polls % 2 ? (await columns(id, `?after=${snapshot.revision}`)).elites : (await json(id, `?after=${snapshot.revision}`)).body.elites;
        expect(delta.revision).toBeGreaterThanOrEqual(snapshot.revision);
        if (delta.count) nonEmpty++;
        snapshot = applyDelta(snapshot, delta);
        polls++;
        if (done) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(nonEmpty).toBeGreaterThan(1); // the run was seen moving, not only at the end
      const full = (await json(id)).body;
      expect(snapshot).toEqual(full.elites);
      expect((await columns(id)).elites).toEqual(full.elites);
      // And the copy agrees with PostgreSQL's own rendering of the table.
      const rows = await stack.prisma.$queryRawUnsafe<{ cell: number; fitness: number; solutionId: string }[]>(
        `SELECT cell, fitness, "solutionId"::text AS "solutionId" FROM "Elite" WHERE "experimentId" = $1::uuid ORDER BY cell`,
        id,
      );
      expect(full.elites.cell).toEqual(rows.map((r) => r.cell));
      expect(full.elites.fitness).toEqual(rows.map((r) => r.fitness));
      expect(full.elites.solutionId).toEqual(rows.map((r) => r.solutionId));
    } finally {
      await worker.stop();
    }
  });

  it("an unknown experiment is a 404, a ragged archive still reads as JSON", async () => {
    const missing = await server.fetch(`/api/experiments/00000000-0000-4000-8000-000000000000/archive`);
    expect(missing.status).toBe(404);
    const id = await create("ragged");
    await write(id, [{ cell: 1, fitness: 1 }]);
    await stack.prisma.$executeRawUnsafe(`UPDATE "Elite" SET descriptors = ARRAY[1.0, 2.0, 3.0], revision = revision + 1 WHERE "experimentId" = $1::uuid`, id);
    await write(id, [{ cell: 2, fitness: 2 }]);
    const body = (await json(id)).body;
    expect(body.elites.descriptors.map((d) => d.length).sort()).toEqual([2, 3]);
    expect((await server.fetch(`/api/experiments/${id}/archive?format=columns`)).status).toBe(409);
  });
});
