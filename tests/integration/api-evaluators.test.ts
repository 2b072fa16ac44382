import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestStack, waitFor, type TestStack, POLL_CEILING_MS, TEST_CEILING_MS } from "../helpers/stack";
import { startApiServer, type ApiServer } from "../helpers/server";

/** The REST side of user evaluators: failed/evaluated candidates and the metric keys a run produced. */

let stack: TestStack;
let server: ApiServer;

async function api<T = any>(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await server.fetch(pathname, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

async function runToEnd(config: Record<string, unknown>, statuses = ["completed", "paused", "failed"]) {
  const created = await api("POST", "/api/experiments", { ...config, start: true });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return waitFor(async () => {
    const e = await api("GET", `/api/experiments/${created.body.id}`);
    return statuses.includes(e.body.status) ? e.body : null;
  }, POLL_CEILING_MS, `experiment ${created.body.id} to finish`);
}

// Throws for x0 > 1, logs a long line for x1 < -1.5, reports two metrics; descriptor 2 reads a metric.
const CODE = `function evaluate(x) {
  if (x[0] > 1) throw new Error("x0 too large: " + x[0].toFixed(3));
  if (x[1] < -1.5) console.log("long ".repeat(1200));
  console.log("evaluating", x.length);
  const norm = Math.sqrt(x.reduce((s, v) => s + v * v, 0));
  return { fitness: -norm, descriptors: [x[0]], metrics: { norm, spread: Math.max(...x) - Math.min(...x) } };
}`;

const jsRun = {
  name: "api js evaluator",
  domain: { type: "javascript", code: CODE, dim: 3, bounds: [-2, 2] },
  emitter: { type: "gaussian", sigma: 0.8 },
  descriptors: [
    { name: "x0", min: -2, max: 2, bins: 8 },
    { name: "spread", metric: "spread", min: 0, max: 4, bins: 8 },
  ],
  batchSize: 20,
  budget: { evaluations: 160 },
  seed: 11,
};

beforeAll(async () => {
  stack = await createTestStack();
  stack.startWorker();
  server = await startApiServer(stack.env);
}, TEST_CEILING_MS);

afterAll(async () => {
  await server?.stop();
  await stack?.stop();
});

describe("user-evaluator runs over REST", () => {
  let run: any;

  it("lists failed candidates newest first with their reasons, paginated by cursor", async () => {
    run = await runToEnd(jsRun);
    expect(run.status).toBe("completed");
    expect(run.evaluations).toBe(160);
    expect(run.failedEvaluations).toBeGreaterThan(0);
    expect(run.failedEvaluations).toBeLessThan(160);

    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await api("GET", `/api/experiments/${run.id}/solutions?status=failed&limit=7${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      expect(page.body.solutions.length).toBeLessThanOrEqual(7);
      seen.push(...page.body.solutions);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(seen).toHaveLength(run.failedEvaluations);
    expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);
    for (const s of seen) {
      expect(s).toMatchObject({ status: "failed", fitness: null, elite: false });
      expect(s.error).toMatch(/x0 too large: 1\.|2\./);
      expect(typeof s.evalMs).toBe("number");
      expect(typeof s.createdAt).toBe("string");
    }
    // Newest first: (createdAt, id) strictly decreasing.
    for (let i = 1; i < seen.length; i++) {
      const a = seen[i - 1]!;
      const b = seen[i]!;
      expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id)).toBe(true);
    }
  });

  it("lists evaluated candidates with metrics and truncated logs; both statuses by default", async () => {
    const ev = await api("GET", `/api/experiments/${run.id}/solutions?status=evaluated&limit=200`);
    expect(ev.status).toBe(200);
    expect(ev.body.nextCursor).toBeNull();
    expect(ev.body.solutions).toHaveLength(160 - run.failedEvaluations);
    for (const s of ev.body.solutions) {
      expect(s.status).toBe("evaluated");
      expect(s.metrics).toEqual({ norm: expect.any(Number), spread: expect.any(Number) });
      expect(s.fitness).toBeCloseTo(-s.metrics.norm, 9);
      expect(s.descriptors[1]).toBeCloseTo(s.metrics.spread, 9);
      if (!s.logsTruncated) expect(s.logs).toContain("evaluating 3");
    }
    const long = ev.body.solutions.filter((s: any) => s.logsTruncated);
    expect(long.length).toBeGreaterThan(0);
    for (const s of long) expect(s.logs.length).toBe(4000);
    expect(ev.body.solutions.filter((s: any) => s.elite).length).toBeGreaterThanOrEqual(run.numElites);
    // The full logs stay available on the solution itself.
    const full = await api("GET", `/api/solutions/${long[0].id}`);
    expect(full.body.logs.length).toBeGreaterThan(4000);

    const all = await api("GET", `/api/experiments/${run.id}/solutions?limit=200`);
    expect(all.body.solutions).toHaveLength(160);
    const both = await api("GET", `/api/experiments/${run.id}/solutions?status=failed,evaluated&limit=5`);
    expect(both.body.solutions).toHaveLength(5);
    expect(both.body.nextCursor).toEqual(expect.any(String));
  });

  it("reports the metric keys produced so far, with counts and ranges", async () => {
    const res = await api("GET", `/api/experiments/${run.id}/metrics/keys`);
    expect(res.status).toBe(200);
    const n = 160 - run.failedEvaluations;
    expect(res.body.solutions).toBe(n);
    expect(res.body.keys.map((k: any) => k.key).sort()).toEqual(["norm", "spread"]);
    for (const k of res.body.keys) {
      expect(k.count).toBe(n);
      expect(k.min).toBeGreaterThanOrEqual(0);
      expect(k.max).toBeGreaterThan(k.min);
    }
  });

  it("an evaluator that fails on everything: paused with the reason, failures listed", async () => {
    const done = await runToEnd({
      name: "api missing command",
      domain: { type: "command", command: "definitely-not-an-installed-command --x", dim: 2, bounds: [-1, 1] },
      descriptors: [{ name: "x", min: -1, max: 1, bins: 4 }],
      batchSize: 10,
      budget: { evaluations: 500 },
    });
    expect(done.status).toBe("paused");
    expect(done.statusReason).toMatch(/every candidate failed so far; last error: .*(not found|ENOENT)/i);
    const failed = await api("GET", `/api/experiments/${done.id}/solutions?status=failed&limit=3`);
    expect(failed.body.solutions).toHaveLength(3);
    expect(failed.body.solutions[0].error).toMatch(/not found|ENOENT/i);
    const keys = await api("GET", `/api/experiments/${done.id}/metrics/keys`);
    expect(keys.body).toEqual({ keys: [], solutions: 0, stages: [] });
  });

  it("built-in runs answer too (elites only, no metrics)", async () => {
    const done = await runToEnd({ name: "api sphere", domain: { type: "sphere", dim: 4 }, batchSize: 50, budget: { evaluations: 500 } }, ["completed"]);
    const ev = await api("GET", `/api/experiments/${done.id}/solutions?limit=3`);
    expect(ev.status).toBe(200);
    expect(ev.body.solutions).toHaveLength(3);
    expect(ev.body.solutions.every((s: any) => s.status === "evaluated" && s.error === null)).toBe(true);
    expect((await api("GET", `/api/experiments/${done.id}/metrics/keys`)).body.keys).toEqual([]);
  });

  it("JSON genomes: the user's sandboxed mutation evolves objects, lineage intact; submitted genomes are evaluated too", async () => {
    // Fitness: closeness of (a, b) to (1, -1); the label records the path from the seed.
    const evaluate = `function evaluate(g) {
      if (typeof g.a !== "number") throw new Error("no a in " + JSON.stringify(g));
      return { fitness: -((g.a - 1) ** 2) - (g.b + 1) ** 2, descriptors: [g.a, g.b], metrics: { depth: g.label.length - 1 } };
    }`;
    const AB = [
      { name: "a", min: -3, max: 3, bins: 6 },
      { name: "b", min: -3, max: 3, bins: 6 },
    ];
    const mutate = `function mutate(p, rng) {
      if (rng.random() < 0.05) throw new Error("mutation gave up");
      return { a: p.a + rng.normal(0, 0.4), b: p.b + rng.normal(0, 0.4), label: p.label + "+" };
    }`;
    const done = await runToEnd({
      name: "json genomes",
      domain: { type: "javascript", code: evaluate, seeds: [{ a: 0, b: 0, label: "s" }, { a: -1, b: 1, label: "t" }] },
      emitter: { type: "javascript-mutation", code: mutate },
      descriptors: AB,
      batchSize: 10,
      budget: { evaluations: 150 },
      seed: 5,
      maxInFlight: 2,
    });
    expect(done.status).toBe("completed");
    expect(done.evaluations).toBe(150);
    expect(done.metrics.coverage).toBeGreaterThan(0.2);
    expect(done.metrics.maxFitness).toBeGreaterThan(-1);

    const archive = await api("GET", `/api/experiments/${done.id}/archive`);
    const cells: number[] = archive.body.elites.cell;
    expect(cells.length).toBeGreaterThan(5);
    // The deepest elite (longest label) makes the strongest lineage check.
    const details = await Promise.all(cells.map((c) => api("GET", `/api/experiments/${done.id}/elites/${c}`)));
    const sol = details.map((d) => d.body.solution).sort((x, y) => y.genome.label.length - x.genome.label.length)[0];
    expect(sol.genomeKind).toBe("json");
    expect(typeof sol.genome.a).toBe("number");
    // The label grows by one "+" per mutation: the lineage is exactly as long as the label says.
    const lineage = await api("GET", `/api/solutions/${sol.id}/lineage`);
    expect(lineage.status).toBe(200);
    expect(lineage.body.complete).toBe(true);
    const chain: any[] = lineage.body.steps;
    expect(sol.genome.label.length).toBeGreaterThan(2);
    expect(chain.length).toBe(sol.genome.label.length);
    expect(chain.at(-1).operator).toBe("seed");
    expect(chain.slice(0, -1).every((s) => s.operator === "javascript-mutation")).toBe(true);

    const failed = await api("GET", `/api/experiments/${done.id}/solutions?status=failed&limit=200`);
    if (failed.body.solutions.length) expect(failed.body.solutions.every((s: any) => /mutation gave up/.test(s.error))).toBe(true);

    // Submitting to a finished run is refused; to a running one, genomes go through its evaluator.
    const late = await api("POST", `/api/experiments/${done.id}/solutions`, { solutions: [{ genome: { a: 1, b: -1, label: "hand" } }] });
    expect(late.status).toBe(409);
    const live = await api("POST", "/api/experiments", {
      name: "json genomes, submissions",
      domain: { type: "javascript", code: evaluate, seeds: [{ a: 0, b: 0, label: "s" }] },
      emitter: { type: "javascript-mutation", code: mutate },
      descriptors: AB,
      batchSize: 5,
      budget: { evaluations: 40 },
      maxInFlight: 1,
      start: true,
    });
    expect(live.status).toBe(201);
    const sub = await api("POST", `/api/experiments/${live.body.id}/solutions`, { solutions: [{ genome: { a: 1, b: -1, label: "hand" } }, { genome: { wrong: true } }], idempotencyKey: "hand-1" });
    expect(sub.status, JSON.stringify(sub.body)).toBe(202);
    expect(sub.body.candidates).toHaveLength(2);
    const [good, bad] = sub.body.candidates;
    const evaluated = await waitFor(async () => {
      const r = await api("GET", `/api/solutions/${good.id}`);
      return r.status === 200 ? r.body : null;
    }, POLL_CEILING_MS, "submitted genome to be evaluated");
    expect(evaluated).toMatchObject({ status: "evaluated", fitness: 0, operator: "submitted", genome: { a: 1, b: -1, label: "hand" } });
    const rejected = await api("GET", `/api/solutions/${bad.id}`);
    expect(rejected.body).toMatchObject({ status: "failed", error: expect.stringMatching(/no a in/) });
    const again = await api("POST", `/api/experiments/${live.body.id}/solutions`, { solutions: [{ genome: { a: 1, b: -1, label: "hand" } }, { genome: { wrong: true } }], idempotencyKey: "hand-1" });
    expect(again.body.duplicate).toBe(true);
  }, TEST_CEILING_MS);

  it("rejects malformed requests with the API's error shape", async () => {
    const bad = async (path: string, status: number, issuePath?: string) => {
      const res = await api("GET", path);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(status);
      expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      if (issuePath) expect(res.body.error.issues.some((i: any) => i.path === issuePath || i.path.startsWith(`${issuePath}[`))).toBe(true);
      return res.body.error;
    };
    const base = `/api/experiments/${run.id}`;
    expect((await bad(`${base}/solutions?status=pending`, 400, "query.status")).message).toMatch(/evaluated or failed or invalid/);
    await bad(`${base}/solutions?limit=0`, 400, "query.limit");
    await bad(`${base}/solutions?limit=201`, 400, "query.limit");
    await bad(`${base}/solutions?limit=abc`, 400, "query.limit");
    await bad(`${base}/solutions?limit=1&limit=2`, 400, "query.limit");
    await bad(`${base}/solutions?cursor=not-a-cursor`, 400, "query.cursor");
    await bad(`${base}/solutions?sort=asc`, 400);
    await bad(`${base}/metrics/keys?x=1`, 400);
    await bad(`/api/experiments/00000000-0000-4000-8000-000000000000/solutions`, 404);
    await bad(`/api/experiments/00000000-0000-4000-8000-000000000000/metrics/keys`, 404);
    await bad(`/api/experiments/nope/solutions`, 404);
    await bad(`/api/experiments/nope/metrics/keys`, 404);
    const post = await api("POST", `${base}/metrics/keys`, {});
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toContain("GET");
    expect((await api("DELETE", `${base}/solutions`)).headers.get("allow")).toMatch(/GET.*POST|POST.*GET/);
  });

  it("documents both endpoints in the OpenAPI document", async () => {
    const doc = await api("GET", "/api/openapi.json");
    expect(doc.body.paths["/api/experiments/{id}/solutions"].get.operationId).toBe("listSolutions");
    expect(doc.body.paths["/api/experiments/{id}/solutions"].get.parameters.map((p: any) => p.name)).toEqual(["id", "status", "limit", "cursor"]);
    expect(doc.body.paths["/api/experiments/{id}/metrics/keys"].get.operationId).toBe("getMetricKeys");
  });
});
