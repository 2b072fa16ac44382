import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestStack, waitFor, type TestStack, POLL_CEILING_MS, TEST_CEILING_MS } from "../helpers/stack";
import { startApiServer, type ApiServer } from "../helpers/server";
import { startOpenAIMock, type OpenAIMock, type RecordedRequest } from "../helpers/openai-mock";
import { standinScript, standinTask } from "../helpers/standin-model";
import { PromptVariant, PromptsReport } from "@/lib/api/responses";

/**
 * Evolving prompts end to end through REST: real workers, PostgreSQL and Redis, and a local
 * OpenAI-compatible server answering as the deterministic stand-in model (which also answers the
 * meta-prompt with a rewritten system message).
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

const standinRun = (name: string, emitter: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  name,
  domain: { type: "javascript", code: standinTask.evaluatorCode, seeds: standinTask.seeds, description: standinTask.description },
  descriptors: standinTask.descriptors,
  batchSize: 4,
  maxInFlight: 2,
  budget: { evaluations: 48 },
  seed: 9,
  ...over,
  emitter: { type: "llm", mode: "full", maxRetries: 1, retryBaseMs: 50, timeoutMs: 10_000, ...emitter },
});

const systemOf = (r: RecordedRequest) => String(r.body.messages?.find((m: { role: string }) => m.role === "system")?.content ?? "");
const isMeta = (r: RecordedRequest) => JSON.stringify(r.body.messages).includes("# Current system message (variant");

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

describe("evolving prompts over REST", () => {
  it("refuses bad prompts settings, naming the field", async () => {
    const bad = async (prompts: unknown) => {
      const r = await api("POST", "/api/experiments", standinRun("bad", { baseURL: "http://127.0.0.1:9/v1", model: "m", prompts }));
      expect(r.status).toBe(400);
      return String(r.body.error.message);
    };
    expect(await bad({ evolve: "yes" })).toMatch(/prompts\.evolve must be true or false/);
    expect(await bad({ evolve: true, maxVariants: 1 })).toMatch(/prompts\.maxVariants must be at least 2/);
    expect(await bad({ evolve: true, mutationRate: 2 })).toMatch(/prompts\.mutationRate must be in \[0, 1\]/);
    expect(await bad({ evolve: true, every: 3 })).toMatch(/prompts: unknown field\(s\) every/);
  });

  it("rewrites the system message from its children's outcomes, records each child's variant and each variant's record", async () => {
    const script = standinScript({ "model-a": { improveRate: 0.3, carefulBonus: 0.5 } }, { seed: 2 });
    const mock = await startOpenAIMock(script);
    mocks.push(mock);
    const created = await api(
      "POST",
      "/api/experiments",
      standinRun("evolving prompts", {
        baseURL: mock.baseURL,
        model: "model-a",
        prices: { "model-a": { prompt: 1, completion: 2 } },
        prompts: { evolve: true, mutationRate: 1, minChildren: 2, maxVariants: 4 },
      }, { start: true }),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const run = await waitFor(async () => {
      const e = await api("GET", `/api/experiments/${id}`);
      return ["completed", "paused", "failed"].includes(e.body.status) ? e.body : null;
    }, POLL_CEILING_MS, `experiment ${id} to finish`);
    expect(run.status, run.statusReason ?? "").toBe("completed");

    const report = await api("GET", `/api/experiments/${id}/prompts`);
    expect(report.status).toBe(200);
    expect(report.body.evolve).toBe(true);
    // What the dashboard's types are inferred from (lib/api/responses.ts) describes the handler's answer.
    const parsedReport = PromptsReport.safeParse(report.body);
    expect(parsedReport.success, JSON.stringify(parsedReport.error?.issues)).toBe(true);
    const detail = await api("GET", `/api/experiments/${id}/prompts/1`);
    const parsedDetail = PromptVariant.safeParse(detail.body);
    expect(parsedDetail.success, JSON.stringify(parsedDetail.error?.issues)).toBe(true);
    const variants = report.body.variants as { variant: number; parentVariant: number | null; text: string; pulls: number; gain: number; improvements: number; costUsd: number }[];
    // Variant 0 is the task's own system message; the model wrote the others (the archive stops at maxVariants).
    expect(variants.length).toBeGreaterThan(1);
    expect(variants.length).toBeLessThanOrEqual(4);
    expect(variants.map((v) => v.variant)).toEqual(variants.map((_, i) => i));
    expect(variants[0]!.parentVariant).toBeNull();
    expect(variants[0]!.text).toMatch(/evolutionary search/);
    for (const v of variants.slice(1)) {
      expect(v.parentVariant).not.toBeNull();
      expect(v.text).toContain(variants[v.parentVariant!]!.text);
      expect(v.text).toContain("Take careful, small steps.");
      expect(v.costUsd).toBeGreaterThan(0);
    }
    // One meta call per written variant (never more: the archive is full at 4, and a retried job reuses its variant).
    const metaCalls = mock.completions.filter(isMeta);
    expect(metaCalls.length).toBeGreaterThanOrEqual(variants.length - 1);
    for (const r of metaCalls) expect(JSON.stringify(r.body.messages)).toMatch(/children, \d+ of them improved the archive/);

    // Every child records the variant whose system message it was written with; seeds have none.
    const solutions = await stack.prisma.solution.findMany({ where: { experimentId: id } });
    const children = solutions.filter((s) => s.operator !== "seed");
    expect(children.length).toBeGreaterThan(30);
    for (const s of solutions.filter((x) => x.operator === "seed")) expect(s.promptVariant).toBeNull();
    for (const c of children) {
      expect(c.promptVariant, c.id).not.toBeNull();
      expect(c.prompt!.startsWith(`### system\n${variants[c.promptVariant!]!.text}\n\n### user`)).toBe(true);
    }
    // Rewritten variants were used: the bandit tries each new one.
    expect(new Set(children.map((c) => c.promptVariant)).size).toBe(variants.length);
    // The calls that wrote children went out with those system messages.
    const texts = new Set(variants.map((v) => v.text));
    for (const r of mock.completions.filter((x) => !isMeta(x))) expect(texts.has(systemOf(r))).toBe(true);

    // Each variant's record: its children (pulls), and the improvements and gain of the ones that entered the archive.
    for (const v of variants) expect(v.pulls, `variant ${v.variant}`).toBe(children.filter((c) => c.promptVariant === v.variant).length);
    const winners = solutions.filter((s) => s.eliteRevision !== null).sort((x, y) => Number(x.eliteRevision! - y.eliteRevision!));
    const held = new Map<number, number>();
    const expected = new Map<number, { gain: number; improvements: number }>();
    for (const w of winners) {
      if (w.promptVariant !== null) {
        const e = expected.get(w.promptVariant) ?? { gain: 0, improvements: 0 };
        e.gain += Math.max(0, w.fitness! - (held.get(w.cell!) ?? 0));
        e.improvements++;
        expected.set(w.promptVariant, e);
      }
      held.set(w.cell!, w.fitness!);
    }
    for (const v of variants) {
      expect(v.improvements, `variant ${v.variant}`).toBe(expected.get(v.variant)?.improvements ?? 0);
      expect(v.gain).toBeCloseTo(expected.get(v.variant)?.gain ?? 0, 6);
    }

    // The meta calls are paid for: the run's tokens and cost are its solutions' (which carry them).
    const exp = await stack.prisma.experiment.findUniqueOrThrow({ where: { id } });
    const sumTokens = solutions.reduce((t, s) => t + (s.promptTokens ?? 0), 0);
    expect(exp.promptTokens).toBe(sumTokens);
    const childCallTokens = children.reduce((t, c) => t + (c.promptTokens ?? 0), 0);
    const metaTokens = variants.reduce((t, v) => t + (v as unknown as { promptTokens: number }).promptTokens, 0);
    expect(metaTokens).toBeGreaterThan(0);
    expect(childCallTokens).toBeGreaterThanOrEqual(metaTokens);

    // One variant, opened: its text, the meta-prompt that wrote it, its children by status.
    const one = await api("GET", `/api/experiments/${id}/prompts/1`);
    expect(one.status).toBe(200);
    expect(one.body.text).toBe(variants[1]!.text);
    expect(one.body.metaPrompt).toContain(`# Current system message (variant ${variants[1]!.parentVariant})`);
    expect(Object.values(one.body.children as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(variants[1]!.pulls);
    expect((await api("GET", `/api/experiments/${id}/prompts/99`)).status).toBe(404);
    const badVariant = await api("GET", `/api/experiments/${id}/prompts/first`);
    expect(badVariant.status).toBe(404); // a malformed id names no resource (the API's rule for params)
    expect(badVariant.body.error.message).toMatch(/variant must be a non-negative whole number/);
  }, TEST_CEILING_MS);
});
