// The REST endpoints behind the dashboard's panels: the elite table (sorted, filtered, paged over a
// 10,000-cell archive), notes and tags on experiments with search on the list, and templates.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestStack, type TestStack } from "../helpers/stack";
import { startApiServer, type ApiServer } from "../helpers/server";
import { BudgetReport, ElitePage } from "@/lib/api/responses";

let stack: TestStack;
let server: ApiServer;

async function api<T = any>(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await server.fetch(pathname, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** An ask/tell experiment with a 100 × 100 grid: nothing runs it, the test writes its archive. */
const external = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  domain: { type: "external", dim: 4, bounds: [-1, 1] },
  descriptors: [
    { name: "speed", min: 0, max: 1, bins: 100 },
    { name: "height", min: 0, max: 1, bins: 100 },
  ],
  emitter: { type: "gaussian", sigma: 0.1 },
  batchSize: 10,
  budget: { evaluations: 1000 },
  seed: 1,
  ...extra,
});

/**
 * Fills every one of the 10,000 cells: cell c = i·100 + j has descriptors ((i+0.5)/100, (j+0.5)/100),
 * fitness c/10 (so the best is cell 9,999), operator "mutate" for even cells and "crossover" for odd
 * ones, model "m-large" for multiples of 3 (else "m-small"), created one second apart.
 */
async function fillArchive(id: string) {
  await stack.prisma.$executeRawUnsafe(
    `INSERT INTO "Solution" (id, "experimentId", status, "genomeKind", fitness, descriptors, cell, "parentIds", operator, model, "costUsd", "createdAt")
     SELECT gen_random_uuid(), $1::uuid, 'evaluated', 'vector', g / 10.0, ARRAY[(g / 100 + 0.5) / 100.0, (g % 100 + 0.5) / 100.0], g, '{}',
            CASE WHEN g % 2 = 0 THEN 'mutate' ELSE 'crossover' END, CASE WHEN g % 3 = 0 THEN 'm-large' ELSE 'm-small' END, 0.001,
            timestamptz '2026-01-01' + g * interval '1 second'
       FROM generate_series(0, 9999) g`,
    id,
  );
  await stack.prisma.$executeRawUnsafe(
    `INSERT INTO "Elite" ("experimentId", cell, "solutionId", fitness, descriptors, revision)
     SELECT "experimentId", cell, id, fitness, descriptors, 1 FROM "Solution" WHERE "experimentId" = $1::uuid`,
    id,
  );
  await stack.prisma.experiment.update({ where: { id }, data: { numElites: 10_000 } });
}

beforeAll(async () => {
  stack = await createTestStack();
  server = await startApiServer(stack.env);
}, 300_000);

afterAll(async () => {
  await server?.stop();
  await stack?.stop();
});

describe("elite table: GET /api/experiments/:id/elites", () => {
  let id: string;
  beforeAll(async () => {
    const created = await api("POST", "/api/experiments", external("table run"));
    expect(created.status).toBe(201);
    id = created.body.id;
    await fillArchive(id);
  });

  it("pages 10,000 elites, best first by default, with the operator and model of each", async () => {
    const first = await api("GET", `/api/experiments/${id}/elites`);
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(10_000);
    // The body is what its response schema (and so the dashboard's and the Python client's types) says.
    expect(ElitePage.safeParse(first.body).error?.issues ?? []).toEqual([]);
    expect(first.body.descriptorNames).toEqual(["speed", "height"]);
    expect(first.body.elites).toHaveLength(50);
    expect(first.body.elites[0]).toMatchObject({ cell: 9999, fitness: 999.9, operator: "crossover", model: "m-large" });
    expect(first.body.elites[0].descriptors[0]).toBeCloseTo(0.995);
    const fits = first.body.elites.map((e: any) => e.fitness);
    expect([...fits].sort((a, b) => b - a)).toEqual(fits);

    // The last page of 200 holds the 200 worst, and nothing is repeated or lost across pages.
    const last = await api("GET", `/api/experiments/${id}/elites?limit=200&offset=9800`);
    expect(last.body.elites).toHaveLength(200);
    expect(last.body.elites.at(-1).cell).toBe(0);
    const seen = new Set<number>();
    for (let offset = 0; offset < 10_000; offset += 500) {
      const p = await api("GET", `/api/experiments/${id}/elites?sort=cell&order=asc&limit=500&offset=${offset}`);
      p.body.elites.forEach((e: any, i: number) => {
        expect(e.cell).toBe(offset + i);
        seen.add(e.cell);
      });
    }
    expect(seen.size).toBe(10_000);
  });

  it("sorts by a descriptor, the operator or creation time", async () => {
    const byHeight = await api("GET", `/api/experiments/${id}/elites?sort=d1&order=asc&limit=100`);
    const heights = byHeight.body.elites.map((e: any) => e.descriptors[1]);
    expect(heights.every((h: number) => Math.abs(h - 0.005) < 1e-9)).toBe(true); // the 100 lowest are the j = 0 row
    const newest = await api("GET", `/api/experiments/${id}/elites?sort=createdAt&order=desc&limit=1`);
    expect(newest.body.elites[0].cell).toBe(9999);
    const oldest = await api("GET", `/api/experiments/${id}/elites?sort=createdAt&order=asc&limit=1`);
    expect(oldest.body.elites[0].cell).toBe(0);
    const byOp = await api("GET", `/api/experiments/${id}/elites?sort=operator&order=asc&limit=1&offset=4999`);
    expect(byOp.body.elites[0].operator).toBe("crossover");
    const byOp2 = await api("GET", `/api/experiments/${id}/elites?sort=operator&order=asc&limit=1&offset=5000`);
    expect(byOp2.body.elites[0].operator).toBe("mutate");
  });

  it("filters by operator, model, fitness and descriptor ranges (together), and reports the facets", async () => {
    const ops = await api("GET", `/api/experiments/${id}/elites?operator=mutate&limit=500`);
    expect(ops.body.total).toBe(5000);
    expect(ops.body.elites.every((e: any) => e.cell % 2 === 0)).toBe(true);
    expect(ops.body.facets.operator).toEqual(expect.arrayContaining([{ value: "mutate", count: 5000 }, { value: "crossover", count: 5000 }]));
    expect(ops.body.facets.model).toEqual(expect.arrayContaining([{ value: "m-large", count: 3334 }, { value: "m-small", count: 6666 }]));

    const models = await api("GET", `/api/experiments/${id}/elites?model=m-large`);
    expect(models.body.total).toBe(3334);

    const fit = await api("GET", `/api/experiments/${id}/elites?fitnessMin=100&fitnessMax=199.95`);
    expect(fit.body.total).toBe(1000); // cells 1000…1999

    // speed in [0.2, 0.3] is i = 20…29 (the cell centres 0.205…0.295), height in [0, 0.1] is j = 0…9.
    const box = await api("GET", `/api/experiments/${id}/elites?ranges=0:0.2:0.3,1:0:0.1&limit=500`);
    expect(box.body.total).toBe(100);
    for (const e of box.body.elites) {
      expect(e.descriptors[0]).toBeGreaterThanOrEqual(0.2);
      expect(e.descriptors[0]).toBeLessThanOrEqual(0.3);
      expect(e.descriptors[1]).toBeLessThanOrEqual(0.1);
    }
    const all = await api("GET", `/api/experiments/${id}/elites?ranges=0:0.2:0.3,1:0:0.1&operator=mutate&model=m-large`);
    expect(all.body.total).toBe(box.body.elites.filter((e: any) => e.cell % 2 === 0 && e.cell % 3 === 0).length);
  });

  it("rejects what it cannot do with a located 400, and unknown experiments with 404", async () => {
    const cases: [string, string][] = [
      ["sort=name", "query.sort"],
      ["sort=d5", "query.sort"],
      ["order=up", "query.order"],
      ["limit=501", "query.limit"],
      ["offset=-1", "query.offset"],
      ["fitnessMin=abc", "query.fitnessMin"],
      ["ranges=0:1", "query.ranges"],
      ["ranges=0:2:1", "query.ranges"],
      ["ranges=3:0:1", "query.ranges"],
      ["color=red", "query"],
    ];
    for (const [qs, path] of cases) {
      const r = await api("GET", `/api/experiments/${id}/elites?${qs}`);
      expect(r.status, qs).toBe(400);
      expect(JSON.stringify(r.body.error.issues ?? r.body.error), qs).toContain(path.replace(/^query$/, "query"));
    }
    expect((await api("GET", `/api/experiments/00000000-0000-4000-8000-000000000000/elites`)).status).toBe(404);
    expect((await api("POST", `/api/experiments/${id}/elites`, {})).status).toBe(405);
  });
});

describe("notes, tags and search on the experiments list", () => {
  it("stores notes and tags through PATCH, finds runs by tag and by words", async () => {
    const a = (await api("POST", "/api/experiments", external("Sphere baseline A"))).body;
    const b = (await api("POST", "/api/experiments", external("Arm ablation B"))).body;
    expect(a.tags).toEqual([]);

    const patched = await api("PATCH", `/api/experiments/${a.id}`, { notes: "σ = 0.1 worked best; try CMA next", tags: ["Baseline", "sigma-sweep", "baseline"] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ notes: "σ = 0.1 worked best; try CMA next", tags: ["baseline", "sigma-sweep"] });
    await api("PATCH", `/api/experiments/${b.id}`, { tags: ["ablation", "sigma-sweep"] });
    // Stored: a fresh read returns them.
    expect((await api("GET", `/api/experiments/${a.id}`)).body).toMatchObject({ notes: "σ = 0.1 worked best; try CMA next", tags: ["baseline", "sigma-sweep"] });

    const ids = async (qs: string) => ((await api("GET", `/api/experiments?${qs}`)).body.experiments as any[]).map((e) => e.id);
    expect(await ids("tag=sigma-sweep")).toEqual([b.id, a.id]);
    expect(await ids("tag=sigma-sweep,baseline")).toEqual([a.id]);
    expect(await ids("tag=nothing")).toEqual([]);
    expect(await ids("q=ablation")).toEqual([b.id]);
    expect(await ids("q=CMA")).toEqual([a.id]); // found in the notes
    expect(await ids("q=sphere%20baseline")).toEqual([a.id]); // every word must match
    expect((await api("GET", "/api/experiments?tag=sigma-sweep&limit=1")).body.total).toBe(2);

    const tags = await api("GET", "/api/tags");
    expect(tags.body.tags[0]).toEqual({ tag: "sigma-sweep", count: 2 });

    // Validation names the field.
    for (const body of [{ tags: "baseline" }, { tags: ["a,b"] }, { tags: [""] }, { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, { notes: 5 }, {}]) {
      const r = await api("PATCH", `/api/experiments/${a.id}`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect((await api("GET", "/api/experiments?q=" + "x".repeat(201))).status).toBe(400);
  });
});

describe("templates", () => {
  it("saves a validated configuration, lists, loads, refuses a duplicate name unless replace, deletes", async () => {
    const config = external("from a template");
    const saved = await api("POST", "/api/templates", { name: "Ask/tell 100×100", description: "for the Python client", config });
    expect(saved.status).toBe(201);
    expect(saved.body.config).toMatchObject({ name: "from a template", domain: { type: "external", dim: 4 } });
    const id = saved.body.id;

    const dup = await api("POST", "/api/templates", { name: "Ask/tell 100×100", config });
    expect(dup.status).toBe(409);
    const replaced = await api("POST", "/api/templates", { name: "Ask/tell 100×100", description: "for the Python client, seed 9", config: { ...config, seed: 9 }, replace: true });
    expect(replaced.status).toBe(201);
    expect(replaced.body.id).toBe(id);
    expect(replaced.body.config.seed).toBe(9);

    const list = await api("GET", "/api/templates");
    expect(list.body.templates.map((t: any) => t.name)).toContain("Ask/tell 100×100");
    expect((await api("GET", `/api/templates/${id}`)).body).toMatchObject({ name: "Ask/tell 100×100", description: "for the Python client, seed 9" });

    // The configuration is checked like POST /api/experiments, with the path under config.
    const bad = await api("POST", "/api/templates", { name: "broken", config: { ...config, batchSize: 0 } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.issues)).toContain("config.batchSize");

    // A run made from the template's configuration is a normal experiment.
    const run = await api("POST", "/api/experiments", (await api("GET", `/api/templates/${id}`)).body.config);
    expect(run.status).toBe(201);
    expect(run.body.seed).toBe(9);

    expect((await api("DELETE", `/api/templates/${id}`)).status).toBe(204);
    expect((await api("GET", `/api/templates/${id}`)).status).toBe(404);
    expect((await api("DELETE", `/api/templates/${id}`)).status).toBe(404);
  });
});

describe("where the budget went: GET /api/experiments/:id/budget", () => {
  it("adds up evaluations, tokens and cost per model, operator and outcome, over the run, and the evaluation times", async () => {
    const id = (await api("POST", "/api/experiments", external("budget run", { descriptors: [{ name: "x", min: 0, max: 1, bins: 10 }] }))).body.id;
    // Twelve candidates, in this order (cell, outcome):
    //   cell 1: new (gpt-a, $0.01), improved (gpt-b, $0.02), improved (gpt-a, $0.01)
    //   cell 2: new (gpt-b, $0.02)
    //   four no-gain (gpt-a, $0.01 each), two invalid (gpt-b, $0.02 each, no evaluation time), two failed (gpt-a, $0.01 each)
    const rows: [number | null, "evaluated" | "invalid" | "failed", number | null, string, number, string][] = [
      [1, "evaluated", 1, "gpt-a", 0.01, "diff"],
      [1, "evaluated", 2, "gpt-b", 0.02, "full"],
      [2, "evaluated", 3, "gpt-b", 0.02, "full"],
      [1, "evaluated", 4, "gpt-a", 0.01, "diff"],
      [3, "evaluated", null, "gpt-a", 0.01, "diff"],
      [3, "evaluated", null, "gpt-a", 0.01, "diff"],
      [4, "evaluated", null, "gpt-a", 0.01, "diff"],
      [4, "evaluated", null, "gpt-a", 0.01, "diff"],
      [null, "invalid", null, "gpt-b", 0.02, "full"],
      [null, "invalid", null, "gpt-b", 0.02, "full"],
      [null, "failed", null, "gpt-a", 0.01, "diff"],
      [null, "failed", null, "gpt-a", 0.01, "diff"],
    ];
    let i = 0;
    for (const [cell, status, rev, model, cost, operator] of rows) {
      await stack.prisma.$executeRawUnsafe(
        `INSERT INTO "Solution" (id, "experimentId", status, "genomeKind", fitness, descriptors, cell, "parentIds", operator, model, "promptTokens", "completionTokens", "costUsd", "evalMs", "eliteRevision", "createdAt")
         VALUES (gen_random_uuid(), $1::uuid, $2::"SolutionStatus", 'vector', 1, '{}', $3, '{}', $4, $5, 100, 10, $6, $7, $8, timestamptz '2026-01-01' + $9 * interval '1 second')`,
        id,
        status,
        cell,
        operator,
        model,
        cost,
        status === "invalid" ? null : 10 * 10 ** (i / 4), // 10 ms … ~10 s, log-spread
        rev,
        i,
      );
      i++;
    }
    await stack.prisma.experiment.update({ where: { id }, data: { evaluations: 20, costUsd: 0.16, promptTokens: 1200, completionTokens: 120 } });

    const r = await api("GET", `/api/experiments/${id}/budget?buckets=4`);
    // What the dashboard's types are inferred from (lib/api/responses.ts) describes the handler's answer.
    const parsed = BudgetReport.safeParse(r.body);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(r.status).toBe(200);
    const b = r.body;
    // 12 stored + 8 evaluations the run did not store (no gain).
    expect(b).toMatchObject({ evaluations: 20, storedEvaluations: 12, unstoredNoGain: 8, improvements: 4, promptTokens: 1200, completionTokens: 120 });
    expect(b.outcomes).toEqual({ new_cell: 2, improved: 2, no_gain: 12, invalid: 2, failed: 2, duplicate: 0 });
    expect(b).toMatchObject({ duplicates: 0, duplicateRate: 0 });
    expect(b.costUsd).toBeCloseTo(0.16);
    expect(b.costPerImprovement).toBeCloseTo(0.04);

    const byModel = Object.fromEntries(b.byModel.map((g: any) => [g.key, g]));
    expect(byModel["gpt-a"]).toMatchObject({ evaluations: 8, promptTokens: 800, completionTokens: 80, outcomes: { new_cell: 1, improved: 1, no_gain: 4, invalid: 0, failed: 2 } });
    expect(byModel["gpt-a"].costUsd).toBeCloseTo(0.08);
    expect(byModel["gpt-a"].costPerImprovement).toBeCloseTo(0.04);
    expect(byModel["gpt-b"]).toMatchObject({ evaluations: 4, outcomes: { new_cell: 1, improved: 1, no_gain: 0, invalid: 2, failed: 0 } });
    expect(byModel["gpt-b"].costPerImprovement).toBeCloseTo(0.04);
    const byOp = Object.fromEntries(b.byOperator.map((g: any) => [g.key, g]));
    expect(byOp.diff.evaluations).toBe(8);
    expect(byOp.full.evaluations).toBe(4);

    // Four slices of three candidates, in creation order: the first holds two new cells and an improvement.
    expect(b.overEvaluations).toHaveLength(4);
    expect(b.overEvaluations[0].outcomes).toMatchObject({ new_cell: 2, improved: 1 });
    expect(b.overEvaluations[3].outcomes).toMatchObject({ failed: 2 });
    expect(b.overEvaluations.reduce((s: number, x: any) => s + x.evaluations, 0)).toBe(12);

    // Ten timed evaluations (invalid ones have no time), four log bins per decade.
    expect(b.evalTime.count).toBe(10);
    expect(b.evalTime.histogram.reduce((s: number, h: any) => s + h.count, 0)).toBe(10);
    expect(b.evalTime.max).toBeCloseTo(10 * 10 ** (11 / 4));
    for (const h of b.evalTime.histogram) expect(h.toMs / h.fromMs).toBeCloseTo(10 ** 0.25);

    // The same candidates per outcome: what each kind of result cost (no-gain: the stored ones only).
    const byOutcome = Object.fromEntries(b.byOutcome.map((g: any) => [g.key, g]));
    expect(Object.keys(byOutcome)).toEqual(["new_cell", "improved", "no_gain", "invalid", "failed"]);
    expect(byOutcome.new_cell).toMatchObject({ evaluations: 2, promptTokens: 200, completionTokens: 20 });
    expect(byOutcome.new_cell.costUsd).toBeCloseTo(0.03);
    expect(byOutcome.improved.costUsd).toBeCloseTo(0.03);
    expect(byOutcome.no_gain).toMatchObject({ evaluations: 4 });
    expect(byOutcome.no_gain.costUsd).toBeCloseTo(0.04);
    expect(byOutcome.invalid.costUsd).toBeCloseTo(0.04);
    expect(byOutcome.failed.costUsd).toBeCloseTo(0.02);
    // No islands: nothing per island.
    expect(b.byIsland).toEqual([]);
    expect(b.stages).toEqual([]);

    // A cascade evaluator says in metrics.stage how far each candidate got: cell 1's three reached stage 2.
    await stack.prisma.$executeRawUnsafe(
      `UPDATE "Solution" SET metrics = jsonb_build_object('stage', CASE WHEN cell = 1 THEN 2 ELSE 1 END) WHERE "experimentId" = $1::uuid AND status = 'evaluated'`,
      id,
    );
    expect((await api("GET", `/api/experiments/${id}/budget`)).body.stages).toEqual([
      { stage: 1, count: 5 },
      { stage: 2, count: 3 },
    ]);

    expect((await api("GET", `/api/experiments/${id}/budget?buckets=0`)).status).toBe(400);
    expect((await api("GET", `/api/experiments/00000000-0000-4000-8000-000000000000/budget`)).status).toBe(404);
  });
});
