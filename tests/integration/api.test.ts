import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import path from "node:path";
import { createTestStack, waitFor, type TestStack, POLL_CEILING_MS, TEST_CEILING_MS } from "../helpers/stack";
import { startApiServer, type ApiServer } from "../helpers/server";
import { reply, startOpenAIMock } from "../helpers/openai-mock";
import { EVENT_SCHEMAS, type EventType } from "@/lib/api/event-payloads";
import { ExperimentList, QueueHealth } from "@/lib/api/responses";

const root = path.resolve(import.meta.dirname, "../..");

let stack: TestStack;
let server: ApiServer;

interface Res<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

async function api<T = any>(method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res<T>> {
  const res = await server.fetch(pathname, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* CSV etc. */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

const sphere = (over: Record<string, unknown> = {}) => ({
  name: "api sphere",
  domain: { type: "sphere", dim: 10 },
  emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2 },
  descriptors: [
    { name: "m0", min: -25.6, max: 25.6, bins: 20 },
    { name: "m1", min: -25.6, max: 25.6, bins: 20 },
  ],
  batchSize: 100,
  budget: { evaluations: 20_000 },
  seed: 3,
  ...over,
});

interface SseEvent {
  event: string;
  id?: string;
  data: any;
}

/** A minimal SSE client over fetch: collects events until `until` says stop (or the timeout). */
async function subscribe(pathname: string, until: (events: SseEvent[]) => boolean, ms: number, headers: Record<string, string> = {}, onFirstEvent?: () => void) {
  const ctrl = new AbortController();
  const res = await server.fetch(pathname, { headers: { accept: "text/event-stream", ...headers }, signal: ctrl.signal });
  const events: SseEvent[] = [];
  let comments = 0;
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  const timer = setTimeout(() => ctrl.abort(), ms);
  try {
    while (!until(events)) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const e: SseEvent = { event: "message", data: "" };
        let data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) comments++;
          else if (line.startsWith("event: ")) e.event = line.slice(7);
          else if (line.startsWith("id: ")) e.id = line.slice(4);
          else if (line.startsWith("data: ")) data += line.slice(6);
        }
        if (data) {
          e.data = JSON.parse(data);
          events.push(e);
          if (events.length === 1) onFirstEvent?.();
        }
      }
    }
  } catch (error) {
    if ((error as Error).name !== "AbortError") throw error;
  } finally {
    clearTimeout(timer);
    ctrl.abort();
  }
  return { status: res.status, contentType: res.headers.get("content-type"), events, comments };
}

beforeAll(async () => {
  stack = await createTestStack();
  stack.startWorker();
  server = await startApiServer(stack.env, { extraEnv: { QD_EXPORT_PAGE: "500" } });
}, TEST_CEILING_MS);

afterAll(async () => {
  await server?.stop();
  await stack?.stop();
});

describe("experiments over REST", () => {
  let runId: string;

  it("creates a draft, streams its run over SSE from start to completion", async () => {
    const created = await api("POST", "/api/experiments", sphere());
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe(`/api/experiments/${created.body.id}`);
    expect(created.body).toMatchObject({ status: "draft", evaluations: 0, cells: 400, budget: { evaluations: 20_000 } });
    expect(created.body.descriptors.map((d: any) => d.name)).toEqual(["m0", "m1"]);
    runId = created.body.id;

    let subscribed!: () => void;
    const hello = new Promise<void>((r) => (subscribed = r));
    const untilCompleted = (ev: SseEvent[]) => ev.some((e) => e.event === "status" && e.data.status === "completed");
    const stream = subscribe(`/api/experiments/${runId}/events`, untilCompleted, POLL_CEILING_MS, {}, () => subscribed());
    await Promise.race([hello, stream]); // the subscription has started (its hello arrived) before the run does
    // More dashboards on the same run share one poll of the event log: each still gets every event.
    // They too are subscribed before the run starts (a connection that arrives later joins the feed
    // where it is and rightly misses "running": on a loaded machine the start could overtake them).
    const othersSubscribed: Promise<void>[] = [];
    const others = Array.from({ length: 6 }, () => {
      let ready!: () => void;
      othersSubscribed.push(new Promise<void>((r) => (ready = r)));
      return subscribe(`/api/experiments/${runId}/events`, untilCompleted, POLL_CEILING_MS, {}, () => ready());
    });
    await Promise.race([Promise.all(othersSubscribed), Promise.all(others)]);
    const started = await api("POST", `/api/experiments/${runId}/start`);
    expect(started.status).toBe(200);
    expect(["running", "completed"]).toContain(started.body.status);
    // One more joins mid-run: it gets what happens from then on, without a gap.
    const late = subscribe(`/api/experiments/${runId}/events`, (ev) => untilCompleted(ev) || ev[0]?.data.status === "completed", POLL_CEILING_MS);

    const { status, contentType, events } = await stream;
    const idsOf = (evs: SseEvent[]) => evs.filter((e) => e.event !== "hello").map((e) => `${e.event}:${e.id}:${JSON.stringify(e.data)}`);
    for (const other of await Promise.all(others)) expect(idsOf(other.events)).toEqual(idsOf(events));
    const lateEvents = (await late).events;
    const lateIds = idsOf(lateEvents).filter((e) => !e.startsWith("snapshot"));
    const allIds = idsOf(events).filter((e) => !e.startsWith("snapshot"));
    if (lateEvents[0]!.data.status !== "completed") expect(lateIds.at(-1)).toMatch(/"completed"/);
    expect(allIds.slice(allIds.length - lateIds.length)).toEqual(lateIds);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/event-stream/);
    // Every message has the shape the dashboard parses it with (lib/api/event-payloads.ts).
    for (const e of events) expect(EVENT_SCHEMAS[e.event as EventType].safeParse(e.data).error?.issues ?? []).toEqual([]);
    expect(events[0]!.event).toBe("hello");
    expect(events[0]!.data).toMatchObject({ id: runId, status: "draft" });
    const statuses = events.filter((e) => e.event === "status").map((e) => e.data.status);
    expect(statuses).toEqual(["running", "completed"]);
    const batches = events.filter((e) => e.event === "batch");
    expect(batches.length).toBeGreaterThan(3);
    // Progress is monotone and ends at the budget.
    const evals = batches.map((b) => b.data.evaluations);
    expect([...evals].sort((a, b) => a - b)).toEqual(evals);
    expect(evals.at(-1)).toBe(20_000);
    expect(batches.some((b) => b.data.improved.length > 0)).toBe(true);
    const snaps = events.filter((e) => e.event === "snapshot");
    expect(snaps.length).toBeGreaterThan(2);
    expect(snaps.at(-1)!.data.evaluations).toBe(20_000);
    // Event ids are increasing, so a client can resume.
    const ids = events.filter((e) => e.id && e.event !== "snapshot").map((e) => BigInt(e.id!));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);

    // Resume with Last-Event-ID: only what came after.
    const mid = batches[Math.floor(batches.length / 2)]!;
    const resumed = await subscribe(`/api/experiments/${runId}/events`, (ev) => ev.some((e) => e.event === "status" && e.data.status === "completed"), POLL_CEILING_MS, { "last-event-id": mid.id! });
    const resumedBatches = resumed.events.filter((e) => e.event === "batch");
    expect(resumedBatches[0]!.data.evaluations).toBeGreaterThan(mid.data.evaluations);
    expect(resumedBatches.at(-1)!.data.evaluations).toBe(20_000);
    expect(resumed.events.filter((e) => e.event === "snapshot").every((s) => s.data.evaluations > mid.data.evaluations)).toBe(true);
    // ?after= does the same for clients that cannot set headers.
    const viaQuery = await subscribe(`/api/experiments/${runId}/events?after=${mid.id}`, (ev) => ev.some((e) => e.event === "status"), POLL_CEILING_MS);
    expect(viaQuery.events.filter((e) => e.event === "batch")[0]!.data.evaluations).toBe(resumedBatches[0]!.data.evaluations);
  });

  it("reads the finished run: experiment, metrics, archive, elite, solution, lineage", async () => {
    const exp = await api("GET", `/api/experiments/${runId}`);
    expect(exp.status).toBe(200);
    expect(exp.body).toMatchObject({ status: "completed", evaluations: 20_000 });
    expect(exp.body.startedAt).toBeTruthy();
    expect(exp.body.finishedAt).toBeTruthy();
    const m = exp.body.metrics;
    expect(m.coverage).toBeCloseTo(exp.body.numElites / 400, 10);
    expect(m.normQdScore).toBeCloseTo(m.qdScore / 400, 10);
    expect(m.maxFitness).toBeGreaterThan(m.meanFitness);

    const metrics = await api("GET", `/api/experiments/${runId}/metrics`);
    expect(metrics.status).toBe(200);
    const snaps = metrics.body.snapshots;
    expect(snaps.length).toBeGreaterThan(2);
    expect(snaps.at(-1)).toMatchObject({ evaluations: 20_000, numElites: exp.body.numElites });
    const later = await api("GET", `/api/experiments/${runId}/metrics?after=${snaps[1].evaluations}&limit=2`);
    expect(later.body.snapshots.map((s: any) => s.evaluations)).toEqual(snaps.slice(2, 4).map((s: any) => s.evaluations));
    expect(later.body.more).toBe(snaps.length > 4);
    const none = await api("GET", `/api/experiments/${runId}/metrics?after=20000`);
    expect(none.body).toMatchObject({ snapshots: [], last: 20_000, more: false });

    const archive = await api("GET", `/api/experiments/${runId}/archive`);
    expect(archive.status).toBe(200);
    const { geometry, elites } = archive.body;
    expect(geometry).toMatchObject({ type: "grid", cells: 400, dims: [20, 20], ranges: [[-25.6, 25.6], [-25.6, 25.6]] });
    expect(elites.count).toBe(exp.body.numElites);
    expect(elites.cell.length).toBe(elites.count);
    expect(elites.fitness.length).toBe(elites.count);
    expect(elites.descriptors[0]).toHaveLength(2);
    expect(elites.solutionId.length).toBe(elites.count);
    expect([...elites.cell].sort((a: number, b: number) => a - b)).toEqual(elites.cell);
    expect(Math.max(...elites.fitness)).toBeCloseTo(m.maxFitness, 10);
    // Incremental: nothing changed after the current revision.
    const inc = await api("GET", `/api/experiments/${runId}/archive?after=${elites.revision}`);
    expect(inc.body.elites.count).toBe(0);
    // Compressed (by the server) for clients that accept it; the same archive either way.
    for (const accept of ["gzip, deflate, br", "identity"]) {
      const res = await server.fetch(`/api/experiments/${runId}/archive`, { headers: { "accept-encoding": accept } });
      expect(await res.json()).toEqual(archive.body);
    }

    const best = elites.fitness.indexOf(Math.max(...elites.fitness));
    const cell = elites.cell[best];
    const elite = await api("GET", `/api/experiments/${runId}/elites/${cell}`);
    expect(elite.status).toBe(200);
    expect(elite.body).toMatchObject({ cell, fitness: elites.fitness[best], solutionId: elites.solutionId[best] });
    expect(elite.body.solution.genome).toHaveLength(10);
    const empty = Array.from({ length: 400 }, (_, c) => c).find((c) => !elites.cell.includes(c));
    if (empty !== undefined) expect((await api("GET", `/api/experiments/${runId}/elites/${empty}`)).status).toBe(404);
    expect((await api("GET", `/api/experiments/${runId}/elites/400`)).body.error.message).toMatch(/outside the archive/);

    const sol = await api("GET", `/api/solutions/${elites.solutionId[best]}`);
    expect(sol.status).toBe(200);
    expect(sol.body).toMatchObject({ id: elites.solutionId[best], experimentId: runId, status: "evaluated", genomeKind: "vector", cell, operator: "iso-line" });
    expect(sol.body.genome.every((x: unknown) => typeof x === "number")).toBe(true);
    expect(sol.body.eliteRevision).toBeGreaterThan(0);

    const lineage = await api("GET", `/api/solutions/${elites.solutionId[best]}/lineage`);
    expect(lineage.status).toBe(200);
    const steps = lineage.body.steps;
    expect(steps[0]).toMatchObject({ depth: 0, id: elites.solutionId[best] });
    expect(steps.length).toBeGreaterThan(1);
    expect(lineage.body.complete).toBe(true);
    expect(steps.at(-1).parentIds).toEqual([]);
    steps.forEach((s: any, i: number) => {
      expect(s.depth).toBe(i);
      expect(typeof s.fitness).toBe("number");
      expect(s.operator).toBe("iso-line");
      if (i > 0) expect(steps[i - 1].parentIds[0]).toBe(s.id);
    });
    const short = await api("GET", `/api/solutions/${elites.solutionId[best]}/lineage?maxDepth=1`);
    expect(short.body.steps).toHaveLength(2);
    expect(short.body.complete).toBe(false);
  });

  it("exports the archive and every solution as CSV and JSON, streamed", async () => {
    const exp = (await api("GET", `/api/experiments/${runId}`)).body;
    const csv = await server.fetch(`/api/experiments/${runId}/export?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toMatch(/attachment; filename=".*archive\.csv"/);
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe(["cell", "solution_id", "fitness", "m0", "m1", ...Array.from({ length: 10 }, (_, j) => `genome_${j}`)].join(","));
    expect(lines.length - 1).toBe(exp.numElites);
    expect(lines[1]!.split(",")).toHaveLength(15);

    const json = await api("GET", `/api/experiments/${runId}/export?format=json`);
    expect(json.body).toMatchObject({ experimentId: runId, kind: "archive", descriptors: ["m0", "m1"] });
    expect(json.body.rows).toHaveLength(exp.numElites);
    expect(json.body.rows[0].genome).toHaveLength(10);

    const all = await api("GET", `/api/experiments/${runId}/export?format=json&all=1`);
    expect(all.body.kind).toBe("solutions");
    const [stored] = await stack.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "Solution" WHERE "experimentId" = $1::uuid`, runId);
    expect(all.body.rows).toHaveLength(stored!.n);
    expect(stored!.n).toBeGreaterThan(500); // several keyset pages (QD_EXPORT_PAGE=500 on the test server)
    expect(new Set(all.body.rows.map((r: any) => r.id)).size).toBe(stored!.n);
    const allCsv = await server.fetch(`/api/experiments/${runId}/export?format=csv&all=true`);
    expect((await allCsv.text()).trimEnd().split("\r\n")).toHaveLength(stored!.n + 1);
  });

  it("lists with status filter and cursor pagination; patches; deletes only when not running", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await api("POST", "/api/experiments", sphere({ name: `draft ${i}` }))).body.id);
    const drafts = await api("GET", "/api/experiments?status=draft&limit=2");
    expect(drafts.status).toBe(200);
    expect(drafts.body.experiments.every((e: any) => e.status === "draft")).toBe(true);
    expect(drafts.body.experiments).toHaveLength(2);
    expect(drafts.body.nextCursor).toBeTruthy();
    const seen = [...drafts.body.experiments.map((e: any) => e.id)];
    let cursor = drafts.body.nextCursor;
    while (cursor) {
      const page = await api("GET", `/api/experiments?status=draft&limit=2&cursor=${encodeURIComponent(cursor)}`);
      seen.push(...page.body.experiments.map((e: any) => e.id));
      cursor = page.body.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);
    expect(seen).toHaveLength(drafts.body.total);
    const several = await api("GET", "/api/experiments?status=draft,completed");
    expect(several.body.experiments.map((e: any) => e.id)).toContain(runId);

    const patched = await api("PATCH", `/api/experiments/${ids[0]}`, { name: "renamed", notes: "hello" });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: "renamed", notes: "hello" });
    expect((await api("GET", `/api/experiments/${ids[0]}`)).body.name).toBe("renamed");

    const del = await api("DELETE", `/api/experiments/${ids[1]}`);
    expect(del.status).toBe(204);
    expect((await api("GET", `/api/experiments/${ids[1]}`)).status).toBe(404);
    expect((await api("DELETE", `/api/experiments/${ids[1]}`)).status).toBe(404);
  });

  it("start, pause, resume, cancel with 409 for wrong transitions", async () => {
    const { body: exp } = await api("POST", "/api/experiments", sphere({ name: "long", budget: { evaluations: 5_000_000 }, start: true }));
    expect(exp.status).toBe("running");
    expect((await api("DELETE", `/api/experiments/${exp.id}`)).status).toBe(409);
    expect((await api("POST", `/api/experiments/${exp.id}/start`)).status).toBe(409);
    await waitFor(async () => (await api("GET", `/api/experiments/${exp.id}`)).body.evaluations > 0, POLL_CEILING_MS, "progress");
    const paused = await api("POST", `/api/experiments/${exp.id}/pause`, {});
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe("paused");
    const again = await api("POST", `/api/experiments/${exp.id}/pause`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "conflict", message: "cannot pause an experiment that is paused" });
    expect((await api("POST", `/api/experiments/${exp.id}/resume`)).body.status).toBe("running");
    const cancelled = await api("POST", `/api/experiments/${exp.id}/cancel`);
    expect(cancelled.body.status).toBe("cancelled");
    expect(cancelled.body.finishedAt).toBeTruthy();
    expect((await api("POST", `/api/experiments/${exp.id}/resume`)).status).toBe(409);
    expect((await api("DELETE", `/api/experiments/${exp.id}`)).status).toBe(204);
  });

  it("CVT archives expose their centroids (deterministic from the seed)", async () => {
    const { body: exp } = await api("POST", "/api/experiments", sphere({ name: "cvt", archive: { type: "cvt", cells: 64, samples: 5000 } }));
    const a = await api("GET", `/api/experiments/${exp.id}/archive`);
    expect(a.status).toBe(200);
    expect(a.body.geometry.type).toBe("cvt");
    expect(a.body.geometry.centroids).toHaveLength(64);
    expect(a.body.geometry.centroids[0]).toHaveLength(2);
    expect(a.body.elites).toMatchObject({ count: 0, cell: [], fitness: [] });
    const again = await api("GET", `/api/experiments/${exp.id}/archive`);
    expect(again.body.geometry.centroids).toEqual(a.body.geometry.centroids);
  });

  it("submits hand-written genomes to a built-in domain, idempotently", async () => {
    const { body: exp } = await api("POST", "/api/experiments", sphere({ name: "seeds" }));
    const body = { solutions: [{ genome: Array(10).fill(0) }, { genome: Array(10).fill(2.048) }, { genome: Array(10).fill(2.048) }], idempotencyKey: "seed-batch-1" };
    const r = await api("POST", `/api/experiments/${exp.id}/solutions`, body);
    expect(r.status).toBe(200);
    expect(r.body.mode).toBe("evaluated");
    expect(r.body.duplicate).toBe(false);
    expect(r.body.evaluations).toBe(3);
    // The optimum (2.048…) scores 100; its twin lands in the same cell and is not strictly better.
    const [a, b, c] = r.body.results;
    expect(a.status).toBe("new");
    expect(b).toMatchObject({ status: "new", fitness: 100 });
    expect(c.status).toBe("not_added");
    const again = await api("POST", `/api/experiments/${exp.id}/solutions`, body);
    expect(again.body.duplicate).toBe(true);
    expect(again.body.evaluations).toBe(3);
    expect(again.body.results.map((x: any) => x.status)).toEqual(["new", "new", "not_added"]);
    const better = await api("POST", `/api/experiments/${exp.id}/solutions`, { solutions: [{ genome: [...Array(9).fill(0), 0.001] }] });
    expect(better.body.results[0].status).toMatch(/improved|not_added|new/);
    const sol = await api("GET", `/api/solutions/${b.id}`);
    expect(sol.body).toMatchObject({ operator: "submitted", fitness: 100 });
    expect(sol.body.genome).toEqual(Array(10).fill(2.048));
  });

  it("reports queues, workers and failures", async () => {
    const q = await api("GET", "/api/queues");
    expect(q.status).toBe(200);
    expect(q.body.backend).toBe("redis");
    expect(q.body.queues.map((x: any) => x.name)).toEqual(["qd-mutation", "qd-evaluation", "qd-user-evaluation"]);
    const ev = q.body.queues.find((x: any) => x.name === "qd-evaluation");
    expect(ev.counts).toMatchObject({ waiting: expect.any(Number), active: expect.any(Number), failed: expect.any(Number) });
    expect(ev.workers).toBeGreaterThanOrEqual(1);
    expect(Array.isArray(ev.failures)).toBe(true);
    expect(q.body.workers.length).toBeGreaterThanOrEqual(1);
    expect(q.body.workers[0]).toMatchObject({ hostname: expect.any(String), pid: expect.any(Number) });
    // The response schemas (OpenAPI, the dashboard's types) describe what the handlers send.
    const health = QueueHealth.safeParse(q.body);
    expect(health.success, JSON.stringify(health.error?.issues)).toBe(true);
    expect((await api("POST", "/api/experiments", sphere({ name: "schema check" }))).status).toBe(201);
    const list = await api("GET", "/api/experiments");
    expect(list.body.experiments.length).toBeGreaterThan(0);
    const experiments = ExperimentList.safeParse(list.body);
    expect(experiments.success, JSON.stringify(experiments.error?.issues)).toBe(true);
  });

  it("serves an OpenAPI 3.1 document built from the request schemas", async () => {
    const doc = await api("GET", "/api/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(["/api/experiments", "/api/experiments/{id}/ask", "/api/experiments/{id}/tell", "/api/queues"]));
    const create = doc.body.paths["/api/experiments"].post.requestBody.content["application/json"].schema;
    expect(create.properties.domain.oneOf.map((o: any) => o.properties.type.const).sort()).toEqual(["arm", "command", "external", "javascript", "llm-code", "llm-text", "program", "rastrigin", "sphere", "webhook"]);
    expect(create.properties.emitter.oneOf.map((o: any) => o.properties.type.const)).toEqual(expect.arrayContaining(["gaussian", "iso-line", "llm", "javascript-mutation"]));
    expect(create.properties.start.type).toBe("boolean");
  });
});

describe("ask/tell", () => {
  const external = (over: Record<string, unknown> = {}) => ({
    name: "external",
    domain: { type: "external", dim: 4, bounds: [-2, 2] },
    descriptors: [
      { name: "x0", min: -2, max: 2, bins: 10 },
      { name: "x1", min: -2, max: 2, bins: 10 },
    ],
    emitter: { type: "gaussian", sigma: 0.3 },
    budget: { evaluations: 600 },
    seed: 11,
    ...over,
  });
  const evaluate = (x: number[]) => ({ fitness: -x.reduce((s, v) => s + v * v, 0), descriptors: [x[0]!, x[1]!] });

  it("fills an archive with a client-side evaluator, never past the budget, idempotently", async () => {
    const { body: exp } = await api("POST", "/api/experiments", external({ start: true }));
    expect(exp.status).toBe("running");
    // Workers never generate batches for external domains.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await api("GET", `/api/experiments/${exp.id}`)).body.evaluations).toBe(0);

    let told = 0;
    let lastTell: { ids: string[]; body: unknown; response: any } | null = null;
    const statuses = new Map<string, number>();
    for (let round = 0; round < 100; round++) {
      const asked = await api("POST", `/api/experiments/${exp.id}/ask`, { count: 64 });
      expect(asked.status).toBe(200);
      const cands = asked.body.candidates;
      if (cands.length === 0) break;
      for (const c of cands) {
        expect(c.genome).toHaveLength(4);
        for (const g of c.genome) expect(Math.abs(g)).toBeLessThanOrEqual(2);
        if (round > 0) expect(c.parentIds).toHaveLength(1);
      }
      // Fail one candidate in the second round: it counts, inserts nothing.
      const results = cands.map((c: any, i: number) => (round === 1 && i === 0 ? { candidateId: c.id, error: "simulator crashed" } : { candidateId: c.id, ...evaluate(c.genome), metrics: { round } }));
      const tellBody = { results };
      const t = await api("POST", `/api/experiments/${exp.id}/tell`, tellBody);
      expect(t.status).toBe(200);
      expect(t.body.duplicate).toBe(false);
      expect(t.body.results).toHaveLength(cands.length);
      for (const r of t.body.results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      told += cands.length;
      expect(t.body.evaluations).toBe(told);
      lastTell = { ids: cands.map((c: any) => c.id), body: tellBody, response: t.body };
      if (t.body.experimentStatus !== "running") break;
    }
    expect(told).toBe(600);
    expect(statuses.get("new")).toBeGreaterThan(20);
    expect(statuses.get("improved")).toBeGreaterThan(0);
    expect(statuses.get("not_added")).toBeGreaterThan(0);
    expect(statuses.get("failed")).toBe(1);

    const done = (await api("GET", `/api/experiments/${exp.id}`)).body;
    expect(done).toMatchObject({ status: "completed", evaluations: 600, failedEvaluations: 1 });
    const archive = (await api("GET", `/api/experiments/${exp.id}/archive`)).body;
    expect(archive.elites.count).toBe(done.numElites);
    // Fitness of the best is -|x|² near 0 and its stored descriptors are the ones told.
    expect(done.metrics.maxFitness).toBeLessThanOrEqual(0);

    // The same tell again: idempotent, same statuses, nothing counted twice.
    const repeat = await api("POST", `/api/experiments/${exp.id}/tell`, lastTell!.body);
    expect(repeat.status).toBe(200);
    expect(repeat.body.duplicate).toBe(true);
    expect(repeat.body.results.map((r: any) => r.status)).toEqual(lastTell!.response.results.map((r: any) => r.status));
    expect(repeat.body.evaluations).toBe(600);

    // Asking a completed run is a conflict; telling a candidate twice in a different batch too.
    expect((await api("POST", `/api/experiments/${exp.id}/ask`, { count: 1 })).status).toBe(409);
    const partial = await api("POST", `/api/experiments/${exp.id}/tell`, { results: [{ candidateId: lastTell!.ids[0], fitness: 1, descriptors: [0, 0] }] });
    expect(partial.status).toBe(409);
    expect(partial.body.error.message).toMatch(/already told/);

    // Lineage of an elite goes back through asked candidates to a first (cold-start: x0 + noise) sample.
    const best = archive.elites.fitness.indexOf(Math.max(...archive.elites.fitness));
    const lineage = await api("GET", `/api/solutions/${archive.elites.solutionId[best]}/lineage`);
    expect(lineage.body.complete).toBe(true);
    expect(lineage.body.steps.at(-1).parentIds).toEqual([]);
    const sol = await api("GET", `/api/solutions/${archive.elites.solutionId[best]}`);
    expect(sol.body.metrics).toMatchObject({ round: expect.any(Number) });
  });

  it("reserves budget for outstanding candidates and validates tells", async () => {
    const { body: exp } = await api("POST", "/api/experiments", external({ budget: { evaluations: 10 } }));
    const early = await api("POST", `/api/experiments/${exp.id}/ask`, { count: 5 });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/start it first/);
    await api("POST", `/api/experiments/${exp.id}/start`);
    const a = await api("POST", `/api/experiments/${exp.id}/ask`, { count: 8 });
    expect(a.body.candidates).toHaveLength(8);
    expect(a.body.budgetRemaining).toBe(2);
    const b = await api("POST", `/api/experiments/${exp.id}/ask`, { count: 8 });
    expect(b.body.candidates).toHaveLength(2);
    const c = await api("POST", `/api/experiments/${exp.id}/ask`, { count: 8 });
    expect(c.body).toMatchObject({ candidates: [], budgetRemaining: 0, pending: 10 });

    const id = a.body.candidates[0].id;
    const wrongLen = await api("POST", `/api/experiments/${exp.id}/tell`, { results: [{ candidateId: id, fitness: 1, descriptors: [1] }] });
    expect(wrongLen.status).toBe(422);
    expect(wrongLen.body.error.issues[0]).toEqual({ path: "body.results[0].descriptors", message: "expected 2 descriptor values, got 1" });
    const unknown = await api("POST", `/api/experiments/${exp.id}/tell`, { results: [{ candidateId: "00000000-0000-4000-8000-000000000000", fitness: 1, descriptors: [1, 1] }] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toMatch(/no candidate/);
    // A candidate of another experiment is unknown here.
    const { body: other } = await api("POST", "/api/experiments", external({ start: true }));
    const foreign = (await api("POST", `/api/experiments/${other.id}/ask`, { count: 1 })).body.candidates[0].id;
    expect((await api("POST", `/api/experiments/${exp.id}/tell`, { results: [{ candidateId: foreign, fitness: 1, descriptors: [1, 1] }] })).status).toBe(422);

    // External experiments take submitted genomes as pending candidates.
    const { body: third } = await api("POST", "/api/experiments", external({ budget: { evaluations: 3 } }));
    const sub = await api("POST", `/api/experiments/${third.id}/solutions`, { solutions: [{ genome: [0, 0, 0, 0] }, { genome: [1, 1, 1, 1] }] });
    expect(sub.status).toBe(201);
    expect(sub.body.mode).toBe("pending");
    expect(sub.body.candidates).toHaveLength(2);
    await api("POST", `/api/experiments/${third.id}/start`);
    const t = await api("POST", `/api/experiments/${third.id}/tell`, { results: sub.body.candidates.map((c: any) => ({ candidateId: c.id, ...evaluate(c.genome) })) });
    expect(t.body.results.map((r: any) => r.status)).toEqual(["new", "new"]);
    const over = await api("POST", `/api/experiments/${third.id}/solutions`, { solutions: [{ genome: [0, 0, 0, 0] }, { genome: [0, 0, 0, 0] }] });
    expect(over.status).toBe(409);
    expect(over.body.error.message).toMatch(/budget has 1/);
    // Built-in experiments are evaluated by workers: ask is a conflict.
    const { body: builtin } = await api("POST", "/api/experiments", sphere());
    const askBuiltin = await api("POST", `/api/experiments/${builtin.id}/ask`, { count: 1 });
    expect(askBuiltin.status).toBe(409);
    expect(askBuiltin.body.error.message).toMatch(/external/);
  });

  it("examples/python/ask_tell.py fills an archive with the machine's python3", async () => {
    const child = spawn("python3", [path.join(root, "examples/python/ask_tell.py"), "--url", server.url, "--budget", "800", "--batch", "50"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    expect(code, out).toBe(0);
    const id = /experiment ([0-9a-f-]{36})/.exec(out)?.[1];
    expect(id, out).toBeTruthy();
    const exp = (await api("GET", `/api/experiments/${id}`)).body;
    expect(exp).toMatchObject({ status: "completed", evaluations: 800, domainType: "external" });
    expect(exp.numElites).toBeGreaterThan(50);
    expect(out).toMatch(/coverage/);
  });
});

describe("authentication", () => {
  let secured: ApiServer;
  beforeAll(async () => {
    secured = await startApiServer(stack.env, { extraEnv: { QD_API_TOKEN: "s3cret-token" } });
  });
  afterAll(async () => secured?.stop());

  it("requires the bearer token (or the session cookie) on every /api endpoint", async () => {
    const anon = await secured.fetch("/api/experiments");
    expect(anon.status).toBe(401);
    expect(anon.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await anon.json()).error).toMatchObject({ code: "unauthorized", message: expect.stringMatching(/Authorization: Bearer/) });
    expect((await secured.fetch("/api/experiments", { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await secured.fetch("/api/queues")).status).toBe(401);
    expect((await secured.fetch("/api/nope")).status).toBe(401);
    expect((await secured.fetch("/api/experiments", { headers: { authorization: "Bearer s3cret-token" } })).status).toBe(200);
    // Login: the token for an HTTP-only cookie.
    const bad = await secured.fetch("/api/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: "nope" }) });
    expect(bad.status).toBe(401);
    const login = await secured.fetch("/api/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: "s3cret-token" }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).not.toMatch(/s3cret-token/);
    const withCookie = await secured.fetch("/api/experiments", { headers: { cookie: cookie.split(";")[0]! } });
    expect(withCookie.status).toBe(200);
    // The API description stays public.
    expect((await secured.fetch("/api/openapi.json")).status).toBe(200);
    // Pages too: without the cookie they send the user to the login page, which is public.
    const page = await secured.fetch("/compare?ids=x", { redirect: "manual" });
    expect(page.status).toBe(307);
    expect(page.headers.get("location")).toMatch(/\/login\?next=%2Fcompare%3Fids%3Dx$/);
    expect((await secured.fetch("/login")).status).toBe(200);
    expect((await secured.fetch("/", { headers: { cookie: cookie.split(";")[0]! } })).status).toBe(200);
  });
});

describe("LLM experiments over REST", () => {
  it("creates an llm-code run with defaults filled, reports tokens and cost, its provider queue, and evaluates submitted programs", async () => {
    let n = 0;
    const mock = await startOpenAIMock(() => {
      n++;
      const s = (0.86 + (n % 12) * 0.01).toFixed(2);
      return reply.code(`function pack() {\n  const r = ${s} / 12;\n  const out = [];\n  for (let i = 0; i < 26; i++) out.push([((i % 6) + 0.5) / 6, (Math.floor(i / 6) + 0.5) / 5, r]);\n  return out;\n}`, { promptTokens: 1000, completionTokens: 200 });
    });
    try {
      const created = await api("POST", "/api/experiments", {
        name: "llm over rest",
        domain: { type: "llm-code", task: "circle-packing" },
        emitter: { type: "llm", baseURL: mock.baseURL, model: "gpt-4.1-mini", requestsPerMinute: 600, concurrency: 4 },
        batchSize: 2,
        budget: { evaluations: 12, costUsd: 5 },
        maxInFlight: 2,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      // Defaults: the task's descriptors (code length × min gap), diff-free full mode, the budget's cost cap.
      expect(created.body.config.domain).toMatchObject({ type: "llm-code", task: "circle-packing", timeoutMs: 5000, memoryMb: 128 });
      expect(created.body.config.emitter).toMatchObject({ type: "llm", mode: "full", maxRetries: 3 });
      expect(created.body.descriptors.map((d: any) => d.name)).toEqual(["code length", "min gap"]);
      expect(created.body.budget).toEqual({ evaluations: 12, costUsd: 5 });
      expect(JSON.stringify(created.body)).not.toMatch(/apiKey"/);

      const start = await api("POST", `/api/experiments/${created.body.id}/start`, {});
      expect(start.status).toBe(200);
      // BullMQ's global limits on the provider queue, from the config: 600 requests/min at 2 calls a job
      // = 300 jobs/min; concurrency 4 at 2 calls a job = 2 jobs at once, across all workers.
      const queues = await waitFor(async () => {
        const q = await api("GET", "/api/queues");
        return q.body.queues.find((x: any) => x.provider && x.limits?.concurrency) ? q.body : null;
      }, POLL_CEILING_MS, "the provider queue to show up with its limits");
      const llmQueue = queues.queues.find((x: any) => x.provider);
      expect(llmQueue.name).toMatch(/^qd-llm-[0-9a-f]{12}$/);
      expect(llmQueue.provider).toBe(new URL(mock.baseURL).host);
      expect(llmQueue.limits).toEqual({ rateLimit: { max: 300, duration: 60_000 }, concurrency: 2 });

      const submitted = await api("POST", `/api/experiments/${created.body.id}/solutions`, { solutions: [{ genome: "function pack() { return []; }" }, { genome: [1, 2] }] });
      expect(submitted.status).toBe(422);
      expect(submitted.body.error.issues[0]).toMatchObject({ path: "body.solutions[1].genome", message: expect.stringMatching(/give the genome as a string/) });
      const ok = await api("POST", `/api/experiments/${created.body.id}/solutions`, { solutions: [{ genome: "function pack() { return []; }" }] });
      expect(ok.status).toBe(202);

      const done = await waitFor(async () => {
        const e = await api("GET", `/api/experiments/${created.body.id}`);
        return e.body.status === "completed" ? e.body : null;
      }, POLL_CEILING_MS, "the llm run to complete");
      // The submitted program counts against the budget; a job in flight when the budget was reached still lands (its tokens were paid for).
      expect([12, 13]).toContain(done.evaluations);
      const calls = mock.completions.length;
      expect(done.usage).toEqual({ promptTokens: 1000 * calls, completionTokens: 200 * calls, costUsd: expect.closeTo(calls * (1000 * 0.4 + 200 * 1.6) / 1e6, 12) });
      const rejected = await api("GET", `/api/solutions/${ok.body.candidates[0].id}`);
      expect(rejected.body).toMatchObject({ status: "failed", genomeKind: "code", operator: "submitted", error: expect.stringMatching(/expected exactly 26 circles/) });
      const best = await api("GET", `/api/experiments/${created.body.id}/export?format=json`);
      expect(best.status).toBe(200);
    } finally {
      await mock.close();
    }
  }, TEST_CEILING_MS);
});
