// Issue 15.4: the polled reads served by the web server's direct path (lib/runtime/fast-reads.ts),
// not by Next.js's router: they answer as a route Next.js serves does (edge checks, headers, SSE that
// clients that come and go), and the metrics answer shared between readers
// (lib/api/metrics.ts) is always what the database holds: new snapshots appended, a truncated page
// unchanged, the same JSON as the rows read with Prisma.
import http from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExperimentConfig } from "@/lib/experiments/config";
import { createExperiment } from "@/lib/experiments/lifecycle";
import { stringify } from "@/lib/api/http";
import { createTestStack, type TestStack } from "../helpers/stack";
import { startApiServer, type ApiServer } from "../helpers/server";

let stack: TestStack;
let server: ApiServer;

beforeAll(async () => {
  stack = await createTestStack();
  server = await startApiServer(stack.env);
});

afterAll(async () => {
  await server?.stop();
  await stack?.stop();
});

/** Raw bytes and headers, without fetch's automatic decoding. */
function raw(pathname: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(new URL(pathname, server.url), { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

async function newExperiment(name: string): Promise<string> {
  const exp = await createExperiment(stack.prisma, ExperimentConfig.parse({ name, domain: { type: "sphere", dim: 4 }, budget: { evaluations: 100_000 } }));
  return exp.id;
}

/** Snapshots at evaluations from..to step 10, as a run records them (one row per evaluation count). */
async function addSnapshots(id: string, from: number, to: number) {
  await stack.prisma.$executeRawUnsafe(
    `INSERT INTO "MetricSnapshot" ("experimentId", evaluations, "numElites", coverage, "qdScore", "normQdScore", "maxFitness", "meanFitness")
     SELECT $1::uuid, g * 10, g, g / 7.0, g * 1.5, g / 3.0, CASE WHEN g % 5 = 0 THEN NULL ELSE g END, 0.1 * g FROM generate_series($2::int, $3::int) g`,
    id,
    from,
    to,
  );
}

/** What the route answered before it kept answers: the rows read with Prisma. */
async function expected(id: string, after = -1, limit = 1000) {
  const rows = await stack.prisma.metricSnapshot.findMany({ where: { experimentId: id, evaluations: { gt: after } }, orderBy: { evaluations: "asc" }, take: limit + 1, omit: { experimentId: true } });
  const snapshots = rows.slice(0, limit);
  return stringify({ snapshots, last: snapshots.at(-1)?.evaluations ?? after, more: rows.length > limit });
}

describe("metrics answers shared between readers", () => {
  it("follow every snapshot written: appended, truncated pages unchanged, any query; 404 for an unknown experiment", async () => {
    const id = await newExperiment("metrics");
    const queries: [string, number, number][] = [
      ["", -1, 1000],
      ["?after=50", 50, 1000],
      ["?after=0&limit=5", 0, 5],
      ["?limit=10000", -1, 10_000],
    ];
    const check = async () => {
      for (const [q, after, limit] of queries) {
        const r = await raw(`/api/experiments/${id}/metrics${q}`);
        expect(r.status, q).toBe(200);
        expect(r.body.toString(), q).toBe(await expected(id, after, limit));
      }
    };
    await check(); // no snapshots yet
    await addSnapshots(id, 1, 3);
    await check();
    await addSnapshots(id, 4, 20); // appended to the answers held
    await check();
    await addSnapshots(id, 21, 1200); // the default page is now truncated at 1,000
    await check();
    await addSnapshots(id, 1201, 1210); // …and stays as it was
    await check();
    expect(JSON.parse((await raw(`/api/experiments/${id}/metrics`)).body.toString())).toMatchObject({ more: true, last: 10_000 });
    const missing = await raw("/api/experiments/00000000-0000-4000-8000-000000000000/metrics");
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body.toString()).error.code).toBe("not_found");
  });

  it("a large answer is gzipped once for clients that accept it, and decodes to the plain one", async () => {
    const id = await newExperiment("metrics gzip");
    await addSnapshots(id, 1, 400);
    const plain = await raw(`/api/experiments/${id}/metrics`);
    const zipped = await raw(`/api/experiments/${id}/metrics`, { "accept-encoding": "gzip" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers["cache-control"]).toBe("no-store");
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers.vary).toMatch(/accept-encoding/i);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 4);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    // A small page is sent plain whatever the client accepts.
    const small = await raw(`/api/experiments/${id}/metrics?limit=3`, { "accept-encoding": "gzip" });
    expect(small.headers["content-encoding"]).toBeUndefined();
    expect(small.headers["cache-control"]).toBe("no-store, no-transform");
  });
});

describe("the direct path answers as Next.js's routes do", () => {
  it("the same Vary and security headers as a route Next.js serves; the proxy's refusal of a foreign Host", async () => {
    const id = await newExperiment("headers");
    const direct = await raw(`/api/experiments/${id}`);
    const viaNext = await raw(`/api/experiments/${id}/history`); // not on the direct path
    expect(direct.status).toBe(200);
    expect(viaNext.status).toBe(200);
    expect(direct.headers.vary).toBe(viaNext.headers.vary);
    expect(direct.headers["x-powered-by"]).toBeUndefined();
    for (const path of ["/api/queues", `/api/experiments/${id}/archive`, `/api/experiments/${id}/events`]) {
      const refused = await raw(path, { host: "rebind.evil.example" });
      expect(refused.status, path).toBe(403);
      expect(refused.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(refused.body.toString()).error.message).toMatch(/does not answer to the host name "rebind\.evil\.example"/);
    }
    // HEAD and a trailing slash go to Next.js, as before.
    expect((await server.fetch(`/api/experiments/${id}`, { method: "HEAD" })).status).toBe(200);
    expect((await server.fetch("/api/queues/", { redirect: "manual" })).status).toBe(308);
  });

  it("an SSE stream starts with the hello event; a client going away leaves the server answering", async () => {
    const id = await newExperiment("sse");
    const ac = new AbortController();
    const res = await server.fetch(`/api/experiments/${id}/events`, { headers: { accept: "text/event-stream" }, signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toMatch(/^retry: \d+\n\nevent: hello\ndata: \{"id":/);
    ac.abort();
    // The server keeps answering (the aborted stream did not wedge the direct path).
    const after = await server.fetch("/api/queues");
    expect(after.status).toBe(200);
  });
});
