import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalise } from "@/lib/dedupe/normalise";
import { checkAndRegister, prepareCandidate } from "@/lib/dedupe/index-store";
import type { DedupeSettings } from "@/lib/dedupe/settings";
import { createTestStack, waitFor, type TestStack, POLL_CEILING_MS, TEST_CEILING_MS } from "../helpers/stack";
import { startApiServer, type ApiServer } from "../helpers/server";
import { reply, startOpenAIMock, type OpenAIMock } from "../helpers/openai-mock";
import { dedupeRound, duplicateReason } from "@/lib/dedupe/round";
import { createLlmClient } from "@/lib/llm/client";
import { standinFitness, standinScript, standinTask } from "../helpers/standin-model";

/**
 * Duplicate rejection end to end: REST API, two worker processes, PostgreSQL, Redis, and the
 * stand-in model (which repeats a share of its answers with cosmetic changes) behind the local
 * OpenAI-compatible server, with its embeddings endpoint for the embeddings mode.
 */
const PRICES = { "mock-model": { prompt: 2, completion: 8 } };

let stack: TestStack;
let server: ApiServer;
const mocks: OpenAIMock[] = [];

async function api(method: string, pathname: string, body?: unknown) {
  const res = await server.fetch(pathname, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const run = (mock: OpenAIMock, dedupe: Record<string, unknown> | undefined, over: Record<string, unknown> = {}) => ({
  name: "dedupe run",
  domain: { type: "javascript", code: standinTask.evaluatorCode, seeds: standinTask.seeds, description: standinTask.description },
  descriptors: standinTask.descriptors,
  emitter: { type: "llm", baseURL: mock.baseURL, model: "mock-model", prices: PRICES, maxRetries: 1, retryBaseMs: 50, timeoutMs: 5000, ...(dedupe ? { dedupe } : {}) },
  batchSize: 4,
  maxInFlight: 2,
  budget: { evaluations: 40 },
  keepAllSolutions: true,
  seed: 11,
  start: true,
  ...over,
});

async function finished(id: string) {
  return waitFor(async () => {
    const e = await api("GET", `/api/experiments/${id}`);
    return ["completed", "failed", "paused"].includes(e.body.status) ? e.body : null;
  }, POLL_CEILING_MS, `experiment ${id} to finish`);
}

/** Every stored solution of a run, through the paged REST listing. */
async function solutions(id: string) {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await api("GET", `/api/experiments/${id}/solutions?limit=200${cursor ? `&cursor=${cursor}` : ""}`);
    expect(page.status).toBe(200);
    out.push(...page.body.solutions);
    cursor = page.body.nextCursor;
  } while (cursor);
  return out;
}

beforeAll(async () => {
  stack = await createTestStack();
  stack.startWorker();
  stack.startWorker();
  server = await startApiServer(stack.env);
}, TEST_CEILING_MS);

afterAll(async () => {
  await server?.stop();
  await stack?.stop();
  await Promise.all(mocks.map((m) => m.close()));
});

describe("duplicate rejection over REST", () => {
  it("is on by default (exact + MinHash): repeats are stored as duplicates with their cost, never evaluated, and the run ends at exactly its budget", async () => {
    const script = standinScript({ "mock-model": { improveRate: 0.6, repeatShare: 0.3, cosmeticRepeats: true } }, { seed: 7 });
    const mock = await startOpenAIMock(script);
    mocks.push(mock);
    const created = await api("POST", "/api/experiments", run(mock, undefined));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const done = await finished(created.body.id);
    expect(done.status, done.statusReason ?? "").toBe("completed");
    expect(done.evaluations).toBe(40);

    const all = await solutions(done.id);
    const dupes = all.filter((s) => s.status === "duplicate");
    const evaluated = all.filter((s) => s.status !== "duplicate");
    expect(evaluated).toHaveLength(40);
    expect(dupes.length).toBeGreaterThan(0);
    expect(done.duplicates).toBe(dupes.length);
    // One model call per stored candidate: the 38 children and every rejected repeat (seeds are free).
    expect(mock.completions.length).toBe(38 + dupes.length);
    expect(script.stats["mock-model"]!.repeats).toBeGreaterThanOrEqual(dupes.length);

    const byId = new Map(all.map((s) => [s.id, s]));
    for (const d of dupes) {
      const full = (await api("GET", `/api/solutions/${d.id}`)).body;
      expect(full).toMatchObject({ status: "duplicate", fitness: null, model: "mock-model", error: expect.stringMatching(/^duplicate of /) });
      expect(full.costUsd).toBeGreaterThan(0);
      const original = byId.get(full.duplicateOf);
      expect(original, `the original ${full.duplicateOf} is stored`).toBeDefined();
      expect(original.status).not.toBe("duplicate");
      const a = normalise(full.genome, "auto");
      const b = normalise((await api("GET", `/api/solutions/${original.id}`)).body.genome, "auto");
      if (full.similarity === 1) expect(a).toBe(b);
      else expect(full.similarity).toBeGreaterThanOrEqual(0.9);
    }
    // Nothing equal after normalisation was evaluated twice, unless its slot ran out of re-proposals
    // (then every copy but the first says so in its logs).
    const groups = new Map<string, { logs: string }[]>();
    for (const s of evaluated) {
      const full = (await api("GET", `/api/solutions/${s.id}`)).body;
      // Programs only: an invalid candidate (a provider timeout under load, an unusable reply) has none to compare.
      if (full.status === "invalid" || typeof full.genome !== "string") continue;
      const key = normalise(full.genome, "auto");
      groups.set(key, [...(groups.get(key) ?? []), { logs: full.logs ?? "" }]);
    }
    for (const copies of groups.values()) expect(copies.filter((c) => /evaluated anyway/.test(c.logs)).length).toBeGreaterThanOrEqual(copies.length - 1);

    // Their tokens and cost are in the run's totals; the budget report shows the rate per model.
    const stored = await Promise.all(all.map(async (s) => (await api("GET", `/api/solutions/${s.id}`)).body.costUsd ?? 0));
    expect(done.usage.costUsd).toBeCloseTo(stored.reduce((a: number, c: number) => a + c, 0), 10);
    const budget = (await api("GET", `/api/experiments/${done.id}/budget`)).body;
    expect(budget.duplicates).toBe(dupes.length);
    expect(budget.outcomes.duplicate).toBe(dupes.length);
    const model = budget.byModel.find((g: any) => g.key === "mock-model");
    expect(model).toMatchObject({ duplicates: dupes.length, evaluations: 38 });
    expect(model.duplicateRate).toBeCloseTo(dupes.length / (38 + dupes.length), 12);
    const listed = await api("GET", `/api/experiments/${done.id}/solutions?status=duplicate`);
    expect(listed.body.solutions).toHaveLength(dupes.length);
    expect(listed.body.solutions[0]).toMatchObject({ status: "duplicate", duplicateOf: expect.any(String), similarity: expect.any(Number) });
  }, TEST_CEILING_MS);

  it("embeddings mode asks the /v1/embeddings endpoint and rejects near-duplicates by cosine; mode off evaluates repeats", async () => {
    const script = standinScript({ "mock-model": { improveRate: 0.6, repeatShare: 0.3, cosmeticRepeats: true } }, { seed: 8 });
    const mock = await startOpenAIMock(script);
    mocks.push(mock);
    const created = await api("POST", "/api/experiments", run(mock, { mode: "embeddings", embeddings: { baseURL: mock.baseURL, model: "mock-embedding" } }, { budget: { evaluations: 30 } }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.config.emitter.dedupe).toMatchObject({ mode: "embeddings", maxResamples: 3, embeddings: { model: "mock-embedding" } });
    const done = await finished(created.body.id);
    expect(done.status, done.statusReason ?? "").toBe("completed");
    expect(done.evaluations).toBe(30);
    expect(mock.embeddings.length).toBeGreaterThan(0);
    expect(mock.embeddings[0]!.body).toMatchObject({ model: "mock-embedding", input: expect.any(Array) });
    const all = await solutions(done.id);
    const dupes = all.filter((s) => s.status === "duplicate");
    expect(dupes.length).toBeGreaterThan(0);
    expect(all.filter((s) => s.status !== "duplicate")).toHaveLength(30);
    for (const d of dupes) expect(d.similarity).toBeGreaterThanOrEqual(0.99);

    const offMock = await startOpenAIMock(standinScript({ "mock-model": { improveRate: 0.6, repeatShare: 0.4 } }, { seed: 9 }));
    mocks.push(offMock);
    const off = await api("POST", "/api/experiments", run(offMock, { mode: "off" }, { budget: { evaluations: 20 } }));
    const offDone = await finished(off.body.id);
    expect(offDone).toMatchObject({ status: "completed", evaluations: 20, duplicates: 0 });
    expect(offMock.completions.length).toBe(18);
    expect(offMock.embeddings.length).toBe(0);
  }, TEST_CEILING_MS);

  it("programs submitted over REST go through the same check: a repeat of a stored or same-request program is stored as a duplicate, never evaluated", async () => {
    const mock = await startOpenAIMock(standinScript({ "mock-model": { improveRate: 0.5 } }, { seed: 3 }));
    mocks.push(mock);
    // A long run, so it is still running when the programs are submitted (cancelled at the end).
    const created = await api("POST", "/api/experiments", run(mock, undefined, { budget: { evaluations: 5000 }, maxInFlight: 1 }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const seeds = await waitFor(async () => {
      const rows = await stack.prisma.solution.findMany({ where: { experimentId: id, operator: "seed" } });
      return rows.length === standinTask.seeds.length ? rows : null;
    }, POLL_CEILING_MS, "the seeds to be evaluated");
    const seed0 = seeds.find((s) => s.genomeText === standinTask.seeds[0])!;
    const fresh = "// submitted by hand\nconst PARAMS = [0.91, -0.93, 0.95, -0.97];\n";
    const sent = await api("POST", `/api/experiments/${id}/solutions`, {
      solutions: [{ genome: `${standinTask.seeds[0]!.replace("\n", "   \n")}\n\n` }, { genome: fresh }, { genome: fresh.replace("by hand", "again") }],
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const [a, b, c] = sent.body.candidates;
    expect(a).toMatchObject({ status: "duplicate", duplicateOf: seed0.id, similarity: 1 });
    expect(b.status).toBeUndefined();
    expect(c).toMatchObject({ status: "duplicate", duplicateOf: b.id, similarity: 1 });
    // Stored as duplicates (not evaluated, not counted), the fresh one evaluated.
    const rows = await waitFor(async () => {
      const r = await stack.prisma.solution.findMany({ where: { id: { in: [a.id, b.id, c.id] } } });
      return r.length === 3 ? r : null;
    }, POLL_CEILING_MS, "the submitted programs to be committed");
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(a.id)).toMatchObject({ status: "duplicate", duplicateOf: seed0.id, similarity: 1, fitness: null, operator: "submitted" });
    expect(byId.get(c.id)).toMatchObject({ status: "duplicate", duplicateOf: b.id, fitness: null });
    expect(byId.get(b.id)!.status).toBe("evaluated");
    expect(byId.get(b.id)!.fitness).toBeCloseTo(standinFitness(fresh)!.fitness, 9);
    // Submitted again in a later request: still a repeat of the stored one.
    const again = await api("POST", `/api/experiments/${id}/solutions`, { solutions: [{ genome: fresh }] });
    expect(again.body.candidates[0]).toMatchObject({ status: "duplicate", duplicateOf: b.id });
    expect((await api("POST", `/api/experiments/${id}/cancel`)).status).toBe(200);
  }, TEST_CEILING_MS);

  it("refuses a bad dedupe setting with a 400 naming the field", async () => {
    const mock = await startOpenAIMock([]);
    mocks.push(mock);
    const noEndpoint = await api("POST", "/api/experiments", run(mock, { mode: "embeddings" }, { start: false }));
    expect(noEndpoint.status).toBe(400);
    expect(JSON.stringify(noEndpoint.body.error.issues)).toMatch(/emitter\.dedupe\.embeddings/);
    const threshold = await api("POST", "/api/experiments", run(mock, { mode: "minhash", threshold: 1.5 }, { start: false }));
    expect(threshold.status).toBe(400);
    expect(threshold.body.error.issues[0]).toMatchObject({ path: "body.emitter.dedupe.threshold", message: "dedupe.threshold must be in (0, 1]" });
    const mode = await api("POST", "/api/experiments", run(mock, { mode: "fuzzy" }, { start: false }));
    expect(mode.status).toBe(400);
    expect(mode.body.error.issues[0].path).toBe("body.emitter.dedupe.mode");
  });
});

describe("the duplicate index in PostgreSQL", () => {
  const settings: DedupeSettings = { mode: "minhash", threshold: 0.9, language: "javascript", maxResamples: 3 };
  const experiment = () =>
    stack.prisma.experiment.create({ data: { name: "index", config: {}, domainType: "javascript", archiveType: "grid", emitterType: "llm", seed: 0, batchSize: 1, budgetEvaluations: 1, cells: 1 } });
  const program = (k: number, extra = "") =>
    `function score(x) {\n${Array.from({ length: 30 }, (_, i) => `  let v${i} = Math.sin(x * ${((k * 31 + i * 7) % 97) / 10}) + v${Math.max(0, i - 1)};`).join("\n")}\n  return v29;${extra}\n}`;

  it("lets exactly one of many concurrent identical proposals through", async () => {
    const { id } = await experiment();
    const text = program(1);
    const verdicts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => checkAndRegister(stack.prisma, id, settings, [prepareCandidate(crypto.randomUUID(), i % 2 ? `// copy ${i}\n${text}` : text, settings)])),
    );
    const admitted = verdicts.filter(([v]) => v === null);
    expect(admitted).toHaveLength(1);
    const entries = await stack.prisma.dedupeEntry.findMany({ where: { experimentId: id } });
    expect(entries).toHaveLength(1);
    for (const [v] of verdicts) if (v) expect(v).toEqual({ of: entries[0]!.solutionId, similarity: 1, method: "exact" });
  });

  it("near-duplicates by MinHash (same tokens, moved or re-punctuated); a changed constant or word is a new program; a retried candidate does not match itself", async () => {
    const { id } = await experiment();
    const first = prepareCandidate(crypto.randomUUID(), program(2), settings);
    expect(await checkAndRegister(stack.prisma, id, settings, [first])).toEqual([null]);
    // Two lines swapped and a pair of brackets added: similar, same words, numbers and operators.
    const lines = program(2).split("\n");
    [lines[6], lines[7]] = [lines[7]!, lines[6]!];
    const moved = lines.join("\n").replace("return v29;", "return (v29);");
    const [near] = await checkAndRegister(stack.prisma, id, settings, [prepareCandidate(crypto.randomUUID(), moved, settings)]);
    expect(near).toMatchObject({ of: first.id, method: "minhash" });
    expect(near!.similarity).toBeGreaterThanOrEqual(0.9);
    expect(near!.similarity).toBeLessThan(1);
    // One constant changed, or one function swapped: as similar, but different programs.
    const tweaked = program(2).replace(/Math\.sin\(x \* ([\d.]+)\)/, "Math.sin(x * 9.99)");
    const swapped = program(2).replace("Math.sin", "Math.tan");
    expect(await checkAndRegister(stack.prisma, id, settings, [prepareCandidate(crypto.randomUUID(), tweaked, settings)])).toEqual([null]);
    expect(await checkAndRegister(stack.prisma, id, settings, [prepareCandidate(crypto.randomUUID(), swapped, settings)])).toEqual([null]);
    // Unrelated: admitted. The same id checked again (a retried job): not a duplicate of itself.
    expect(await checkAndRegister(stack.prisma, id, settings, [prepareCandidate(crypto.randomUUID(), program(50), settings)])).toEqual([null]);
    expect(await checkAndRegister(stack.prisma, id, settings, [prepareCandidate(first.id, program(2), settings)])).toEqual([null]);
    // Within one round, the second of two equal proposals is the duplicate of the first.
    const a = prepareCandidate(crypto.randomUUID(), program(60), settings);
    const b = prepareCandidate(crypto.randomUUID(), program(60, " // same"), settings);
    expect(await checkAndRegister(stack.prisma, id, settings, [a, b])).toEqual([null, { of: a.id, similarity: 1, method: "exact" }]);
  });

  it("the novelty judge decides the borderline band: 'not meaningfully different' is a duplicate (with the verdict and its cost), 'different' is admitted", async () => {
    const { id } = await experiment();
    const mock = await startOpenAIMock([
      reply.text('{"different": false, "reason": "the same loop with two lines swapped"}', { promptTokens: 900, completionTokens: 15 }),
      reply.text('{"different": true, "reason": "a new idea"}', { promptTokens: 900, completionTokens: 12 }),
    ]);
    mocks.push(mock);
    const client = createLlmClient({ baseURL: mock.baseURL, model: "mock-model", prices: PRICES, retryBaseMs: 5, timeoutMs: 5000 });
    // Threshold 0.99: moved lines and added brackets (similarity ≈ 0.9) are no duplicate by MinHash alone, but in the band [0.5, 0.99).
    const judged: DedupeSettings = { ...settings, threshold: 0.99, judge: { lower: 0.5 } };
    const original = { id: crypto.randomUUID(), genome: program(3), parentIds: [] };
    expect((await dedupeRound(stack.prisma, id, judged, [original], [], undefined, client)).verdicts).toEqual([null]);
    // The judge is shown the stored program (its Solution row).
    await stack.prisma.solution.create({ data: { id: original.id, experimentId: id, genomeKind: "code", genomeText: original.genome, operator: "seed" } });
    expect(mock.completions).toHaveLength(0); // nothing similar stored: no judge call
    const moved = (a: number, b: number) => {
      const lines = program(3).split("\n");
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      [lines[a + 12], lines[b + 12]] = [lines[b + 12]!, lines[a + 12]!];
      return { id: crypto.randomUUID(), genome: lines.join("\n").replace("return v29;", "return (v29);"), parentIds: [], extras: { promptTokens: 100, costUsd: 0.001 } };
    };
    const same = moved(6, 7);
    const [dup] = (await dedupeRound(stack.prisma, id, judged, [same], [], undefined, client)).verdicts;
    expect(dup).toMatchObject({ of: original.id, method: "minhash", judge: "not meaningfully different: the same loop with two lines swapped" });
    expect(dup!.similarity).toBeGreaterThanOrEqual(0.5);
    expect(dup!.similarity).toBeLessThan(0.99);
    expect(duplicateReason(dup!)).toMatch(/novelty judge: not meaningfully different/);
    expect(same.extras).toMatchObject({ promptTokens: 1000, completionTokens: 15 });
    expect(same.extras.costUsd).toBeCloseTo(0.001 + (900 * 2 + 15 * 8) / 1e6, 12);
    expect(JSON.stringify(mock.completions[0]!.body.messages)).toContain("meaningfully different");
    // The rejected one left the index; the judged-different one stays in it.
    const other = moved(2, 3);
    expect((await dedupeRound(stack.prisma, id, judged, [other], [], undefined, client)).verdicts).toEqual([null]);
    expect((other.extras as { logs?: string }).logs).toMatch(/novelty judge \(mock-model\) on minhash similarity 0\.\d+ to .*: different — a new idea/);
    const entries = (await stack.prisma.dedupeEntry.findMany({ where: { experimentId: id } })).map((e) => e.solutionId).sort();
    expect(entries).toEqual([original.id, other.id].sort());
    // Without a judge setting, the band is not asked about.
    const { id: id2 } = await experiment();
    const plain = { ...settings, threshold: 0.99 };
    await dedupeRound(stack.prisma, id2, plain, [{ ...original, id: crypto.randomUUID() }], [], undefined, client);
    expect((await dedupeRound(stack.prisma, id2, plain, [moved(6, 7)], [], undefined, client)).verdicts).toEqual([null]);
    expect(mock.completions).toHaveLength(2);
  });
});
