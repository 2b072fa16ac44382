// The phylogeny and the archive's history, read from a hand-written DAG in the real database:
// GET /api/experiments/:id/phylogeny and GET /api/experiments/:id/history.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestStack, type TestStack } from "../helpers/stack";
import { startApiServer, type ApiServer } from "../helpers/server";

let stack: TestStack;
let server: ApiServer;
let id: string;

async function get<T = any>(pathname: string): Promise<{ status: number; body: T }> {
  const res = await server.fetch(pathname);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/**
 * Seeds s1, s2 → c1 = mutate(s1) → x = crossover(c1, s2) → e1 = mutate(x, with a second parent that was
 * never stored); d = mutate(s1) is a dead end (no elite descends from it). Elites: e1 (cell 5) and c1 (cell 3).
 */
const ids = { s1: randomUUID(), s2: randomUUID(), c1: randomUUID(), x: randomUUID(), d: randomUUID(), e1: randomUUID(), ghost: randomUUID() };
const rows: { key: keyof typeof ids; parents: string[]; op: string; model: string | null; cell: number; fitness: number; rev: number | null; t: number }[] = [
  { key: "s1", parents: [], op: "seed", model: null, cell: 1, fitness: 1, rev: 1, t: 0 },
  { key: "s2", parents: [], op: "seed", model: null, cell: 2, fitness: 2, rev: 1, t: 1 },
  { key: "c1", parents: [ids.s1], op: "llm-diff", model: "m-small", cell: 3, fitness: 3, rev: 2, t: 2 },
  { key: "d", parents: [ids.s1], op: "llm-diff", model: "m-small", cell: 1, fitness: 0.5, rev: null, t: 3 },
  { key: "x", parents: [ids.c1, ids.s2], op: "crossover", model: "m-large", cell: 4, fitness: 4, rev: 3, t: 4 },
  { key: "e1", parents: [ids.x, ids.ghost], op: "llm-full", model: "m-large", cell: 5, fitness: 5, rev: 4, t: 5 },
];

beforeAll(async () => {
  stack = await createTestStack();
  server = await startApiServer(stack.env);
  const res = await server.fetch("/api/experiments", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      name: "phylogeny run",
      domain: { type: "external", dim: 2, bounds: [-1, 1] },
      descriptors: [{ name: "a", min: 0, max: 1, bins: 10 }],
      emitter: { type: "gaussian", sigma: 0.1 },
      batchSize: 10,
      budget: { evaluations: 100 },
      seed: 1,
    }),
  });
  expect(res.status).toBe(201);
  id = ((await res.json()) as { id: string }).id;
  for (const r of rows) {
    await stack.prisma.$executeRawUnsafe(
      `INSERT INTO "Solution" (id, "experimentId", status, "genomeKind", fitness, descriptors, cell, "parentIds", operator, model, "eliteRevision", "createdAt")
       VALUES ($1::uuid, $2::uuid, 'evaluated', 'vector', $3, '{}', $4, $5::uuid[], $6, $7, $8, timestamptz '2026-01-01' + $9 * interval '1 second')`,
      ids[r.key], id, r.fitness, r.cell, r.parents, r.op, r.model, r.rev, r.t,
    );
  }
  for (const [key, cell] of [["e1", 5], ["c1", 3]] as const) {
    await stack.prisma.$executeRawUnsafe(
      `INSERT INTO "Elite" ("experimentId", cell, "solutionId", fitness, descriptors, revision) VALUES ($1::uuid, $2, $3::uuid, $4, '{}', 1)`,
      id, cell, ids[key], rows.find((r) => r.key === key)!.fitness,
    );
  }
}, 300_000);

afterAll(async () => {
  await server?.stop();
  await stack?.stop();
});

describe("GET /api/experiments/:id/phylogeny", () => {
  it("returns every ancestor of the current elites (through both parents of a crossover), in creation order, columnar", async () => {
    const { status, body } = await get(`/api/experiments/${id}/phylogeny`);
    expect(status).toBe(200);
    expect(body.total).toBe(5);
    expect(body.nextOffset).toBeNull();
    expect(body.ids).toEqual([ids.s1, ids.s2, ids.c1, ids.x, ids.e1]); // d leads to no elite
    const parentsOf = (i: number) => body.parents.slice(body.parentStart[i], body.parentStart[i + 1]);
    expect(parentsOf(0)).toEqual([]);
    expect(parentsOf(2)).toEqual([0]);
    expect(parentsOf(3)).toEqual([2, 1]); // first parent first
    expect(parentsOf(4)).toEqual([3, -1]); // a parent that was never stored
    expect(body.elite).toEqual([0, 0, 1, 0, 1]);
    expect(body.cell).toEqual([1, 2, 3, 4, 5]);
    expect(body.fitness).toEqual([1, 2, 3, 4, 5]);
    expect(body.operator.map((o: number) => body.operators[o])).toEqual(["seed", "seed", "llm-diff", "crossover", "llm-full"]);
    expect(body.model.map((m: number) => (m < 0 ? null : body.models[m]))).toEqual([null, null, "m-small", "m-large", "m-large"]);
    expect(body.createdAt[1] - body.createdAt[0]).toBe(1000);
  });

  it("pages with global parent indexes", async () => {
    const { body } = await get(`/api/experiments/${id}/phylogeny?offset=3&limit=1`);
    expect(body.ids).toEqual([ids.x]);
    expect(body.parents).toEqual([2, 1]);
    expect(body.offset).toBe(3);
    expect(body.nextOffset).toBe(4);
  });

  it("follows the elites: a new elite (a new archive revision) brings its ancestry into the tree", async () => {
    expect((await get(`/api/experiments/${id}/phylogeny`)).body.ids).not.toContain(ids.d);
    await stack.prisma.$executeRawUnsafe(
      `INSERT INTO "Elite" ("experimentId", cell, "solutionId", fitness, descriptors, revision) VALUES ($1::uuid, 1, $2::uuid, 0.5, '{}', 5)`,
      id, ids.d,
    );
    await stack.prisma.$executeRawUnsafe(`UPDATE "Experiment" SET "archiveRevision" = 5, "numElites" = 3 WHERE id = $1::uuid`, id);
    const { body } = await get(`/api/experiments/${id}/phylogeny`);
    expect(body.ids).toEqual([ids.s1, ids.s2, ids.c1, ids.d, ids.x, ids.e1]);
    expect(body.elite).toEqual([0, 0, 1, 1, 0, 1]);
    expect(body.parents.slice(body.parentStart[3], body.parentStart[4])).toEqual([0]);
    await stack.prisma.$executeRawUnsafe(`DELETE FROM "Elite" WHERE "experimentId" = $1::uuid AND cell = 1`, id);
    await stack.prisma.$executeRawUnsafe(`UPDATE "Experiment" SET "archiveRevision" = 6, "numElites" = 2 WHERE id = $1::uuid`, id);
  });

  it("rejects a bad page with a located 400 and an unknown experiment with 404", async () => {
    const bad = await get(`/api/experiments/${id}/phylogeny?limit=0`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/limit/);
    const extra = await get(`/api/experiments/${id}/phylogeny?depth=3`);
    expect(extra.status).toBe(400);
    expect((await get(`/api/experiments/${randomUUID()}/phylogeny`)).status).toBe(404);
  });
});

describe("GET /api/experiments/:id/history", () => {
  it("lists the accepted archive writes in revision order, never splitting a revision across pages", async () => {
    const all = await get(`/api/experiments/${id}/history`);
    expect(all.status).toBe(200);
    expect(all.body.cells).toBe(10);
    expect(all.body.revision).toEqual([1, 1, 2, 3, 4]);
    expect(all.body.cell.slice(2)).toEqual([3, 4, 5]);
    expect(all.body.nextAfter).toBeNull();
    expect(all.body.snapshots).not.toBeNull();

    const p1 = await get(`/api/experiments/${id}/history?limit=2`);
    expect(p1.body.revision).toEqual([1, 1]);
    expect(p1.body.nextAfter).toBe(1);
    const p2 = await get(`/api/experiments/${id}/history?after=1&limit=3`);
    expect(p2.body.revision).toEqual([2, 3, 4]);
    expect(p2.body.nextAfter).toBeNull();
    expect(p2.body.snapshots).toBeNull();
    const p3 = await get(`/api/experiments/${id}/history?after=1&limit=2`);
    expect(p3.body.revision).toEqual([2, 3]);
    expect(p3.body.nextAfter).toBe(3);
  });

  it("rejects a bad cursor with a 400 naming it", async () => {
    const bad = await get(`/api/experiments/${id}/history?after=x`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/after/);
  });
});
