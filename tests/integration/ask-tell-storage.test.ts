import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestStack, type TestStack, TEST_CEILING_MS } from "../helpers/stack";
import { startApiServer, type ApiServer } from "../helpers/server";
import { parseAskBinary } from "@/lib/api/ask-binary";
import { candidateId } from "@/lib/api/ask-batches";

/**
 * Ask/tell storage (issue 18): an ask is one AskBatch row, a tell writes only the candidates that
 * become elites (and failures). What a client must still see: repeated and unknown ids refused with
 * clear 4xx, expired candidates released and refused, nothing lost across a server crash between
 * ask and tell, and a budget that is spent exactly.
 */

let stack: TestStack;
let server: ApiServer;

async function api(method: string, pathname: string, body?: unknown) {
  const res = await server.fetch(pathname, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const external = (over: Record<string, unknown> = {}) => ({
  name: "ask/tell storage",
  domain: { type: "external", dim: 3, bounds: [-2, 2] },
  descriptors: [
    { name: "x0", min: -2, max: 2, bins: 8 },
    { name: "x1", min: -2, max: 2, bins: 8 },
  ],
  emitter: { type: "gaussian", sigma: 0.3 },
  budget: { evaluations: 100 },
  seed: 5,
  start: true,
  ...over,
});
const evaluate = (x: number[]) => ({ fitness: -x.reduce((s, v) => s + v * v, 0), descriptors: [x[0]!, x[1]!] });
const tellAll = (cands: { id: string; genome: number[] }[]) => ({ results: cands.map((c) => ({ candidateId: c.id, ...evaluate(c.genome) })) });
const f64 = (values: number[]) => Buffer.from(new Float64Array(values).buffer).toString("base64");

beforeAll(async () => {
  stack = await createTestStack();
  server = await startApiServer(stack.env);
}, TEST_CEILING_MS);

afterAll(async () => {
  await server?.stop();
  await stack?.stop();
});

describe("ask/tell storage", () => {
  it("refuses a candidate told twice (409) and answers an exact repeat with the first statuses", async () => {
    const { body: exp } = await api("POST", "/api/experiments", external());
    const asked = (await api("POST", `/api/experiments/${exp.id}/ask`, { count: 6 })).body;
    const first = await api("POST", `/api/experiments/${exp.id}/tell`, tellAll(asked.candidates));
    expect(first.status).toBe(200);
    expect(first.body.results.map((r: any) => r.id)).toEqual(asked.candidates.map((c: any) => c.id));
    // Told again as part of another set: a conflict naming the candidate and what it became.
    const overlap = await api("POST", `/api/experiments/${exp.id}/tell`, { results: [{ candidateId: asked.candidates[2].id, fitness: 5, descriptors: [0, 0] }] });
    expect(overlap.status).toBe(409);
    expect(overlap.body.error.message).toMatch(/already told \(it is (new|improved|not_added)\)/);
    expect(overlap.body.error.issues[0].path).toBe("body.results[0].candidateId");
    // The same tell again: the stored outcomes, counted once.
    const repeat = await api("POST", `/api/experiments/${exp.id}/tell`, tellAll(asked.candidates));
    expect(repeat.status).toBe(200);
    expect(repeat.body.duplicate).toBe(true);
    expect(repeat.body.results).toEqual(first.body.results);
    expect(repeat.body.evaluations).toBe(6);
  });

  it("draws the parents of every ask from the archive as it is at that ask", async () => {
    const { body: exp } = await api("POST", "/api/experiments", external({ budget: { evaluations: 400 }, emitter: { type: "iso-line", isoSigma: 0.2, lineSigma: 0.3 } }));
    for (let round = 0; round < 6; round++) {
      const asked = (await api("POST", `/api/experiments/${exp.id}/ask`, { count: 50 })).body;
      if (round > 0) {
        // Each parent is an elite of the archive right now (not of an earlier ask's view).
        const archive = (await api("GET", `/api/experiments/${exp.id}/archive`)).body;
        const elites = new Set(archive.elites.solutionId);
        // Iso+LineDD: two parents each, named once when both draws hit the same elite.
        for (const c of asked.candidates) expect(c.parentIds.length === 1 || c.parentIds.length === 2, String(c.parentIds)).toBe(true);
        const parents = asked.candidates.flatMap((c: any) => c.parentIds);
        expect(parents.length).toBeGreaterThan(50);
        for (const p of parents) expect(elites.has(p), p).toBe(true);
      }
      await api("POST", `/api/experiments/${exp.id}/tell`, tellAll(asked.candidates));
    }
  });

  it("answers a binary ask with the stored genomes and parents as raw blocks; errors stay JSON", async () => {
    const askBinary = async (expId: string, count: number) => {
      const res = await server.fetch(`/api/experiments/${expId}/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ count, encoding: "binary" }) });
      return { res, body: new Uint8Array(await res.arrayBuffer()) };
    };
    const { body: draft } = await api("POST", "/api/experiments", external({ start: false }));
    const refused = await askBinary(draft.id, 5);
    expect(refused.res.status).toBe(409);
    expect(refused.res.headers.get("content-type")).toMatch(/json/);
    expect(JSON.parse(Buffer.from(refused.body).toString()).error.message).toMatch(/start it first/);

    const { body: exp } = await api("POST", "/api/experiments", external({ budget: { evaluations: 40 }, emitter: { type: "iso-line", isoSigma: 0.2, lineSigma: 0.3 } }));
    const first = await askBinary(exp.id, 25);
    expect(first.res.headers.get("content-type")).toBe("application/octet-stream");
    const a = parseAskBinary(first.body);
    expect(a.header).toMatchObject({ count: 25, dim: 3, budgetRemaining: 15, pending: 25, operator: "iso-line", genomeBytes: 25 * 3 * 8 });
    for (const v of a.genomes) expect(Math.abs(v)).toBeLessThanOrEqual(2);
    // The bytes handed out are the stored batch's, so what the client evaluates is what tell keeps.
    const [stored] = await stack.prisma.$queryRawUnsafe<{ genomes: Uint8Array }[]>(`SELECT genomes FROM "AskBatch" WHERE id = $1::uuid`, a.header.batchId);
    expect(Buffer.from(stored!.genomes).equals(Buffer.from(a.genomes.buffer))).toBe(true);
    const row = (g: Float64Array, i: number) => Array.from(g.subarray(i * 3, i * 3 + 3));
    const results = (h: typeof a.header, g: Float64Array) => ({ results: Array.from({ length: h.count }, (_, i) => ({ candidateId: candidateId(h.batchId!, i), ...evaluate(row(g, i)) })) });
    expect((await api("POST", `/api/experiments/${exp.id}/tell`, results(a.header, a.genomes))).body.evaluations).toBe(25);

    // Over a filled archive: two parents each, every one an elite now; the budget caps the count.
    const b = parseAskBinary((await askBinary(exp.id, 25)).body);
    expect(b.header).toMatchObject({ count: 15, budgetRemaining: 0, parentsPer: 2, parentBytes: 15 * 2 * 16 });
    const elites = new Set((await api("GET", `/api/experiments/${exp.id}/archive`)).body.elites.solutionId);
    for (const p of b.parents.flat()) expect(elites.has(p), p).toBe(true);
    expect(b.parents.every((p) => p.length === 2 || p.length === 1)).toBe(true); // one when both draws hit the same elite
    expect(b.parents.some((p) => p.length === 2)).toBe(true);
    // All reserved: a header alone, with no batch.
    const none = await askBinary(exp.id, 5);
    expect(none.res.status).toBe(200);
    const c = parseAskBinary(none.body);
    expect(c.header).toMatchObject({ count: 0, budgetRemaining: 0, pending: 15, genomeBytes: 0, parentBytes: 0 });
    expect(c.header.batchId).toBeUndefined();
    // Told in binary, answered as columns; the same tell answered as JSON objects agrees.
    const evals = Array.from({ length: 15 }, (_, i) => evaluate(row(b.genomes, i)));
    const blocks = { batchId: b.header.batchId, fitness: f64(evals.map((e) => e.fitness)), descriptors: f64(evals.flatMap((e) => e.descriptors)) };
    const t = await api("POST", `/api/experiments/${exp.id}/tell`, { ...blocks, answer: "blocks" });
    expect(t.body).toMatchObject({ duplicate: false, evaluations: 40, experimentStatus: "completed" });
    expect(t.body.results).toBeUndefined();
    const statuses = [...Buffer.from(t.body.statuses, "base64")].map((c) => ["untold", "new", "improved", "not_added", "failed"][c]);
    const cells = Array.from(new Int32Array(Uint8Array.from(Buffer.from(t.body.cells, "base64")).buffer));
    const asJson = (await api("POST", `/api/experiments/${exp.id}/tell`, blocks)).body;
    expect(asJson.duplicate).toBe(true);
    expect(statuses).toEqual(asJson.results.map((r: any) => r.status));
    expect(cells).toEqual(asJson.results.map((r: any) => r.cell));
    expect(cells.every((c, i) => (statuses[i] === "failed" ? c === -1 : c >= 0 && c < 64))).toBe(true);
    // Completed: a JSON 409 like the other forms.
    const done = await askBinary(exp.id, 5);
    expect(done.res.status).toBe(409);
  });

  it("refuses unknown ids with 422: never asked, past the end of a batch, or another experiment's", async () => {
    const { body: exp } = await api("POST", "/api/experiments", external());
    const { body: other } = await api("POST", "/api/experiments", external());
    const asked = (await api("POST", `/api/experiments/${exp.id}/ask`, { count: 3 })).body;
    const foreign = (await api("POST", `/api/experiments/${other.id}/ask`, { count: 1 })).body.candidates[0].id;
    const pastEnd = `${asked.batchId.slice(0, 32)}0003`; // index 3 of a batch of 3
    for (const id of ["6a1f0c2e-0000-4000-8000-00000000abcd", pastEnd, foreign]) {
      const r = await api("POST", `/api/experiments/${exp.id}/tell`, { results: [{ candidateId: id, fitness: 1, descriptors: [0, 0] }] });
      expect(r.status, id).toBe(422);
      expect(r.body.error.message).toMatch(/no candidate .* in this experiment/);
    }
    // Nothing counted by the refused tells.
    expect((await api("GET", `/api/experiments/${exp.id}`)).body.evaluations).toBe(0);
  });

  it("releases expired candidates from the budget and refuses telling them (410)", async () => {
    const { body: exp } = await api("POST", "/api/experiments", external({ budget: { evaluations: 10 } }));
    const asked = (await api("POST", `/api/experiments/${exp.id}/ask`, { count: 10, ttlSeconds: 3600 })).body;
    expect(Date.parse(asked.expiresAt)).toBeGreaterThan(Date.now() + 3_000_000);
    expect((await api("POST", `/api/experiments/${exp.id}/ask`, { count: 1 })).body).toMatchObject({ candidates: [], pending: 10 });
    // The hour passes (moved in the database rather than waited for).
    await stack.prisma.$executeRawUnsafe(`UPDATE "AskBatch" SET "expiresAt" = now() - interval '1 second' WHERE id = $1::uuid`, asked.batchId);
    const late = await api("POST", `/api/experiments/${exp.id}/tell`, tellAll(asked.candidates));
    expect(late.status).toBe(410);
    expect(late.body.error.message).toMatch(/expired at .*: ask again/);
    // Their budget is free again: a new ask gets all 10.
    const again = (await api("POST", `/api/experiments/${exp.id}/ask`, { count: 10 })).body;
    expect(again.candidates).toHaveLength(10);
    expect(again.pending).toBe(10);
    const t = await api("POST", `/api/experiments/${exp.id}/tell`, tellAll(again.candidates));
    expect(t.body).toMatchObject({ evaluations: 10, experimentStatus: "completed" });
  });

  it("loses nothing asked when the server crashes between ask and tell", async () => {
    const { body: exp } = await api("POST", "/api/experiments", external({ budget: { evaluations: 20 } }));
    const asked = (await api("POST", `/api/experiments/${exp.id}/ask`, { count: 20 })).body;
    server.child.kill("SIGKILL");
    await new Promise((r) => server.child.once("exit", r));
    server = await startApiServer(stack.env);
    const t = await api("POST", `/api/experiments/${exp.id}/tell`, tellAll(asked.candidates));
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ duplicate: false, evaluations: 20, experimentStatus: "completed" });
    expect(t.body.results.filter((r: any) => r.status === "new").length).toBeGreaterThan(0);
  }, TEST_CEILING_MS);

  it("spends the budget exactly over partial, binary and failed tells, and stores only elites and failures", async () => {
    const { body: exp } = await api("POST", "/api/experiments", external({ budget: { evaluations: 50 } }));
    const a = (await api("POST", `/api/experiments/${exp.id}/ask`, { count: 30, encoding: "base64" })).body;
    const b = (await api("POST", `/api/experiments/${exp.id}/ask`, { count: 30 })).body;
    expect(a.ids).toHaveLength(30);
    expect(b.candidates).toHaveLength(20);
    expect((await api("POST", `/api/experiments/${exp.id}/ask`, { count: 5 })).body).toMatchObject({ candidates: [], budgetRemaining: 0, pending: 50 });
    const genomesA = new Float64Array(Uint8Array.from(Buffer.from(a.genomes, "base64")).buffer);
    const rowA = (i: number) => Array.from(genomesA.subarray(i * 3, i * 3 + 3));

    // Batch a in two binary tells (indices 0..19, then 20..29); one non-finite objective is a failure.
    const fit: number[] = [];
    const meas: number[] = [];
    for (let i = 0; i < 20; i++) {
      const e = evaluate(rowA(i));
      fit.push(i === 4 ? NaN : e.fitness);
      meas.push(...e.descriptors);
    }
    const t1 = await api("POST", `/api/experiments/${exp.id}/tell`, { batchId: a.batchId, fitness: f64(fit), descriptors: f64(meas) });
    expect(t1.status).toBe(200);
    expect(t1.body.results).toHaveLength(20);
    expect(t1.body.results[4]).toEqual({ id: a.ids[4], status: "failed", cell: null, fitness: null });
    expect(t1.body.evaluations).toBe(20);
    // Wrong block lengths are located 422s.
    const short = await api("POST", `/api/experiments/${exp.id}/tell`, { batchId: a.batchId, start: 20, fitness: f64([1, 2]), descriptors: f64([0, 0]) });
    expect(short.status).toBe(422);
    expect(short.body.error.issues[0]).toEqual({ path: "body.descriptors", message: "expected 2 × 2 = 4 float64 values (row-major), got 2" });
    const rest = Array.from({ length: 10 }, (_, k) => evaluate(rowA(20 + k)));
    const t2 = await api("POST", `/api/experiments/${exp.id}/tell`, { batchId: a.batchId, start: 20, fitness: f64(rest.map((e) => e.fitness)), descriptors: f64(rest.flatMap((e) => e.descriptors)) });
    expect(t2.body.results.map((r: any) => r.id)).toEqual(a.ids.slice(20));
    // The same results as JSON are the same tell: a duplicate.
    const asJson = await api("POST", `/api/experiments/${exp.id}/tell`, { results: a.ids.slice(20).map((id: string, k: number) => ({ candidateId: id, ...rest[k]! })) });
    expect(asJson.body.duplicate).toBe(true);

    // Batch b: one evaluation failed with a reason, the rest told with metrics.
    const results = b.candidates.map((c: any, i: number) => (i === 0 ? { candidateId: c.id, error: "simulator crashed" } : { candidateId: c.id, ...evaluate(c.genome), metrics: { i } }));
    const t3 = await api("POST", `/api/experiments/${exp.id}/tell`, { results });
    expect(t3.body).toMatchObject({ evaluations: 50, experimentStatus: "completed" });

    const done = (await api("GET", `/api/experiments/${exp.id}`)).body;
    expect(done).toMatchObject({ evaluations: 50, failedEvaluations: 2 });
    const [ledger] = await stack.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT sum(evaluations)::int AS n FROM "ProcessedBatch" WHERE "experimentId" = $1::uuid`, exp.id);
    expect(ledger!.n).toBe(50);
    // Stored: the elites ever accepted and the two failures (with their reasons), nothing else.
    const rows = await stack.prisma.$queryRawUnsafe<{ status: string; error: string | null; accepted: boolean }[]>(
      `SELECT status::text, error, "eliteRevision" IS NOT NULL AS accepted FROM "Solution" WHERE "experimentId" = $1::uuid`,
      exp.id,
    );
    const accepted = [t1, t2, t3].flatMap((t) => t.body.results).filter((r: any) => r.status === "new" || r.status === "improved").length;
    expect(rows.filter((r) => r.status === "evaluated" && r.accepted)).toHaveLength(accepted);
    expect(rows.filter((r) => r.status === "failed").map((r) => r.error).sort()).toEqual(["non-finite objective or measures", "simulator crashed"]);
    expect(rows).toHaveLength(accepted + 2);
    // The dashboard's solutions list shows them; an elite's lineage is complete.
    const list = (await api("GET", `/api/experiments/${exp.id}/solutions?limit=100`)).body;
    const listed = list.solutions;
    expect(listed.length).toBe(accepted + 2);
    const archive = (await api("GET", `/api/experiments/${exp.id}/archive`)).body;
    const lineage = (await api("GET", `/api/solutions/${archive.elites.solutionId[0]}/lineage`)).body;
    expect(lineage.complete).toBe(true);
  });
});
