// Islands end to end through the REST API: separate archives per island in one experiment, migration
// rounds counted exactly once with two workers, the union archive equal to the best per cell over the
// islands, a new island on stagnation, and the budget exact.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestStack, waitFor, POLL_CEILING_MS, TEST_CEILING_MS, type TestStack } from "../helpers/stack";
import { startApiServer, type ApiServer } from "../helpers/server";
import { startOpenAIMock, type OpenAIMock } from "../helpers/openai-mock";
import { standinFitness, standinScript, standinTask } from "../helpers/standin-model";

let stack: TestStack;
let server: ApiServer;
const mocks: OpenAIMock[] = [];


async function api<T = any>(method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await server.fetch(pathname, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

interface Columns {
  cell: number[];
  fitness: number[];
  solutionId: string[];
}
type Cells = Map<number, { fitness: number; solutionId: string }>;
const cellsOf = (a: Columns): Cells => new Map(a.cell.map((c, i) => [c, { fitness: a.fitness[i]!, solutionId: a.solutionId[i]! }]));

async function archive(id: string, island?: number): Promise<Cells> {
  const r = await api<{ elites: Columns }>("GET", `/api/experiments/${id}/archive${island === undefined ? "" : `?island=${island}`}`);
  expect(r.status).toBe(200);
  return cellsOf(r.body.elites);
}

/** Creates and starts a run over REST, then waits for it to end. */
async function run(config: Record<string, unknown>) {
  const created = await api<{ id: string }>("POST", "/api/experiments", config);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id;
  expect((await api("POST", `/api/experiments/${id}/start`)).status).toBe(200);
  const done = await waitFor(
    async () => {
      const e = await api<any>("GET", `/api/experiments/${id}`);
      return ["completed", "failed", "paused", "cancelled"].includes(e.body.status) ? e.body : null;
    },
    POLL_CEILING_MS,
    `experiment ${id} to end`,
  );
  return done;
}

async function events(id: string, type: string) {
  const rows = await stack.prisma.experimentEvent.findMany({ where: { experimentId: id, type }, orderBy: { id: "asc" } });
  return rows.map((r) => r.payload as Record<string, any>);
}

beforeAll(async () => {
  stack = await createTestStack();
  server = await startApiServer(stack.env);
  stack.startWorker();
  stack.startWorker();
}, 600_000);

afterAll(async () => {
  await server?.stop();
  await stack?.stop();
  await Promise.all(mocks.map((m) => m.close()));
});

describe("islands", () => {
  it("an LLM run on three islands: per-island archives, ring migration counted exactly, the union is the best per cell", async () => {
    const mock = await startOpenAIMock(standinScript({ "mock-model": { improveRate: 0.7 } }, { seed: 11 }));
    mocks.push(mock);
    const done = await run({
      name: "islands llm",
      domain: { type: "javascript", code: standinTask.evaluatorCode, seeds: standinTask.seeds, description: standinTask.description },
      descriptors: standinTask.descriptors,
      emitter: { type: "llm", baseURL: mock.baseURL, model: "mock-model", mode: "full", maxRetries: 2, retryBaseMs: 50, timeoutMs: 5000 },
      batchSize: 4,
      budget: { evaluations: 48 },
      seed: 5,
      maxInFlight: 3,
      islands: { count: 3, migrationInterval: 12, migrants: 2, topology: "ring" },
    });
    expect(done.status, done.statusReason ?? "").toBe("completed");
    const id = done.id as string;

    // The budget is exact with two workers, and so is the migration count: one round per 12 evaluations.
    expect(done.evaluations).toBe(48);
    const ledger = await stack.prisma.processedBatch.findMany({ where: { experimentId: id } });
    expect(ledger.reduce((n, b) => n + b.evaluations, 0)).toBe(48);
    expect(done.islands).toMatchObject({ count: 3, migrations: 4 });
    const rounds = await events(id, "migration");
    expect(rounds.map((r) => r.round)).toEqual([1, 2, 3, 4]);
    expect(rounds.reduce((n, r) => n + r.accepted, 0)).toBe(done.islands.migrantsAccepted);
    for (const r of rounds) expect(r.offered).toBeLessThanOrEqual(3 * 2); // ring: each island's best 2 go to one neighbour

    const union = await archive(id);
    const islands = [await archive(id, 0), await archive(id, 1), await archive(id, 2)];
    expect(done.islands.perIsland.map((p: { elites: number }) => p.elites)).toEqual(islands.map((i) => i.size));

    // The union archive is the best per cell over the islands, and holds exactly their cells.
    const cells = new Set(islands.flatMap((i) => [...i.keys()]));
    expect(new Set(union.keys())).toEqual(cells);
    for (const [cell, u] of union) {
      const best = Math.max(...islands.map((i) => i.get(cell)?.fitness ?? -Infinity));
      expect(u.fitness).toBe(best);
      expect(islands.some((i) => i.get(cell)?.solutionId === u.solutionId)).toBe(true);
    }
    expect(done.numElites).toBe(union.size);
    expect(done.metrics.maxFitness).toBe(Math.max(...[...union.values()].map((u) => u.fitness)));

    // Every island starts from the seeds and then evolves on its own jobs (round robin).
    const seeds = standinTask.seeds.map((s) => standinFitness(s)!);
    const seedRows = await stack.prisma.solution.findMany({ where: { experimentId: id, operator: "seed" }, select: { id: true, cell: true, genomeText: true } });
    expect(seedRows).toHaveLength(seeds.length);
    for (const island of islands) {
      // (Rows come in no particular order: each seed's own fitness comes from its text.)
      for (const s of seedRows) expect(island.get(s.cell!)!.fitness).toBeGreaterThanOrEqual(standinFitness(s.genomeText!)!.fitness);
      const children = [...island.values()].filter((e) => !seedRows.some((s) => s.id === e.solutionId));
      expect(children.length).toBeGreaterThan(0);
    }
    const signature = (i: Cells) => JSON.stringify([...i].sort((a, b) => a[0] - b[0]).map(([c, e]) => [c, e.solutionId]));
    expect(new Set(islands.map(signature)).size).toBeGreaterThan(1);

    // Whatever an island kept is an elite (of its island) for lineage and the evaluations list.
    const kept = [...new Set(islands.flatMap((i) => [...i.values()].map((e) => e.solutionId)))];
    const flags = await stack.prisma.solution.findMany({ where: { id: { in: kept } }, select: { eliteRevision: true } });
    expect(flags.every((f) => f.eliteRevision !== null)).toBe(true);

    // Where the budget went, per island: every stored candidate counted once, on the island whose job made it
    // (the seeds apart: every island starts from them), and per outcome the same candidates again.
    const budget = await api<any>("GET", `/api/experiments/${id}/budget`);
    expect(budget.status).toBe(200);
    const byIsland = budget.body.byIsland as { key: string; evaluations: number; duplicates: number; costUsd: number; outcomes: Record<string, number> }[];
    expect(byIsland.map((g) => g.key)).toEqual(["seeds", "0", "1", "2"]);
    expect(byIsland[0]!.evaluations).toBe(seeds.length);
    const stored = await stack.prisma.solution.groupBy({ by: ["island"], where: { experimentId: id, status: { not: "pending" } }, _count: true });
    for (const g of byIsland) {
      const row = stored.find((r) => (r.island === null ? "seeds" : String(r.island)) === g.key);
      expect(g.evaluations + g.duplicates, `island ${g.key}`).toBe(row?._count);
      if (g.key !== "seeds") expect(g.evaluations, `island ${g.key} ran jobs`).toBeGreaterThan(0);
    }
    expect(byIsland.reduce((n, g) => n + g.evaluations, 0)).toBe(budget.body.storedEvaluations);
    expect(byIsland.reduce((n, g) => n + g.costUsd, 0)).toBeCloseTo(budget.body.byOperator.reduce((n: number, g: { costUsd: number }) => n + g.costUsd, 0), 9);
    const byOutcome = budget.body.byOutcome as { key: string; evaluations: number; duplicates: number }[];
    for (const g of byOutcome) expect(g.evaluations + g.duplicates, g.key).toBe(g.key === "no_gain" ? budget.body.outcomes.no_gain - budget.body.unstoredNoGain : budget.body.outcomes[g.key]);

    // The phylogeny says which island made each node (seeds: none), for its island filter.
    const tree = await api<{ ids: string[]; island?: (number | null)[]; operators: string[]; operator: number[] }>("GET", `/api/experiments/${id}/phylogeny`);
    expect(tree.status).toBe(200);
    expect(tree.body.island).toHaveLength(tree.body.ids.length);
    tree.body.ids.forEach((_, i) => {
      const isl = tree.body.island![i];
      if (tree.body.operators[tree.body.operator[i]!] === "seed") expect(isl).toBeNull();
      else expect([0, 1, 2]).toContain(isl);
    });

    // An island that does not exist, or a malformed one, is a 400 naming the parameter.
    const missing = await api<{ error: { message: string } }>("GET", `/api/experiments/${id}/archive?island=3`);
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toMatch(/island must be between 0 and 2/);
    const bad = await api("GET", `/api/experiments/${id}/archive?island=first`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/island must be a whole number/);
  }, TEST_CEILING_MS);

  it("a new island when the best fitness stalls, and all-to-all migration, on a vector run", async () => {
    const done = await run({
      name: "islands stagnation",
      // Every candidate scores 1: the best never rises after the first batch, so the run stagnates on schedule.
      domain: { type: "javascript", code: "export function evaluate(x) { return { fitness: 1, descriptors: [x[0], x[1]] }; }", dim: 2, bounds: [-1, 1] },
      descriptors: [
        { name: "a", min: -1, max: 1, bins: 5 },
        { name: "b", min: -1, max: 1, bins: 5 },
      ],
      emitter: { type: "gaussian", sigma: 0.3 },
      batchSize: 4,
      budget: { evaluations: 40 },
      seed: 2,
      maxInFlight: 2,
      islands: { count: 1, migrationInterval: 20, migrants: 3, topology: "all", spawnOnStagnation: { evaluations: 10, maxIslands: 3 } },
    });
    expect(done.status, done.statusReason ?? "").toBe("completed");
    expect(done.evaluations).toBe(40);
    const id = done.id as string;
    // Best set at 4 evaluations; stalls of 10 are reached at 16 and (clock reset) 28; then the cap holds.
    const spawned = await events(id, "island");
    expect(spawned.map((s) => [s.island, s.evaluations])).toEqual([
      [1, 16],
      [2, 28],
    ]);
    expect(done.islands).toMatchObject({ count: 3, migrations: 2 });
    expect((await events(id, "migration")).map((r) => [r.round, r.islands])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    const union = await archive(id);
    const islands = [await archive(id, 0), await archive(id, 1), await archive(id, 2)];
    expect(new Set(union.keys())).toEqual(new Set(islands.flatMap((i) => [...i.keys()])));
    expect((await api("GET", `/api/experiments/${id}/archive?island=3`)).status).toBe(400);
  }, TEST_CEILING_MS);

  it("rejects islands where they cannot work, naming the field", async () => {
    const base = { name: "bad islands", domain: { type: "sphere", dim: 4 }, budget: { evaluations: 100 } };
    const cma = await api("POST", "/api/experiments", { ...base, emitter: { type: "cma-me" }, islands: { count: 2, migrationInterval: 10 } });
    expect(cma.status).toBe(400);
    expect(JSON.stringify(cma.body)).toMatch(/islands are not supported with emitter \\"cma-me\\"/);
    const zero = await api("POST", "/api/experiments", { ...base, islands: { count: 0, migrationInterval: 10 } });
    expect(zero.status).toBe(400);
    expect(JSON.stringify(zero.body)).toMatch(/islands.count must be at least 1/);
    const cap = await api("POST", "/api/experiments", { ...base, islands: { count: 4, migrationInterval: 10, spawnOnStagnation: { evaluations: 5, maxIslands: 2 } } });
    expect(cap.status).toBe(400);
    expect(JSON.stringify(cap.body)).toMatch(/maxIslands must be at least islands.count/);
  });
});
