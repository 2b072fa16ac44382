// Issue 15.4: the archive's compact form (`?format=columns`) as served by `next start`: the bytes
// arrive as made (no Content-Encoding for the server to drop or apply twice), decode to exactly the
// JSON body, follow revisions (`after`, ETag) like the JSON form, and bad requests get a 400.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readArchiveColumns } from "../../lib/api/archive-columns";
import { createTestStack, type TestStack } from "../helpers/stack";
import { startApiServer, type ApiServer } from "../helpers/server";

let stack: TestStack;
let server: ApiServer;
let id: string;

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

beforeAll(async () => {
  stack = await createTestStack();
  server = await startApiServer(stack.env);
  const created = await server.fetch("/api/experiments", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      name: "columns",
      domain: { type: "external", dim: 3, bounds: [-1, 1] },
      descriptors: [
        { name: "a", min: 0, max: 1, bins: 40 },
        { name: "b", min: 0, max: 1, bins: 50 },
      ],
      emitter: { type: "gaussian", sigma: 0.1 },
      batchSize: 10,
      budget: { evaluations: 1000 },
      seed: 1,
    }),
  });
  expect(created.status).toBe(201);
  id = ((await created.json()) as { id: string }).id;
  // 1,500 of the 2,000 cells, with awkward doubles (many digits, negative, tiny) and two revisions.
  await stack.prisma.$executeRawUnsafe(
    `WITH s AS (
       INSERT INTO "Solution" (id, "experimentId", status, "genomeKind", fitness, descriptors, cell, "parentIds", operator)
       SELECT gen_random_uuid(), $1::uuid, 'evaluated', 'vector', (random() - 0.5) * 1e6 + 1e-300 * g, ARRAY[random(), (g % 50) / 50.0 + 1e-17], g, '{}', 'mutate'
       FROM generate_series(0, 1999) g WHERE g % 4 <> 1
       RETURNING id, fitness, descriptors, cell
     )
     INSERT INTO "Elite" ("experimentId", cell, "solutionId", fitness, descriptors, revision)
     SELECT $1::uuid, cell, id, fitness, descriptors, CASE WHEN cell < 1000 THEN 1 ELSE 2 END FROM s`,
    id,
  );
  await stack.prisma.$executeRawUnsafe(`UPDATE "Experiment" SET "numElites" = 1500, "archiveRevision" = 2 WHERE id = $1::uuid`, id);
}, 300_000);

afterAll(async () => {
  await server?.stop();
  await stack?.stop();
});

describe("GET /api/experiments/:id/archive?format=columns", () => {
  it("decodes to exactly the JSON body, arriving as application/octet-stream without a Content-Encoding", async () => {
    const json = await (await server.fetch(`/api/experiments/${id}/archive`)).json();
    expect(json.elites.count).toBe(1500);
    for (const accept of ["gzip, deflate, br", "identity"]) {
      const r = await raw(`/api/experiments/${id}/archive?format=columns`, { "accept-encoding": accept });
      expect(r.status).toBe(200);
      expect(r.headers["content-type"]).toBe("application/octet-stream");
      expect(r.headers["content-encoding"]).toBeUndefined();
      expect(r.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // our gzip, not re-encoded
      expect(await readArchiveColumns(new Response(new Uint8Array(r.body)))).toEqual(json);
    }
    // The bytes on the wire: a fraction of the JSON's, even against the server's gzip of the JSON.
    const columns = (await raw(`/api/experiments/${id}/archive?format=columns`)).body.length;
    const jsonGzip = (await raw(`/api/experiments/${id}/archive`, { "accept-encoding": "gzip" })).body.length;
    expect(columns).toBeLessThan(jsonGzip);
  });

  it("follows revisions like the JSON form: `after` gives only newer elites, the ETag answers 304", async () => {
    const res = await server.fetch(`/api/experiments/${id}/archive?format=columns&after=1`);
    const after = await readArchiveColumns(res);
    const json = await (await server.fetch(`/api/experiments/${id}/archive?after=1`)).json();
    expect(after).toEqual(json);
    expect(after.elites.count).toBe(750);
    expect(after.elites.cell.every((c) => c >= 1000)).toBe(true);
    const etag = res.headers.get("etag")!;
    expect(etag).not.toBe((await server.fetch(`/api/experiments/${id}/archive?after=1`)).headers.get("etag"));
    expect((await server.fetch(`/api/experiments/${id}/archive?format=columns&after=1`, { headers: { "if-none-match": etag } })).status).toBe(304);
    const none = await readArchiveColumns(await server.fetch(`/api/experiments/${id}/archive?format=columns&after=2`));
    expect(none.elites).toEqual({ revision: 2, count: 0, cell: [], fitness: [], descriptors: [], solutionId: [] });
  });

  it("a new revision is served fresh, not from the previous revision's body", async () => {
    await stack.prisma.$executeRawUnsafe(`UPDATE "Elite" SET fitness = 123.456, revision = 3 WHERE "experimentId" = $1::uuid AND cell = 0`, id);
    await stack.prisma.$executeRawUnsafe(`UPDATE "Experiment" SET "archiveRevision" = 3 WHERE id = $1::uuid`, id);
    const body = await readArchiveColumns(await server.fetch(`/api/experiments/${id}/archive?format=columns`));
    expect(body.elites.revision).toBe(3);
    expect(body.elites.fitness[body.elites.cell.indexOf(0)]).toBe(123.456);
  });

  it("an unknown format is a 400 that names the parameter", async () => {
    const r = await server.fetch(`/api/experiments/${id}/archive?format=arrow`);
    expect(r.status).toBe(400);
    expect(JSON.stringify(await r.json())).toMatch(/format/);
  });
});
