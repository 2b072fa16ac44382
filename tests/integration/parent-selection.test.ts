import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestStack, waitFor, type TestStack, POLL_CEILING_MS, TEST_CEILING_MS } from "../helpers/stack";
import { startApiServer, type ApiServer } from "../helpers/server";
import { reply, startOpenAIMock, type OpenAIMock, type RecordedRequest } from "../helpers/openai-mock";
import { childCounts } from "@/workers/parent-selection";

/**
 * Parent selection and crossover through the REST API: a run is created with a policy and a
 * crossover rate, real workers ask the local OpenAI-compatible server for children, and the stored
 * solutions say which rule chose each parent; crossover children have two parents from different
 * cells, and their prompt shows both.
 */
let stack: TestStack;
let server: ApiServer;
let mock: OpenAIMock;

async function api<T = any>(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await server.fetch(pathname, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

// A text genome "x=0.30 y=0.70": fitness peaks at (0.6, 0.4); the descriptors are x and y.
const EVALUATOR = `function evaluate(t) {
  const x = Number(/x=([-\\d.]+)/.exec(t)[1]), y = Number(/y=([-\\d.]+)/.exec(t)[1]);
  return { fitness: 1 - (x - 0.6) ** 2 - (y - 0.4) ** 2, descriptors: [x, y] };
}`;

const user = (req: RecordedRequest) => String(req.body.messages?.[1]?.content ?? "");
const pointsIn = (s: string) => [...s.matchAll(/x=([-\d.]+) y=([-\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
const clamp = (v: number) => Math.min(0.99, Math.max(0.01, v));

/** Mutation: a step from the parent; crossover: the midpoint of parents A and B, nudged. Deterministic per call. */
function script() {
  let n = 0;
  return (req: RecordedRequest) => {
    const i = n++;
    const prompt = user(req);
    const a = /# Parent text A\n[\s\S]*?```text\n(.*)\n```/.exec(prompt)?.[1];
    const b = /# Parent text B\n[\s\S]*?```text\n(.*)\n```/.exec(prompt)?.[1];
    const single = /# Parent text\n[\s\S]*?```text\n(.*)\n```/.exec(prompt)?.[1];
    const step = (((i * 7919) % 13) - 6) / 40;
    let [x, y] = [0.5, 0.5];
    if (a && b) {
      const [[ax, ay], [bx, by]] = [pointsIn(a)[0]!, pointsIn(b)[0]!];
      [x, y] = [(ax + bx) / 2 + step / 4, (ay + by) / 2 - step / 4];
    } else if (single) {
      const [[px, py]] = [pointsIn(single)[0]!];
      [x, y] = i % 2 ? [px + step, py] : [px, py + step];
    }
    return reply.text(`Here:\n\n\`\`\`text\nx=${clamp(x).toFixed(3)} y=${clamp(y).toFixed(3)}\n\`\`\``);
  };
}

const run = (emitter: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  name: "parent selection",
  domain: { type: "javascript", code: EVALUATOR, description: "Two numbers x and y in (0, 1), written as x=... y=...", seeds: ["x=0.100 y=0.100", "x=0.900 y=0.900", "x=0.100 y=0.900"] },
  descriptors: [
    { name: "x", min: 0, max: 1, bins: 5 },
    { name: "y", min: 0, max: 1, bins: 5 },
  ],
  emitter: { type: "llm", baseURL: mock.baseURL, model: "mock-model", mode: "full", maxRetries: 1, retryBaseMs: 50, ...emitter },
  batchSize: 3,
  budget: { evaluations: 30 },
  maxInFlight: 2,
  seed: 9,
  ...over,
});

beforeAll(async () => {
  stack = await createTestStack();
  mock = await startOpenAIMock(script());
  stack.startWorker();
  server = await startApiServer(stack.env);
}, TEST_CEILING_MS);

afterAll(async () => {
  await server?.stop();
  await stack?.stop();
  await mock?.close();
});

describe("parent selection and crossover over REST", () => {
  it("rejects a bad policy, parameter or crossover rate with a 400 naming the field", async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ parentSelection: { policy: "tournament" } }, "body.emitter.parentSelection.policy", /policy must be one of "uniform", "fitness", "power-law", "dgm", "novelty", "mix"/],
      [{ parentSelection: { policy: "power-law", exponent: 0 } }, "body.emitter.parentSelection.exponent", /exponent must be > 0/],
      [{ parentSelection: { policy: "mix", exploitShare: 1.2 } }, "body.emitter.parentSelection.exploitShare", /exploitShare must be between 0 and 1/],
      [{ parentSelection: { policy: "dgm", exponent: 2 } }, "body.emitter.parentSelection", /exponent/],
      [{ crossoverRate: 1.5 }, "body.emitter.crossoverRate", /crossoverRate must be between 0 and 1/],
      [{ crossoverRate: "half" }, "body.emitter.crossoverRate", /crossoverRate must be a number/],
    ];
    for (const [emitter, path, message] of cases) {
      const r = await api("POST", "/api/experiments", run(emitter));
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      const issues: { path: string; message: string }[] = r.body.error.issues ?? [];
      const text = issues.map((i) => `${i.path}: ${i.message}`).join("\n");
      expect(text).toMatch(message);
      expect(issues.some((i) => i.path.startsWith(path)), `${path} in ${text}`).toBe(true);
    }
  });

  it("stores the policy that chose each parent; crossover children have two parents from different cells, both in the prompt", async () => {
    const created = await api("POST", "/api/experiments", { ...run({ parentSelection: { policy: "dgm" }, crossoverRate: 0.5 }), start: true });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const done = await waitFor(async () => {
      const e = await api("GET", `/api/experiments/${id}`);
      return ["completed", "failed", "paused"].includes(e.body.status) ? e.body : null;
    }, POLL_CEILING_MS, `experiment ${id} to finish`);
    expect(done.status, done.statusReason ?? "").toBe("completed");
    expect(done.config.emitter.parentSelection).toEqual({ policy: "dgm", sharpness: 10 });

    const list = await api("GET", `/api/experiments/${id}/solutions?limit=100`);
    expect(list.status).toBe(200);
    // Duplicate rejection is on: a child equal to a stored program is kept as `duplicate`, beside the 30 evaluated.
    const all = await Promise.all(list.body.solutions.map(async (s: { id: string }) => (await api("GET", `/api/solutions/${s.id}`)).body));
    const solutions = all.filter((s) => s.status !== "duplicate");
    const ids: string[] = solutions.map((s) => s.id);
    expect(ids).toHaveLength(30);
    const byId = new Map(solutions.map((s) => [s.id, s]));

    const seeds = solutions.filter((s) => s.operator === "seed");
    expect(seeds).toHaveLength(3);
    expect(seeds.every((s) => s.selection === null)).toBe(true);
    const children = solutions.filter((s) => s.operator !== "seed");
    for (const c of children) {
      expect(c.selection?.policy, c.id).toBe("dgm");
      expect(c.selection.parents).toHaveLength(c.parentIds.length);
      for (const p of c.selection.parents) {
        expect(["dgm", "seed"]).toContain(p.policy);
        expect(p.p).toBeGreaterThan(0);
        expect(p.p).toBeLessThanOrEqual(1);
      }
    }

    const crossed = children.filter((s) => s.selection.crossover);
    const mutated = children.filter((s) => !s.selection.crossover);
    expect(crossed.length).toBeGreaterThan(0);
    expect(mutated.length).toBeGreaterThan(0);
    for (const c of mutated) expect(c.parentIds).toHaveLength(1);
    for (const c of crossed) {
      expect(c.operator).toBe("llm-crossover");
      expect(c.parentIds).toHaveLength(2);
      const [a, b] = c.parentIds.map((p: string) => byId.get(p));
      expect(a && b, "both parents are stored").toBeTruthy();
      expect(a.cell).not.toBe(b.cell);
      // The prompt shows both parents, A then B, and asks to combine them.
      expect(c.prompt).toContain(`# Parent text A`);
      expect(c.prompt).toContain(a.genome);
      expect(c.prompt).toContain(`# Parent text B`);
      expect(c.prompt).toContain(b.genome);
      expect(c.prompt).toMatch(/combines their strengths/);
    }
    // Every crossover prompt the model saw is one of these children.
    const crossoverCalls = mock.completions.filter((r) => /# Parent text B/.test(user(r)));
    expect(crossoverCalls.length).toBeGreaterThanOrEqual(crossed.length);

    // DGM's children per parent, as the workers count them in SQL, match the stored parentIds.
    const expected = new Map<string, number>();
    // (Rejected duplicates were children too: DGM counts every attempt on a parent.)
    for (const s of all) for (const p of s.parentIds as string[]) expected.set(p, (expected.get(p) ?? 0) + 1);
    const counted = await childCounts(stack.prisma, id, ids);
    expect(Object.fromEntries([...counted].sort())).toEqual(Object.fromEntries([...expected].filter(([p]) => ids.includes(p)).sort()));
    expect([...counted.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(children.length / 2);

    // The lineage endpoint carries the selection of each step.
    const lineage = await api("GET", `/api/solutions/${crossed[0]!.id}/lineage`);
    expect(lineage.status).toBe(200);
    expect(lineage.body.steps[0].selection).toEqual(crossed[0]!.selection);
    expect(lineage.body.steps[0].parentIds).toEqual(crossed[0]!.parentIds);
  }, TEST_CEILING_MS);

  it("mix records which branch chose each parent", async () => {
    const created = await api("POST", "/api/experiments", { ...run({ parentSelection: { policy: "mix", exploitShare: 0.5, exponent: 2 } }, { budget: { evaluations: 18 } }), start: true });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    await waitFor(async () => ((await api("GET", `/api/experiments/${id}`)).body.status === "completed" ? true : null), POLL_CEILING_MS, `experiment ${id} to complete`);
    const list = await api("GET", `/api/experiments/${id}/solutions?limit=100`);
    const details = await Promise.all(list.body.solutions.map(async (s: { id: string }) => (await api("GET", `/api/solutions/${s.id}`)).body));
    const rules = new Set(details.filter((s) => s.operator !== "seed").flatMap((s) => s.selection.parents.map((p: { policy: string }) => p.policy)));
    expect([...rules].every((r) => ["mix/exploit", "mix/explore", "seed"].includes(r))).toBe(true);
    expect(rules.has("mix/exploit") || rules.has("mix/explore")).toBe(true);
    expect(details.every((s) => s.operator === "seed" || (s.selection.policy === "mix" && !s.selection.crossover))).toBe(true);
  }, TEST_CEILING_MS);
});
