// Issue 15.4: the web server's direct path for polled reads (lib/runtime/fast-reads.ts) answers
// exactly as Next.js alone (`next start` of the same build) does: status, headers (but the
// per-connection ones) and bytes, for good reads, bad input (zod's 4xx), unknown experiments,
// conditional requests, gzip negotiation, refused Hosts, and paths it leaves to Next.js.
import http from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ExperimentConfig } from "@/lib/experiments/config";
import { createExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack, type TestStack } from "../helpers/stack";
import { startApiServer, type ApiServer } from "../helpers/server";

let stack: TestStack;
let direct: ApiServer;
let nextOnly: ApiServer;

beforeAll(async () => {
  stack = await createTestStack();
  [direct, nextOnly] = await Promise.all([startApiServer(stack.env), startApiServer(stack.env, { nextStart: true })]);
});

afterAll(async () => {
  await direct?.stop();
  await nextOnly?.stop();
  await stack?.stop();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request; an SSE stream is read for a moment (its first frame is the comparison). */
function get(server: ApiServer, path: string, headers: Record<string, string>): Promise<Answer> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path, headers, setHost: !("host" in headers) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      const timer = setTimeout(() => res.destroy(), 1000);
      const done = () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body: res.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body });
      };
      res.on("end", done);
      res.on("close", done);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Headers that describe the connection or the moment (Server-Timing: this request's durations), not the answer. */
const PER_CONNECTION = new Set(["date", "keep-alive", "connection", "transfer-encoding", "content-length", "server-timing"]);
const comparable = (a: Answer) => ({
  status: a.status,
  headers: Object.fromEntries(Object.entries(a.headers).filter(([k]) => !PER_CONNECTION.has(k)).sort(([x], [y]) => x.localeCompare(y))),
  // SSE: the hello frame only (later frames depend on timing).
  body: String(a.headers["content-type"]).startsWith("text/event-stream") ? a.body.toString().split("\n\n").slice(0, 2).join("\n\n").replace(/"updatedAt":"[^"]*"/, "") : a.body.toString("base64"),
});

it("every polled read answers as next start of the same build does", async () => {
  const exp = await createExperiment(stack.prisma, ExperimentConfig.parse({ name: "same answers", domain: { type: "sphere", dim: 4 }, budget: { evaluations: 10_000 } }));
  const id = exp.id;
  await stack.prisma.$executeRawUnsafe(
    `WITH s AS (INSERT INTO "Solution" (id, "experimentId", status, "genomeKind", "genomeVector", fitness, descriptors, cell, "parentIds", operator, "eliteRevision")
       SELECT gen_random_uuid(), $1::uuid, 'evaluated', 'vector', decode(repeat('0000000000000040', 4), 'hex'), 50 + c, ARRAY[0.5, 0.5], c, '{}', 'iso-line', 1 FROM generate_series(0, 999) AS c
       RETURNING id, fitness, descriptors, cell, "genomeVector", "eliteRevision")
     INSERT INTO "Elite" ("experimentId", cell, "solutionId", fitness, descriptors, "genomeVector", revision) SELECT $1::uuid, cell, id, fitness, descriptors, "genomeVector", "eliteRevision" FROM s`,
    id,
  );
  await stack.prisma.$executeRawUnsafe(`UPDATE "Experiment" SET "numElites" = 1000, "archiveRevision" = 1 WHERE id = $1::uuid`, id);
  await stack.prisma.$executeRawUnsafe(
    `INSERT INTO "MetricSnapshot" ("experimentId", evaluations, "numElites", coverage, "qdScore", "normQdScore", "maxFitness", "meanFitness")
     SELECT $1::uuid, g * 10, g, g / 7.0, g, 0.5, 1, NULL FROM generate_series(1, 300) g`,
    id,
  );
  const missing = "00000000-0000-4000-8000-000000000000";
  const paths = [
    "/api/experiments",
    "/api/experiments?limit=-1",
    `/api/experiments/${id}`,
    `/api/experiments/${id}?x=1`,
    "/api/experiments/not-a-uuid",
    `/api/experiments/${missing}`,
    `/api/experiments/${id}/archive`,
    `/api/experiments/${id}/archive?format=columns`,
    `/api/experiments/${id}/archive?island=3`,
    `/api/experiments/${missing}/archive`,
    `/api/experiments/${id}/metrics`,
    `/api/experiments/${id}/metrics?after=100&limit=5`,
    `/api/experiments/${id}/metrics?limit=abc`,
    `/api/experiments/${id}/events`,
    `/api/experiments/${id}/events?after=x`,
    "/api/queues",
    "/api/queues/",
    "/api/experiments/%ZZ",
  ];
  const cases: [string, Record<string, string>][] = [];
  const encodings: Record<string, string>[] = [{}, { "accept-encoding": "gzip, deflate, br" }];
  for (const p of paths) for (const h of encodings) cases.push([p, h]);
  cases.push([`/api/experiments/${id}/archive`, { "if-none-match": `"a-${id.slice(0, 8)}-1-all"` }]);
  cases.push([`/api/experiments/${id}/events`, { "last-event-id": "abc" }]);
  cases.push(["/api/queues", { host: "evil.example" }]);
  cases.push([`/api/experiments/${id}`, { host: "evil.example:3000" }]);
  for (const [path, headers] of cases) {
    const [a, b] = await Promise.all([get(direct, path, headers), get(nextOnly, path, headers)]);
    expect(comparable(a), `${path} ${JSON.stringify(headers)}`).toEqual(comparable(b));
  }
});
