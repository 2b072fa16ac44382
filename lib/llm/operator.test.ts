import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reply, startOpenAIMock, type OpenAIMock } from "../../tests/helpers/openai-mock";
import { SandboxHost } from "../sandbox/index";
import { CIRCLE_PACKING_SEED, circlePackingTask, evaluateCirclePacking } from "../tasks/index";
import { createLlmJudge } from "./judge";
import { createLlmOperator, type LlmOperatorConfigInput, type MutateRequest } from "./operator";

const KEY = "sk-op-test-SECRET-987654321";
const env = { QD_OP_KEY: KEY };
const host = new SandboxHost();
let mock: OpenAIMock;
beforeAll(async () => {
  mock = await startOpenAIMock();
});
afterAll(async () => {
  await mock.close();
  await host.close();
});

const operator = (extra: Partial<LlmOperatorConfigInput> = {}) =>
  createLlmOperator({ baseURL: mock.baseURL, model: "gpt-4.1-mini", apiKeyEnv: "QD_OP_KEY", retryBaseMs: 5, timeoutMs: 2000, ...extra } as LlmOperatorConfigInput, { env });

const task = circlePackingTask.promptTask([
  { name: "codeLength", min: 0, max: 4000 },
  { name: "minGap", min: 0, max: 0.05 },
]);

const request = (extra: Partial<MutateRequest> = {}): MutateRequest => ({
  task,
  parent: { genome: CIRCLE_PACKING_SEED, fitness: 26 / 12, descriptors: [CIRCLE_PACKING_SEED.length, 0] },
  inspirations: [
    { genome: "function pack() { /* INSPIRATION-A */ return []; }", fitness: 2.3, descriptors: [900, 0.001] },
    { genome: "function pack() { /* INSPIRATION-B */ return []; }", fitness: 2.4, descriptors: [1500, 0.002] },
  ],
  targetNiche: { descriptors: [3000, 0.03], fitness: null },
  seed: 7,
  ...extra,
});

/** A valid child: the seed with slightly larger radii in a 6 x 5 grid (r = 1/12 is the max; use a 5 x 6 layout instead). */
const BETTER = CIRCLE_PACKING_SEED.replace("const cols = 6;\n  const rows = 5;", "const cols = 6;\n  const rows = 5; // tuned");

describe("LLM operator (full rewrite)", () => {
  it("valid code → child genome, diff, usage, cost, model; the prompt has parent, inspirations and niche", async () => {
    mock.setScript([reply.code(BETTER, { promptTokens: 2000, completionTokens: 400 })]);
    const r = await operator().mutate(request());
    expect(r).toMatchObject({ ok: true, mode: "full", genome: BETTER, model: "gpt-4.1-mini", usage: { promptTokens: 2000, completionTokens: 400 }, attempts: 1 });
    if (!r.ok) return;
    expect(r.costUsd).toBeCloseTo((2000 * 0.4 + 400 * 1.6) / 1e6, 15);
    expect(r.diff).toContain("+  const rows = 5; // tuned");
    expect(r.reply).toContain("```javascript");
    const sent = mock.completions.at(-1)!.body;
    const user = sent.messages[1].content as string;
    expect(sent.seed).toBe(7);
    expect(user).toContain(CIRCLE_PACKING_SEED.trim());
    expect(user).toContain(`Fitness: ${(26 / 12).toPrecision(6)}`);
    expect(user).toContain("INSPIRATION-A");
    expect(user).toContain("INSPIRATION-B");
    expect(user).toContain("# Target niche");
    expect(user).toContain("- codeLength ≈ 3000\n- minGap ≈ 0.03");
    expect(r.prompt.user).toBe(user);
    // the child really is a valid program
    expect(await evaluateCirclePacking(r.genome, { host, timeoutMs: 1000 })).toMatchObject({ ok: true });
  });

  it("garbage, truncated output and an identical child are parse failures that still count tokens and cost", async () => {
    mock.setScript([
      reply.garbage(),
      reply.content("```javascript\nfunction pack() {\n  return [", { finishReason: "length", completionTokens: 4096 }),
      reply.code(CIRCLE_PACKING_SEED),
    ]);
    const op = operator();
    const g = await op.mutate(request());
    expect(g).toMatchObject({ ok: false, stage: "parse", reason: "no code block in the reply (and no function pack in it)" });
    if (!g.ok) {
      expect(g.usage!.completionTokens).toBeGreaterThan(0);
      expect(g.costUsd).toBeGreaterThan(0);
      expect(g.reply).toContain("I'm sorry");
    }
    expect(await op.mutate(request())).toMatchObject({ ok: false, stage: "parse", reason: "reply truncated: the code block is never closed (the reply hit the max tokens limit)", usage: { completionTokens: 4096 } });
    expect(await op.mutate(request())).toMatchObject({ ok: false, stage: "parse", reason: "the child is identical to the parent" });
  });

  it("provider failures produce no candidate and say whether the run must pause", async () => {
    mock.setScript([reply.status(401, `Incorrect API key provided: ${KEY}`)]);
    const r = await operator().mutate(request());
    expect(r).toMatchObject({ ok: false, stage: "provider", error: { kind: "auth", fatal: true }, costUsd: 0 });
    if (!r.ok) expect(r.reason).toBe("auth: HTTP 401: Incorrect API key provided: [redacted]");
    mock.setScript([reply.hang()]);
    expect(await operator({ timeoutMs: 150, maxRetries: 0 }).mutate(request())).toMatchObject({ ok: false, stage: "provider", error: { kind: "timeout", fatal: false, retryable: true } });
    mock.setScript([reply.serverError(), reply.code(BETTER)]);
    expect(await operator().mutate(request())).toMatchObject({ ok: true, attempts: 2 });
  });
});

describe("LLM operator (SEARCH/REPLACE diffs)", () => {
  it("applies the blocks to the parent", async () => {
    mock.setScript([reply.diff([["  const cols = 6;", "  const cols = 6; // six columns"], ["  return circles;", "  // 26 circles\n  return circles;"]])]);
    const r = await operator({ mode: "diff" }).mutate(request());
    expect(r).toMatchObject({ ok: true, mode: "diff", warnings: [] });
    if (!r.ok) return;
    expect(r.genome).toBe(CIRCLE_PACKING_SEED.replace("  const cols = 6;", "  const cols = 6; // six columns").replace("  return circles;", "  // 26 circles\n  return circles;"));
    expect(r.edits).toContain("<<<<<<< SEARCH\n  const cols = 6;\n=======");
    expect(r.diff).toContain("+  // 26 circles");
    expect(mock.completions.at(-1)!.body.messages[1].content).toContain("SEARCH/REPLACE blocks");
    const ev = await evaluateCirclePacking(r.genome, { host });
    expect(ev.ok && ev.fitness).toBeCloseTo(26 / 12, 12);
  });

  it("a SEARCH that does not match is an apply failure; no blocks falls back to a full program; garbage fails", async () => {
    mock.setScript([
      reply.diff([["  const cols = 7;", "  const cols = 8;"]]),
      reply.code(BETTER),
      reply.garbage(),
      reply.content("<<<<<<< SEARCH\n  const cols = 6;\n=======\n  const cols"),
    ]);
    const op = operator({ mode: "diff" });
    const a = await op.mutate(request());
    expect(a).toMatchObject({ ok: false, stage: "apply", reason: expect.stringMatching(/^SEARCH block 1 does not match the parent exactly/) });
    if (!a.ok) expect(a.costUsd).toBeGreaterThan(0);
    expect(await op.mutate(request())).toMatchObject({ ok: true, fallback: "full", genome: BETTER });
    expect(await op.mutate(request())).toMatchObject({ ok: false, stage: "parse", reason: expect.stringContaining("no SEARCH/REPLACE blocks") });
    expect(await op.mutate(request())).toMatchObject({ ok: false, stage: "parse", reason: expect.stringMatching(/^reply truncated: block 1/) });
  });
});

describe("hostile programs from the model are contained by the sandbox", () => {
  const hostile: Array<[string, RegExp]> = [
    ["function pack() { while (true) {} }", /^timeout:/],
    ["function pack() { const xs = []; for (;;) xs.push(new Float64Array(1 << 20)); }", /^(memory|timeout):/],
    ["function pack() { return Object.keys(process.env); }", /process is not defined/],
    ["function pack() { return require('fs').readdirSync('/'); }", /require is not defined/],
    ["function pack() { return import('node:fs'); }", /^(runtime|syntax|invalid-output):/],
    ["function pack() { return fetch('http://127.0.0.1:9/steal'); }", /fetch is not defined/],
    ["function pack() { return (function(){ return this })().constructor.constructor('return process')().env.QD_OP_KEY; }", /process is not defined/],
    ["Object.prototype.toJSON = function () { return 'pwned'; };\nfunction pack() { return []; }", /^(invalid packing|invalid-output|runtime)/],
    ["function pack() { Array.prototype.push = null; return globalThis.constructor.name; }", /^invalid packing: pack\(\) must return an array/],
    ["function pack() { return new Promise(() => {}); }", /^timeout:/],
  ];

  it("each is a failed candidate with a reason; the worker (this process) carries on and no secret leaks", async () => {
    mock.setScript(hostile.map(([code]) => reply.code(code)));
    const op = operator();
    let totalCost = 0;
    let totalTokens = 0;
    const evaluator = circlePackingTask.createEvaluator({ host, timeoutMs: 300, memoryMb: 16, concurrency: 2 });
    const children: string[] = [];
    for (let i = 0; i < hostile.length; i++) {
      const m = await op.mutate(request({ seed: i }));
      expect(m.ok, `mutation ${i}`).toBe(true);
      if (!m.ok) continue;
      totalCost += m.costUsd;
      totalTokens += m.usage.promptTokens + m.usage.completionTokens;
      children.push(m.genome);
    }
    const results = await evaluator.evaluate(children.map((genome, i) => ({ id: `h${i}`, genome })));
    results.forEach((r, i) => {
      expect(r.ok, `hostile ${i}: ${hostile[i]![0]}`).toBe(false);
      if (!r.ok) expect(r.error, `hostile ${i}`).toMatch(hostile[i]![1]);
    });
    expect(JSON.stringify(results)).not.toContain(KEY);
    expect(totalTokens).toBeGreaterThan(0);
    expect(totalCost).toBeGreaterThan(0);
    // still healthy
    expect(await evaluator.evaluate([{ id: "seed", genome: CIRCLE_PACKING_SEED }])).toMatchObject([{ ok: true }]);
    await evaluator.close();
  }, 20_000);
});

describe("accounting and reproducibility", () => {
  it("a few mutations: totals add up; the same seed and replies give the same prompt, model and child", async () => {
    const script = () => [
      reply.code(BETTER, { promptTokens: 1000, completionTokens: 200 }),
      reply.garbage(),
      reply.diff([["  return circles;", "  return circles; // v2"]], { promptTokens: 1500, completionTokens: 100 }),
    ];
    const run = async () => {
      mock.setScript(script());
      const op = operator({ model: undefined, models: [{ model: "gpt-4.1-mini", weight: 1 }, { model: "gpt-4o-mini", weight: 1 }] });
      const out = [];
      for (const [i, mode] of (["full", "full", "diff"] as const).entries()) out.push(await op.mutate(request({ seed: 100 + i, mode })));
      return out;
    };
    const a = await run();
    const b = await run();
    const strip = (rs: typeof a) => rs.map((r) => ({ ...r, ms: 0 }));
    expect(strip(a)).toEqual(strip(b));
    const tokens = a.reduce((s, r) => s + (r.usage?.promptTokens ?? 0) + (r.usage?.completionTokens ?? 0), 0);
    const garbageTokens = a[1]!.usage!.promptTokens + a[1]!.usage!.completionTokens;
    expect(tokens).toBe(1200 + 1600 + garbageTokens);
    const cost = a.reduce((s, r) => s + (r.costUsd ?? 0), 0);
    const expected = a.reduce((s, r) => {
      const p = r.model === "gpt-4o-mini" ? [0.15, 0.6] : [0.4, 1.6];
      return s + ((r.usage?.promptTokens ?? 0) * p[0]! + (r.usage?.completionTokens ?? 0) * p[1]!) / 1e6;
    }, 0);
    expect(cost).toBeCloseTo(expected, 15);
  });
});

describe("text evolution and the judge", () => {
  const textTask = {
    kind: "text" as const,
    description: "A four-line poem about the sea.",
    descriptors: [
      { name: "tone", min: 0, max: 1, rubric: "0 = melancholic … 1 = joyful" },
      { name: "genre", min: 0, max: 1, rubric: "0 = romantic … 1 = horror" },
    ],
  };

  it("text mutation in full and diff modes", async () => {
    const parent = "Grey water folds\nover grey stones;\nthe gulls are gone,\nthe tide moans.";
    mock.setScript([
      reply.text("Here you go:\n```text\nBright water laughs\nover warm stones;\nthe gulls are back,\nthe tide hums.\n```"),
      reply.diff([["the tide moans.", "the tide sings."]]),
    ]);
    const op = operator();
    const full = await op.mutate({ task: textTask, parent: { genome: parent, fitness: 0.5, descriptors: [0.1, 0.2] }, targetNiche: { descriptors: [0.9, 0.2] }, seed: 1 });
    expect(full).toMatchObject({ ok: true, genome: "Bright water laughs\nover warm stones;\nthe gulls are back,\nthe tide hums." });
    expect(mock.completions.at(-1)!.body.messages[1].content).toContain("- tone ≈ 0.9 (0 = melancholic … 1 = joyful)");
    const diff = await op.mutate({ task: textTask, parent: { genome: parent }, seed: 2, mode: "diff" });
    expect(diff).toMatchObject({ ok: true, genome: parent.replace("moans", "sings") });
 
    // Diff mode, but the reply is a complete text: accepted as a full rewrite, as for programs.
    mock.setScript([reply.text("```text\nStill water sleeps\nunder pale stones.\n```"), reply.text("Still water sleeps\nunder pale stones.")]);
    expect(await op.mutate({ task: textTask, parent: { genome: parent }, seed: 3, mode: "diff" })).toMatchObject({ ok: true, fallback: "full", genome: "Still water sleeps\nunder pale stones." });
    expect(await op.mutate({ task: textTask, parent: { genome: parent }, seed: 4, mode: "diff" })).toMatchObject({ ok: true, fallback: "full", genome: "Still water sleeps\nunder pale stones." });
    // Turned off, such a reply is a parse failure.
    mock.setScript([reply.text("Still water sleeps.")]);
    expect(await operator({ diffFallbackToFull: false }).mutate({ task: textTask, parent: { genome: parent }, seed: 5, mode: "diff" })).toMatchObject({ ok: false, stage: "parse", reason: expect.stringContaining("no SEARCH/REPLACE blocks") });
  });

  it("the judge rates quality and rubric descriptors, normalised to [0, 1]", async () => {
    mock.setScript([
      reply.text('```json\n{"quality": 8, "descriptors": {"tone": 0.9, "genre": 0.1}}\n```', { promptTokens: 300, completionTokens: 30 }),
      reply.text("It is a lovely poem, I would give it a high score."),
      reply.rateLimited(undefined, { retryAfterMs: 20 }),
      reply.text('{"quality": 11, "tone": 1.4, "genre": "30%"}'),
    ]);
    const judge = createLlmJudge({ baseURL: mock.baseURL, model: "gpt-4o-mini", apiKeyEnv: "QD_OP_KEY" }, { env });
    const req = { text: "Bright water laughs", task: textTask.description, descriptors: textTask.descriptors.map((d) => ({ name: d.name, rubric: d.rubric })), seed: 3 };
    const r = await judge.judge(req);
    expect(r).toMatchObject({ ok: true, quality: 0.8, descriptors: [0.9, 0.1], scores: { quality: 0.8, tone: 0.9, genre: 0.1 }, usage: { promptTokens: 300, completionTokens: 30 } });
    if (r.ok) expect(r.costUsd).toBeCloseTo((300 * 0.15 + 30 * 0.6) / 1e6, 15);
    const sent = mock.completions.at(-1)!.body;
    expect(sent.temperature).toBe(0);
    expect(sent.messages[1].content).toContain("- tone: 0 = melancholic … 1 = joyful");
    expect(sent.messages[1].content).toContain("Bright water laughs");
    expect(await judge.judge(req)).toMatchObject({ ok: false, stage: "parse", reason: expect.stringContaining("missing quality, tone, genre") });
    const clamped = await judge.judge(req);
    expect(clamped).toMatchObject({ ok: true, quality: 1, attempts: 2 });
    if (clamped.ok) {
      expect(clamped.descriptors[0]).toBeCloseTo(0.14, 12); // 1.4 read as a 0–10 answer
      expect(clamped.descriptors[1]).toBeCloseTo(0.3, 12);
    }
  });
});

describe("secrets", () => {
  it("the API key never appears in prompts, bodies, results or anything but the Authorization header", () => {
    const auth = mock.requests.filter((r) => r.headers.authorization === `Bearer ${KEY}`).length;
    expect(auth).toBeGreaterThan(10);
    expect(mock.wire.split(KEY).length - 1).toBe(auth);
    for (const r of mock.completions) {
      expect(r.rawBody).not.toContain(KEY);
      for (const m of r.body.messages) expect(m.content).not.toContain(KEY);
    }
  });
});
