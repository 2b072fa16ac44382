import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExperimentSpec, type ExperimentSpecInput } from "@/lib/experiments/config";
import { createExperiment, resumeExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { CIRCLE_PACKING_SEED } from "@/lib/tasks";
import { createTestStack, waitFor, waitForDrainedQueues, waitForStatus, type TestStack, type WorkerProcess, POLL_CEILING_MS, TEST_CEILING_MS } from "../helpers/stack";
import { reply, startOpenAIMock, type MockReply, type OpenAIMock, type RecordedRequest } from "../helpers/openai-mock";
import { packing } from "../helpers/circle-programs";
import { standinFitness, standinScript, standinTask } from "../helpers/standin-model";

/**
 * Whole LLM experiments: real workers, PostgreSQL and Redis, against a local OpenAI-compatible
 * server that answers deterministically from a script.
 */
const KEY = "sk-test-QD-9f8e7d6c5b4a-secret";
const PRICES = { "mock-model": { prompt: 2, completion: 8 } }; // USD per 1M tokens

const HOSTILE = {
  loop: "function pack() { while (true) {} }",
  memory: "function pack() { const a = []; while (true) a.push(new Array(1e6).fill(1)); }",
  env: `function pack() { return [[0.5, 0.5, process.env.MOCK_LLM_KEY.length]]; }`,
  fs: `function pack() { const fs = require("fs"); return fs.readFileSync("/etc/passwd", "utf8"); }`,
  network: `async function pack() { const r = await fetch("http://127.0.0.1:1/"); return r.json(); }`,
  proto: `function pack() { Object.prototype.toString = () => "pwned"; Array.prototype.map = null; return this.constructor.constructor("return process")().exit(1); }`,
};

const isJudge = (req: RecordedRequest) => String(req.body.messages?.[0]?.content ?? "").includes("literary judge");
const userPrompt = (req: RecordedRequest) => String(req.body.messages?.[1]?.content ?? "");

/** The mutation replies, in rotation: valid rewrites, diffs, garbage and every kind of hostile program. */
function codeScript(): (req: RecordedRequest, i: number) => MockReply {
  let n = 0;
  let h = 0;
  const hostile = Object.values(HOSTILE);
  return (req) => {
    const i = n++;
    const s = Number((0.86 + 0.01 * (i % 13)).toFixed(2));
    switch (i % 10) {
      case 0:
      case 5:
        return reply.code(packing(s, (i * 397) % 3500));
      case 1:
      case 6: {
        // A SEARCH/REPLACE on the parent's radius line, read from the prompt like a model would.
        const line = userPrompt(req).match(/const r = [\d.]+ \/ \(2 \* cols\);/)?.[0];
        return line ? reply.diff([[line, `const r = ${s} / (2 * cols);`]]) : reply.garbage();
      }
      case 2:
        return reply.garbage();
      case 3:
      case 7:
      case 8:
        return reply.code(hostile[h++ % hostile.length]!);
      case 4:
        return reply.code(packing(1.3)); // circles too big: rejected by the exact check
      default:
        return reply.code(packing(s));
    }
  };
}

const spec = (mock: OpenAIMock, over: Partial<Omit<ExperimentSpecInput, "emitter">> & { emitter?: Record<string, unknown> } = {}): ExperimentSpec =>
  ExperimentSpec.parse({
    name: "llm run",
    domain: { type: "llm-code", task: "circle-packing", timeoutMs: 1000, memoryMb: 64 },
    batchSize: 2,
    budget: { evaluations: 30 },
    seed: 3,
    maxInFlight: 2,
    ...over,
    // Duplicate rejection (on by default) has its own tests (dedupe.test.ts); these scripts repeat
    // programs on purpose and count one model call per evaluation.
    emitter: { type: "llm", baseURL: mock.baseURL, model: "mock-model", apiKeyEnv: "MOCK_LLM_KEY", mode: "diff", prices: PRICES, maxRetries: 2, retryBaseMs: 50, timeoutMs: 5000, dedupe: { mode: "off" }, ...over.emitter },
  });

async function runUntil(stack: TestStack, config: ExperimentSpec, statuses: string[], ms = POLL_CEILING_MS) {
  const exp = await createExperiment(stack.prisma, config);
  await startExperiment(stack.prisma, stack.queues, exp.id);
  return waitForStatus(stack.prisma, exp.id, ms, `experiment ${exp.id} to reach ${statuses.join("/")}`, statuses);
}

describe("LLM experiments against a local OpenAI-compatible server", () => {
  let stack: TestStack;
  let workers: WorkerProcess[] = [];
  const mocks: OpenAIMock[] = [];
  const mock = async (script: Parameters<typeof startOpenAIMock>[0]) => {
    const m = await startOpenAIMock(script);
    mocks.push(m);
    return m;
  };

  beforeAll(async () => {
    stack = await createTestStack();
    const env = { MOCK_LLM_KEY: KEY, QD_LLM_KEY_ENVS: "MOCK_LLM_KEY", QD_LLM_WATCH_MS: "300" };
    workers = [stack.startWorker(env), stack.startWorker(env)];
  });

  afterAll(async () => {
    await stack?.stop();
    await Promise.all(mocks.map((m) => m.close()));
  });

  it("llm-code circle packing: rewrites, diffs, garbage and hostile programs; archive, lineage, tokens and cost add up", async () => {
    const m = await mock(codeScript());
    const done = await runUntil(stack, spec(m), ["completed", "failed", "paused"]);
    expect(done.status, done.statusReason ?? "").toBe("completed");
    expect(done.evaluations).toBe(30);

    const solutions = await stack.prisma.solution.findMany({ where: { experimentId: done.id } });
    expect(solutions).toHaveLength(30); // every LLM candidate is kept, whatever became of it
    const byStatus = (s: string) => solutions.filter((x) => x.status === s);
    expect(done.failedEvaluations).toBe(byStatus("failed").length + byStatus("invalid").length);
    expect(solutions.every((s) => s.genomeKind === "code")).toBe(true);

    // The seed is evaluated as given; children come from the model (1 call each, no judge).
    const seed = solutions.find((s) => s.operator === "seed")!;
    expect(seed.genomeText).toBe(CIRCLE_PACKING_SEED);
    expect(seed.fitness).toBeCloseTo(26 / 12, 9);
    const children = solutions.filter((s) => s.operator !== "seed");
    if (m.completions.length !== children.length) console.log(workers.map((w) => w.output()).join("\n---\n"));
    expect(m.completions).toHaveLength(children.length);

    // Garbage replies are invalid candidates with the reason; overlapping packings fail the exact check.
    expect(byStatus("invalid").some((s) => /unusable reply/.test(s.error ?? ""))).toBe(true);
    expect(byStatus("failed").some((s) => /invalid packing: .*(overlap|outside)/.test(s.error ?? ""))).toBe(true);
    // Every hostile program is contained and recorded as failed, and the workers carried on.
    const hostile = solutions.filter((s) => Object.values(HOSTILE).some((h) => s.genomeText?.trim() === h));
    for (const [kind, program] of Object.entries(HOSTILE)) expect(hostile.some((s) => s.genomeText?.trim() === program), `a ${kind} program was tried`).toBe(true);
    for (const s of hostile) {
      expect(s.status).toBe("failed");
      expect(s.error).toBeTruthy();
    }
    expect(hostile.find((s) => s.genomeText?.trim() === HOSTILE.loop)?.error).toMatch(/time/i);
    expect(workers.every((w) => w.child.exitCode === null && w.child.signalCode === null)).toBe(true);

    // Diffs were applied to parents: the child differs from its parent by the radius line only.
    const diffed = solutions.filter((s) => s.operator === "llm-diff" && s.status === "evaluated" && s.parentIds.length && /SEARCH/.test(s.reply ?? ""));
    expect(diffed.length).toBeGreaterThan(0);
    const byId = new Map(solutions.map((s) => [s.id, s]));
    for (const s of diffed) {
      const parent = byId.get(s.parentIds[0]!)!;
      const strip = (code: string) => code.replace(/const r = [\d.]+ \/ \(2 \* cols\);/, "");
      expect(strip(s.genomeText!)).toBe(strip(parent.genomeText!));
    }

    // The archive: elites are the best per cell, each a stored evaluated solution whose lineage reaches the seed.
    const elites = await stack.prisma.elite.findMany({ where: { experimentId: done.id } });
    expect(elites.length).toBeGreaterThanOrEqual(2);
    expect(done.numElites).toBe(elites.length);
    for (const e of elites) {
      let s = byId.get(e.solutionId)!;
      expect(s.status).toBe("evaluated");
      expect(e.fitness).toBe(s.fitness);
      const sameCell = solutions.filter((x) => x.cell === e.cell && x.status === "evaluated");
      expect(e.fitness).toBe(Math.max(...sameCell.map((x) => x.fitness!)));
      for (let depth = 0; s.parentIds.length; depth++) {
        expect(depth).toBeLessThan(40);
        s = byId.get(s.parentIds[0]!)!;
        expect(s).toBeDefined();
      }
      expect(s.parentIds).toEqual([]);
    }

    // Tokens and cost: per candidate from the server's usage, priced from the table, summed on the experiment.
    const sum = (f: (s: (typeof solutions)[number]) => number | null) => solutions.reduce((a, s) => a + (f(s) ?? 0), 0);
    const served = m.completions.length;
    expect(served).toBeGreaterThan(0);
    expect(done.promptTokens).toBe(sum((s) => s.promptTokens));
    expect(done.completionTokens).toBe(sum((s) => s.completionTokens));
    expect(done.promptTokens).toBeGreaterThan(served * 100);
    expect(done.costUsd).toBeCloseTo((done.promptTokens * 2 + done.completionTokens * 8) / 1e6, 12);
    expect(done.costUsd).toBeCloseTo(sum((s) => s.costUsd), 12);
    for (const s of children) {
      expect(s.model).toBe("mock-model");
      expect(s.prompt).toContain("### user");
      expect(s.costUsd).toBeCloseTo(((s.promptTokens ?? 0) * 2 + (s.completionTokens ?? 0) * 8) / 1e6, 12);
    }

    // The key went only into the Authorization header: never into prompts, stored rows or what programs can see.
    expect(m.completions.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(m.completions.some((r) => r.rawBody.includes(KEY))).toBe(false);
    const stored = JSON.stringify([solutions, await stack.prisma.experiment.findUnique({ where: { id: done.id } }), await stack.prisma.experimentEvent.findMany({ where: { experimentId: done.id } })], (_k, v) =>
      typeof v === "bigint" ? Number(v) : v,
    );
    expect(stored).not.toContain(KEY);
    const envProbe = hostile.find((s) => s.genomeText?.trim() === HOSTILE.env);
    if (envProbe) expect(envProbe.error).toMatch(/process is not defined/);
  }, TEST_CEILING_MS);

  it("429s with Retry-After are waited out and the run completes", async () => {
    let n = 0;
    const m = await mock(() => (n++ < 3 ? reply.rateLimited(1) : reply.code(packing(0.9 + (n % 7) * 0.01))));
    const started = Date.now();
    const done = await runUntil(stack, spec(m, { budget: { evaluations: 8 } }), ["completed", "failed", "paused"]);
    expect(done.status, done.statusReason ?? "").toBe("completed");
    expect(done.evaluations).toBe(8);
    expect(m.requests.filter((r) => r.url.includes("chat/completions")).length).toBeGreaterThanOrEqual(3 + 7);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const failed = await stack.prisma.solution.count({ where: { experimentId: done.id, status: { not: "evaluated" } } });
    expect(failed).toBe(0); // nothing was lost to the rate limit
  }, TEST_CEILING_MS);

  it("a rejected key pauses the run at once with the provider's reason, spending nothing", async () => {
    const m = await mock(() => ({ type: "status", status: 401, body: { error: { message: "Incorrect API key provided", code: "invalid_api_key" } } }));
    const done = await runUntil(stack, spec(m, { budget: { evaluations: 20 }, domain: { type: "llm-code", task: "circle-packing", seeds: [packing(0.95)] } }), ["paused", "failed", "completed"], 60_000);
    expect(done.status).toBe("paused");
    expect(done.statusReason).toMatch(/LLM provider failed: auth/);
    expect(done.costUsd).toBe(0);
    // The seed job needs no model call; the run stopped before burning its budget.
    expect(done.evaluations).toBeLessThanOrEqual(2);
  }, TEST_CEILING_MS);

  it("a provider that keeps timing out pauses the run after the job's retries, and resume carries on", async () => {
    let healthy = false;
    const m = await mock(() => (healthy ? reply.code(packing(0.93)) : { type: "hang" }));
    const config = spec(m, { budget: { evaluations: 6 }, batchSize: 1, maxInFlight: 1, domain: { type: "llm-code", task: "circle-packing", seeds: [packing(0.9)] }, emitter: { timeoutMs: 200, maxRetries: 0 } });
    const paused = await runUntil(stack, config, ["paused", "failed", "completed"], 90_000);
    expect(paused.status).toBe("paused");
    expect(paused.statusReason).toMatch(/timeout/);
    expect(paused.evaluations).toBe(1); // the seed only: timeouts did not eat the budget
    healthy = true;
    await resumeExperiment(stack.prisma, stack.queues, paused.id);
    const done = await waitForStatus(stack.prisma, paused.id, POLL_CEILING_MS, "resumed run to complete");
    expect(done.evaluations).toBe(6);
  }, TEST_CEILING_MS);

  it("budget.costUsd stops the run once the cost cap is reached", async () => {
    const m = await mock(() => reply.code(packing(0.9), { promptTokens: 1000, completionTokens: 500 }));
    // Each call costs (1000·2 + 500·8)/1e6 = $0.006; the cap allows about 5 of them.
    const stopped = await runUntil(stack, spec(m, { budget: { evaluations: 200, costUsd: 0.03 } }), ["completed", "failed", "paused"]);
    expect(stopped.status).toBe("completed");
    // Calls in flight when the cap was hit still land (their tokens were paid for): wait until no job
    // is left, so that no call is still under way when the two counts are compared.
    await waitForDrainedQueues(stack, "in-flight LLM jobs to finish");
    const done = await waitFor(async () => {
      const e = await stack.prisma.experiment.findUnique({ where: { id: stopped.id } });
      return e && Math.abs(e.costUsd - m.completions.length * 0.006) < 1e-9 ? e : null;
    }, POLL_CEILING_MS, "in-flight LLM calls to be recorded");
    expect(done.status).toBe("completed");
    expect(done.statusReason).toMatch(/cost budget reached/);
    expect(done.costUsd).toBeGreaterThanOrEqual(0.03);
    // In flight when the cap was hit: at most maxInFlight jobs × batchSize calls more, and all of them recorded.
    expect(done.costUsd).toBeLessThanOrEqual(0.03 + 2 * 2 * 0.006 + 1e-9);
    expect(done.evaluations).toBeLessThan(200);
    const recorded = await stack.prisma.solution.aggregate({ where: { experimentId: done.id }, _sum: { costUsd: true } });
    expect(recorded._sum.costUsd).toBeCloseTo(done.costUsd, 12);
    expect(m.completions.length * 0.006).toBeCloseTo(done.costUsd, 9);
  }, TEST_CEILING_MS);

  it("llm-text: the judge scores quality and rubric descriptors; texts fill the grid", async () => {
    const tones = [0.05, 0.3, 0.55, 0.8, 0.95];
    let w = 0;
    const m = await mock((req) => {
      if (isJudge(req)) {
        const text = userPrompt(req);
        const t = tones[(text.length * 7) % tones.length]!;
        const quality = 3 + (text.length % 7);
        return reply.text(`{"quality": ${quality}, "descriptors": {"tone": ${t}, "imagery": ${((text.length % 10) / 10).toFixed(1)}}}`, { promptTokens: 200, completionTokens: 20 });
      }
      w++;
      return reply.text(`Poem ${w}: ${"the sea ".repeat(1 + (w % 9))}and the light.`, { promptTokens: 300, completionTokens: 40 });
    });
    const done = await runUntil(
      stack,
      spec(m, {
        domain: { type: "llm-text", description: "A two-line poem about the sea", seeds: ["The sea is grey.", "Waves laugh in the sun."] },
        descriptors: [
          { name: "tone", min: 0, max: 1, bins: 5, rubric: "0 = melancholic … 1 = joyful" },
          { name: "imagery", min: 0, max: 10, bins: 5, rubric: "0 = abstract … 1 = vivid concrete images" },
        ],
        emitter: { mode: "full" },
        budget: { evaluations: 16 },
      }),
      ["completed", "failed", "paused"],
    );
    expect(done.status, done.statusReason ?? "").toBe("completed");
    const solutions = await stack.prisma.solution.findMany({ where: { experimentId: done.id } });
    expect(solutions).toHaveLength(16);
    expect(solutions.every((s) => s.genomeKind === "text" && s.status === "evaluated")).toBe(true);
    for (const s of solutions) {
      expect(s.fitness).toBeGreaterThanOrEqual(0.3);
      expect(s.fitness).toBeLessThanOrEqual(0.9);
      expect(tones.map((t) => t)).toContainEqual(expect.closeTo(s.descriptors[0]!, 9));
      expect(s.descriptors[1]).toBeGreaterThanOrEqual(0);
      expect(s.descriptors[1]).toBeLessThanOrEqual(10);
      expect((s.metrics as Record<string, number>).quality).toBe(s.fitness);
    }
    // 2 seeds judged only; 14 children written and judged: 30 calls, judge tokens included in the totals.
    expect(m.completions).toHaveLength(2 + 14 * 2);
    expect(done.promptTokens).toBe(16 * 200 + 14 * 300);
    expect(done.completionTokens).toBe(16 * 20 + 14 * 40);
    expect(done.numElites).toBeGreaterThanOrEqual(3);
  }, TEST_CEILING_MS);

  it("an LLM writes the genomes of the user's own evaluator (text genomes, sandboxed JavaScript scorer)", async () => {
    let n = 0;
    const words = ["sun", "sea", "sky", "salt", "sand", "storm", "silver", "shell"];
    const m = await mock(() => {
      n++;
      return reply.text(`Here it is:\n\n\`\`\`\n${words.slice(0, 1 + (n % words.length)).join(" ")}\n\`\`\``);
    });
    const done = await runUntil(
      stack,
      spec(m, {
        domain: {
          type: "javascript",
          code: "function evaluate(t) { const w = t.trim().split(/\\s+/); return { fitness: -Math.abs(w.length - 5), descriptors: [w.length, t.length] }; }",
          description: "A sequence of words starting with s; exactly five words is best.",
          seeds: ["sun"],
        },
        descriptors: [
          { name: "words", min: 0, max: 10, bins: 10 },
          { name: "characters", min: 0, max: 60, bins: 6 },
        ],
        emitter: { mode: "full" },
        budget: { evaluations: 12 },
      }),
      ["completed", "failed", "paused"],
    );
    expect(done.status, done.statusReason ?? "").toBe("completed");
    const solutions = await stack.prisma.solution.findMany({ where: { experimentId: done.id } });
    expect(solutions).toHaveLength(12);
    // The only rejects: a reply that repeated its parent word for word.
    for (const s of solutions.filter((x) => x.status !== "evaluated")) expect(`${s.status}: ${s.error}`).toMatch(/^invalid: .*identical to the parent/);
    expect(solutions.every((s) => s.genomeKind === "code")).toBe(true);
    expect(solutions.find((s) => s.operator === "seed")?.genomeText).toBe("sun");
    expect(done.maxFitness).toBe(0); // a five-word text was written and scored by the user's evaluator
    expect(m.completions[0]!.body.messages[1].content).toContain("exactly five words is best");
  }, TEST_CEILING_MS);

  it("llm-code bin packing (FunSearch-style): heuristics scored on the generated instances, worse and broken ones recorded", async () => {
    // Best fit is the seed; the model writes first fit, worst fit, a heuristic returning the wrong length, and variants.
    const heuristics = [
      "function priority(item, bins) { return bins.map((b, i) => -i); }",
      "function priority(item, bins) { return bins.map((b) => b - item); }",
      "function priority(item, bins) { return [1]; }",
      "function priority(item, bins) { return bins.map((b) => -(b - item)); } // best fit, rewritten",
      "function priority(item, bins) { return bins.map((b, i) => (b - item < 10 ? 100 - (b - item) : -i)); }",
    ];
    let n = 0;
    const m = await mock(() => reply.code(heuristics[n++ % heuristics.length]!));
    const done = await runUntil(stack, spec(m, { domain: { type: "llm-code", task: "bin-packing" }, emitter: { mode: "full" }, budget: { evaluations: 12 } }), ["completed", "failed", "paused"]);
    expect(done.status, done.statusReason ?? "").toBe("completed");
    const solutions = await stack.prisma.solution.findMany({ where: { experimentId: done.id } });
    expect(solutions).toHaveLength(12);
    const seed = solutions.find((s) => s.operator === "seed")!;
    expect(seed.status).toBe("evaluated");
    expect(seed.fitness!).toBeLessThan(-1);
    expect(seed.fitness!).toBeGreaterThan(-1.1); // best fit is within 10% of the lower bound
    // Worst fit always opens a fresh bin here: far worse than best fit.
    const worstFit = solutions.find((s) => s.genomeText?.includes("bins.map((b) => b - item)") && s.status === "evaluated")!;
    expect(worstFit.fitness!).toBeLessThan(seed.fitness! - 1);
    const broken = solutions.filter((s) => s.genomeText?.includes("return [1]"));
    expect(broken.length).toBeGreaterThan(0);
    for (const s of broken) expect(`${s.status}: ${s.error}`).toMatch(/^failed: invalid heuristic: .*must return an array of \d+ numbers/);
    for (const s of solutions.filter((x) => x.status === "evaluated")) {
      const metrics = s.metrics as Record<string, number>;
      expect(metrics.excessPct).toBeCloseTo(100 * (-s.fitness! - 1), 6);
      expect(s.descriptors).toEqual([metrics.codeLength, metrics.runMs]);
    }
    expect(done.maxFitness).toBe(Math.max(...solutions.filter((s) => s.status === "evaluated").map((s) => s.fitness!)));
  }, TEST_CEILING_MS);

  it("the stand-in model drives a real run: its improving edits raise fitness, its repeats are proposed as it says", async () => {
    const script = standinScript({ "mock-model": { improveRate: 0.7, repeatShare: 0.2 } }, { seed: 4 });
    const m = await mock(script);
    const done = await runUntil(
      stack,
      spec(m, {
        domain: { type: "javascript", code: standinTask.evaluatorCode, seeds: standinTask.seeds, description: standinTask.description },
        descriptors: standinTask.descriptors,
        budget: { evaluations: 40 },
        batchSize: 4,
        emitter: { mode: "full" },
      }),
      ["completed", "failed", "paused"],
    );
    expect(done.status, done.statusReason ?? "").toBe("completed");
    expect(done.evaluations).toBe(40);
    const solutions = await stack.prisma.solution.findMany({ where: { experimentId: done.id } });
    // The sandboxed evaluator and the helper's own formula agree on every evaluated program.
    for (const s of solutions.filter((x) => x.status === "evaluated")) expect(s.fitness).toBeCloseTo(standinFitness(s.genomeText!)!.fitness, 9);
    const best = Math.max(...solutions.map((s) => s.fitness ?? -Infinity));
    expect(best).toBeGreaterThan(Math.max(...standinTask.seeds.map((t) => standinFitness(t)!.fitness)));
    const stats = script.stats["mock-model"]!;
    expect(stats.calls).toBe(m.completions.length);
    expect(stats.repeats).toBe(script.answers.filter((a) => a.repeat).length);
    expect(stats.repeats).toBeGreaterThan(0);
  });
});
