import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestStack, waitFor, type TestStack, POLL_CEILING_MS, TEST_CEILING_MS } from "../helpers/stack";
import { startApiServer, type ApiServer } from "../helpers/server";
import { startOpenAIMock, type OpenAIMock, type RecordedRequest } from "../helpers/openai-mock";
import { standinScript, standinTask } from "../helpers/standin-model";
import { ModelsReport } from "@/lib/api/responses";

/**
 * Model ensembles and the best-of-N baseline, end to end through REST: real workers, PostgreSQL and
 * Redis, and local OpenAI-compatible servers answering as the deterministic stand-in model.
 */
let stack: TestStack;
let server: ApiServer;
const mocks: OpenAIMock[] = [];

async function api<T = any>(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await server.fetch(pathname, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

async function runToEnd(config: Record<string, unknown>) {
  const created = await api("POST", "/api/experiments", { ...config, start: true });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return waitFor(async () => {
    const e = await api("GET", `/api/experiments/${created.body.id}`);
    return ["completed", "paused", "failed"].includes(e.body.status) ? e.body : null;
  }, POLL_CEILING_MS, `experiment ${created.body.id} to finish`);
}

async function mock(script: Parameters<typeof startOpenAIMock>[0]) {
  const m = await startOpenAIMock(script);
  mocks.push(m);
  return m;
}

const standinRun = (name: string, emitter: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  name,
  domain: { type: "javascript", code: standinTask.evaluatorCode, seeds: standinTask.seeds, description: standinTask.description },
  descriptors: standinTask.descriptors,
  batchSize: 4,
  maxInFlight: 2,
  budget: { evaluations: 40 },
  seed: 5,
  ...over,
  emitter: { type: "llm", mode: "full", maxRetries: 1, retryBaseMs: 50, timeoutMs: 10_000, ...emitter },
});

const userPrompt = (r: RecordedRequest) => String(r.body.messages?.find((m: { role: string }) => m.role === "user")?.content ?? "");

beforeAll(async () => {
  stack = await createTestStack();
  stack.startWorker({ QD_LLM_WATCH_MS: "300" });
  server = await startApiServer(stack.env);
}, TEST_CEILING_MS);

afterAll(async () => {
  await server?.stop();
  await stack?.stop();
  await Promise.all(mocks.map((m) => m.close()));
});

describe("model ensembles and best-of-N over REST", () => {
  it("refuses ensembles it cannot run, naming the field", async () => {
    const bad = async (emitter: Record<string, unknown>) => {
      const r = await api("POST", "/api/experiments", standinRun("bad", { baseURL: "http://127.0.0.1:9/v1", ...emitter }));
      expect(r.status).toBe(400);
      return String(r.body.error.message);
    };
    expect(await bad({ models: [{ model: "a" }, { model: "a", baseURL: "http://127.0.0.1:8/v1" }] })).toMatch(/models\[1\]\.model "a" repeats models\[0\]/);
    expect(await bad({ model: "a", modelSelection: "greedy" })).toMatch(/modelSelection must be one of "fixed", "ucb", "thompson"/);
    expect(await bad({ model: "a", strategy: "random" })).toMatch(/strategy must be one of "evolve", "best-of-n"/);
    expect(await bad({ models: [{ model: "a", baseURL: "file:///etc/passwd" }] })).toMatch(/models\[\]\.baseURL must be an http\(s\) URL/);
    expect(await bad({ models: [{ model: "a", apiKeyEnv: "DATABASE_URL" }] })).toMatch(/apiKeyEnv must name/);
  });

  it("each model's calls go to its own baseURL; GET /models counts calls, cost and gains per model", async () => {
    const a = await mock(standinScript({ "model-a": { improveRate: 0.5 } }, { seed: 1 }));
    const b = await mock(standinScript({ "model-b": { improveRate: 0.5 } }, { seed: 2 }));
    const run = await runToEnd(
      standinRun("two providers", {
        baseURL: a.baseURL,
        models: [{ model: "model-a", weight: 1 }, { model: "model-b", baseURL: b.baseURL, weight: 1 }],
        prices: { "model-a": { prompt: 1, completion: 2 }, "model-b": { prompt: 3, completion: 6 } },
      }),
    );
    expect(run.status, run.statusReason ?? "").toBe("completed");
    expect(a.completions.length).toBeGreaterThan(0);
    expect(b.completions.length).toBeGreaterThan(0);
    expect(a.completions.every((r) => r.body.model === "model-a")).toBe(true);
    expect(b.completions.every((r) => r.body.model === "model-b")).toBe(true);

    const models = await api("GET", `/api/experiments/${run.id}/models`);
    expect(models.status).toBe(200);
    expect(models.body.modelSelection).toBe("fixed");
    // What the dashboard's types are inferred from (lib/api/responses.ts) describes the handler's answer.
    const parsed = ModelsReport.safeParse(models.body);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    const row = (m: string) => models.body.models.find((x: { model: string }) => x.model === m);
    expect(row("model-a").pulls).toBe(a.completions.length);
    expect(row("model-b").pulls).toBe(b.completions.length);
    expect(row("model-b").provider).toBe(new URL(b.baseURL).host);
    // Pulls are the run's non-seed candidates; cost is what the stored candidates of each model cost.
    const solutions = await stack.prisma.solution.findMany({ where: { experimentId: run.id } });
    expect(row("model-a").pulls + row("model-b").pulls).toBe(solutions.filter((s) => s.operator !== "seed").length);
    for (const m of ["model-a", "model-b"]) {
      const cost = solutions.filter((s) => s.model === m).reduce((t, s) => t + (s.costUsd ?? 0), 0);
      expect(row(m).costUsd).toBeCloseTo(cost, 9);
    }
    // Gains: replay every accepted insertion in archive order; a child's gain is its fitness over the
    // cell's previous elite (over the QD offset, 0 here, in a new cell).
    const winners = solutions.filter((s) => s.eliteRevision !== null).sort((x, y) => Number(x.eliteRevision! - y.eliteRevision!));
    const held = new Map<number, number>();
    const expected = { gain: 0, improvements: 0 };
    for (const w of winners) {
      if (w.operator !== "seed") {
        expected.gain += Math.max(0, w.fitness! - (held.get(w.cell!) ?? 0));
        expected.improvements++;
      }
      held.set(w.cell!, w.fitness!);
    }
    expect(expected.improvements).toBeGreaterThan(0);
    expect(row("model-a").improvements + row("model-b").improvements).toBe(expected.improvements);
    expect(row("model-a").gain + row("model-b").gain).toBeCloseTo(expected.gain, 6);
    expect(models.body.series.length).toBeGreaterThan(0);
    expect(Object.keys(models.body.series.at(-1).models).sort()).toEqual(["model-a", "model-b"]);
  }, TEST_CEILING_MS);

  for (const policy of ["thompson", "ucb"] as const) {
    it(`${policy}: calls shift to the model with more archive gain per dollar`, async () => {
      // Same behaviour, one model twenty times dearer: per dollar the cheap one is far better.
      const m = await mock(standinScript({ cheap: { improveRate: 0.5 }, dear: { improveRate: 0.5 } }, { seed: 3 }));
      const run = await runToEnd(
        standinRun(`bandit ${policy}`, {
          baseURL: m.baseURL,
          models: [{ model: "dear" }, { model: "cheap" }],
          modelSelection: policy,
          prices: { cheap: { prompt: 1, completion: 1 }, dear: { prompt: 20, completion: 20 } },
        }, { budget: { evaluations: 80 }, maxInFlight: 1 }),
      );
      expect(run.status, run.statusReason ?? "").toBe("completed");
      const models = await api("GET", `/api/experiments/${run.id}/models`);
      const row = (x: string) => models.body.models.find((r: { model: string }) => r.model === x);
      expect(models.body.modelSelection).toBe(policy);
      expect(row("dear").pulls).toBeGreaterThan(0); // tried
      expect(row("cheap").pulls, JSON.stringify(models.body.models)).toBeGreaterThan(2 * row("dear").pulls);
      expect(m.completions.filter((r) => r.body.model === "cheap").length).toBe(row("cheap").pulls);
    }, TEST_CEILING_MS);
  }

  it("best-of-N: every child is sampled from a seed; no prompt shows an archive program, feedback or niche", async () => {
    const m = await mock(standinScript({ "model-a": { improveRate: 0.7 } }, { seed: 4 }));
    const run = await runToEnd(standinRun("best of n", { baseURL: m.baseURL, model: "model-a", strategy: "best-of-n" }));
    expect(run.status, run.statusReason ?? "").toBe("completed");
    const solutions = await stack.prisma.solution.findMany({ where: { experimentId: run.id } });
    const seedIds = new Set(solutions.filter((s) => s.operator === "seed").map((s) => s.id));
    expect(seedIds.size).toBe(standinTask.seeds.length);
    const children = solutions.filter((s) => s.operator !== "seed");
    expect(children.length).toBeGreaterThan(30);
    for (const c of children) {
      expect(c.operator).toBe("best-of-n-full");
      expect(c.parentIds).toHaveLength(1);
      expect(seedIds.has(c.parentIds[0]!)).toBe(true);
    }
    // PARAMS holding numbers (the task's description names them p0…p3).
    const PARAMS = /PARAMS = \[[-\d., ]*\]/g;
    const seedParams = standinTask.seeds.map((s) => s.match(PARAMS)![0]);
    expect(m.completions.length).toBe(children.length);
    for (const r of m.completions) {
      const prompt = userPrompt(r);
      expect(prompt).not.toContain("# Inspirations");
      expect(prompt).not.toContain("# Target niche");
      // The only program in the prompt is a seed.
      const programs = prompt.match(PARAMS) ?? [];
      expect(programs).toHaveLength(1);
      expect(seedParams).toContain(programs[0]);
    }
    const models = await api("GET", `/api/experiments/${run.id}/models`);
    expect(models.body.strategy).toBe("best-of-n");
  }, TEST_CEILING_MS);
});
