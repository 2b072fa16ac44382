import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExperimentSpec, type ExperimentSpecInput } from "@/lib/experiments/config";
import { createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack, waitForStatus, type TestStack } from "../helpers/stack";
import { reply, startOpenAIMock, type MockReply, type OpenAIMock, type RecordedRequest } from "../helpers/openai-mock";

/**
 * The program domain end to end: the Python example of examples/evolve-program (an OpenEvolve-shaped
 * initial_program.py with EVOLVE-BLOCK markers and an evaluator.py with evaluate_stage1/2 and
 * artifacts) evolved by real workers against the local OpenAI-compatible server, with no adapter.
 */
const EXAMPLE = path.join(__dirname, "../../examples/evolve-program");
const INITIAL = readFileSync(path.join(EXAMPLE, "initial_program.py"), "utf8");
const EVALUATOR = readFileSync(path.join(EXAMPLE, "evaluator.py"), "utf8");

const userPrompt = (req: RecordedRequest) => String(req.body.messages?.[1]?.content ?? "");
const parentOf = (req: RecordedRequest) => userPrompt(req).match(/# Parent program\n[\s\S]*?```python\n([\s\S]*?)\n```/)?.[1] ?? INITIAL.replace(/\n$/, "");

/** The parent with its evolve block replaced (what a model answering with a whole program writes). */
function withBlock(parent: string, body: string): string {
  return parent.replace(/(# EVOLVE-BLOCK-START\n)[\s\S]*?(# EVOLVE-BLOCK-END)/, (_m, a: string, b: string) => `${a}${body.replace(/\n$/, "")}\n${b}`);
}

const GRID_SEARCH = `def search(iterations=2000, bounds=(-5.12, 5.12)):
    """A coarse grid over the box, then a shrinking local search around the best grid point."""
    lo, hi = bounds
    n = 40
    best = None
    for i in range(n + 1):
        for j in range(n + 1):
            x = lo + (hi - lo) * i / n
            y = lo + (hi - lo) * j / n
            value = objective(x, y)
            if best is None or value < best[2]:
                best = (x, y, value)
    step = 0.1
    for _ in range(iterations // 4):
        x = best[0] + random.gauss(0, step)
        y = best[1] + random.gauss(0, step)
        value = objective(x, y)
        if value < best[2]:
            best = (x, y, value)
        step = max(0.001, step * 0.995)
    return best`;

/** The replies, in rotation: better, broken (traceback), outside the block, below the stage-1 threshold, syntax error, a SEARCH/REPLACE. */
function programScript(): (req: RecordedRequest, i: number) => MockReply {
  return (req, i) => {
    const parent = parentOf(req);
    switch (i % 6) {
      case 0:
        return reply.code(withBlock(parent, GRID_SEARCH), { lang: "python" });
      case 1:
        return reply.diff([["        value = objective(x, y)", "        value = objective(x, y) / 0"]]);
      case 2:
        return reply.code(parent.replace("return 20 + dx * dx", "return 10 + dx * dx"), { lang: "python" });
      case 3:
        return reply.code(withBlock(parent, "def search(iterations=2000, bounds=(-5.12, 5.12)):\n    return (4.5, 4.5, objective(4.5, 4.5))"), { lang: "python" });
      case 4:
        return reply.code(withBlock(parent, "def search(iterations=2000, bounds=(-5.12, 5.12):\n    return None"), { lang: "python" });
      default:
        return reply.diff([["def search(iterations=2000, bounds", "def search(iterations=3000, bounds"]]);
    }
  };
}

const spec = (mock: OpenAIMock, over: { domain?: Record<string, unknown>; emitter?: Record<string, unknown> } & Partial<Omit<ExperimentSpecInput, "domain" | "emitter">> = {}): ExperimentSpec =>
  ExperimentSpec.parse({
    name: "function minimisation",
    batchSize: 2,
    budget: { evaluations: 14 },
    seed: 5,
    maxInFlight: 2,
    descriptors: [{ name: "code length", metric: "codeLength", min: 0, max: 2000, bins: 10 }],
    ...over,
    domain: {
      type: "program",
      language: "python",
      initialProgram: INITIAL,
      evaluator: { type: "openevolve", evaluatorFile: EVALUATOR, cascadeThresholds: [0.3], timeoutMs: 20_000 },
      description: "Find the global minimum of a shifted 2-D Rastrigin function; run(iterations) returns (x, y, value).",
      ...over.domain,
    },
    // Duplicate rejection (on by default) is tested in dedupe.test.ts; these scripts count one call per evaluation.
    emitter: { type: "llm", baseURL: mock.baseURL, model: "mock-model", mode: "diff", maxRetries: 1, retryBaseMs: 50, timeoutMs: 5000, dedupe: { mode: "off" }, ...over.emitter },
  });

const SECRET = "py-s3cr3t-7c1e9a";

/** LLM-written Python that attacks the machine from inside search(): each must fail and change nothing outside. */
function hostilePrograms(mockPort: number, outside: string): Record<string, string> {
  const program = (kind: string, lines: string) => `def search(iterations=2000, bounds=(-5.12, 5.12)):\n    # hostile: ${kind}\n${lines.replace(/^/gm, "    ")}\n    return (0.0, 0.0, objective(0.0, 0.0))`;
  return {
    loop: program("loop", "while True:\n    pass"),
    memory: program("memory", "chunks = []\nwhile True:\n    chunks.append(bytearray(50_000_000))"),
    // Bounded, so that a broken limit cannot take the machine down: 3000 sleeping children at most.
    fork: program("fork", "import os, time\nfor _ in range(3000):\n    if os.fork() == 0:\n        time.sleep(20)\n        os._exit(0)"),
    environment: program("environment", 
      "import os\nseen = dict(os.environ)\nfor pid in os.listdir('/proc'):\n    try:\n        seen[pid] = open('/proc/' + pid + '/environ').read()\n    except Exception:\n        pass\nraise ValueError(repr(seen))",
    ),
    filesystem: program("filesystem", `open(${JSON.stringify(outside)}, "w").write("pwned")`),
    network: program("network", `import urllib.request\nurllib.request.urlopen("http://127.0.0.1:${mockPort}/v1/models", timeout=3).read()`),
  };
}

async function run(stack: TestStack, config: ExperimentSpec) {
  const exp = await createExperiment(stack.prisma, config);
  await startExperiment(stack.prisma, stack.queues, exp.id);
  return waitForStatus(stack.prisma, exp.id, 150_000, `experiment ${exp.id} to finish`, ["completed", "failed", "paused"]);
}

describe("program domain: your own Python program and OpenEvolve evaluator", () => {
  let stack: TestStack;
  const mocks: OpenAIMock[] = [];
  const mock = async (script: Parameters<typeof startOpenAIMock>[0]) => {
    const m = await startOpenAIMock(script);
    mocks.push(m);
    return m;
  };

  beforeAll(async () => {
    stack = await createTestStack();
    stack.startWorker({ QD_LLM_WATCH_MS: "300", QD_PROGRAM_TEST_SECRET: SECRET });
  });

  afterAll(async () => {
    await stack?.stop();
    await Promise.all(mocks.map((m) => m.close()));
  });

  it("the OpenEvolve-shaped example runs end to end: cascade, artifacts, EVOLVE-BLOCK violations, tracebacks", async () => {
    const m = await mock(programScript());
    const done = await run(stack, spec(m));
    expect(done.status, done.statusReason ?? "").toBe("completed");
    const solutions = await stack.prisma.solution.findMany({ where: { experimentId: done.id }, orderBy: { createdAt: "asc" } });
    expect(solutions).toHaveLength(14);
    const metric = (s: (typeof solutions)[number], k: string) => (s.metrics as Record<string, unknown> | null)?.[k];

    // The seed ran both stages of the user's evaluator.py, through the shipped harness.
    const seed = solutions.find((s) => s.operator === "seed")!;
    expect(seed.status).toBe("evaluated");
    expect(metric(seed, "stage")).toBe(2);
    expect(metric(seed, "value_score")).toEqual(expect.any(Number));
    expect(seed.fitness).toBeCloseTo(metric(seed, "combined_score") as number, 12);
    expect(seed.logs).toMatch(/--- artifact: trials ---\n5 trials; best value/);

    // A better search was found and kept.
    expect(done.maxFitness!).toBeGreaterThan(0.99);
    expect(seed.fitness!).toBeLessThan(0.9);
    // A program far from the optimum stopped after stage 1 (threshold 0.3), with stage 1's metrics.
    const stopped = solutions.filter((s) => s.status === "evaluated" && metric(s, "stage") === 1);
    expect(stopped.length).toBeGreaterThan(0);
    expect(stopped.every((s) => s.fitness! < 0.3 && metric(s, "value_score") === undefined)).toBe(true);
    // Edits outside the evolve block are invalid, with the reason.
    expect(solutions.some((s) => s.status === "invalid" && /edits outside the EVOLVE-BLOCK regions/.test(s.error ?? ""))).toBe(true);
    // A ZeroDivisionError and a SyntaxError fail in stage 1 with the traceback kept.
    const failed = solutions.filter((s) => s.status === "failed");
    expect(failed.some((s) => /^evaluate_stage1 raised ZeroDivisionError/.test(s.error ?? "") && /--- artifact: traceback ---\nTraceback/.test(s.logs ?? ""))).toBe(true);
    expect(failed.some((s) => /SyntaxError/.test(s.error ?? ""))).toBe(true);
    // A whole-program reply in diff mode is accepted when it keeps the fixed regions.
    expect(solutions.some((s) => s.status === "evaluated" && s.operator === "llm-diff" && /```python/.test(s.reply ?? ""))).toBe(true);

    // Prompts speak of Python programs.
    const first = m.completions[0]!.body.messages;
    expect(first[0].content).toMatch(/expert Python programmer/);
    expect(first[0].content).not.toMatch(/writer|sandbox with only ECMAScript/);
    expect(first[1].content).toContain("```python\n");
    expect(first[1].content).toMatch(/Only the code between the `# EVOLVE-BLOCK-START` and `# EVOLVE-BLOCK-END` markers may change/);
    expect(first[1].content).not.toMatch(/better\)[^\n]*better\)/);
  }, 180_000);

  it("the evaluator's traceback of one generation is in the next prompt for that parent (and not when feedback is off)", async () => {
    const broken = (req: RecordedRequest) => reply.code(withBlock(parentOf(req), "def search(iterations=2000, bounds=(-5.12, 5.12)):\n    return helper_that_does_not_exist(iterations)"), { lang: "python" });
    const sizes: Record<string, number[]> = {};
    for (const feedbackOn of [true, false]) {
      const m = await mock((req) => broken(req));
      const done = await run(
        stack,
        spec(m, {
          // One cell: the seed stays the only elite, so every prompt is about it.
          descriptors: [{ name: "code length", metric: "codeLength", min: 0, max: 100_000, bins: 1 }],
          batchSize: 1,
          maxInFlight: 1,
          budget: { evaluations: 4 },
          domain: feedbackOn ? {} : { feedback: { metrics: false, artifacts: false, logs: false, failedChildren: 0 } },
          emitter: { mode: "full" },
        }),
      );
      expect(done.status, done.statusReason ?? "").toBe("completed");
      const prompts = m.completions.map(userPrompt);
      expect(prompts).toHaveLength(3);
      sizes[feedbackOn ? "on" : "off"] = prompts.map((p) => p.length + String(m.completions[0]!.body.messages[0].content).length);
      if (feedbackOn) {
        // First prompt: the seed's own evaluation (its artifacts), no failures yet.
        expect(prompts[0]).toMatch(/# Evaluation of the parent program[\s\S]*- trials: 5 trials; best value/);
        expect(prompts[0]).not.toContain("Recent failed attempts");
        // Next prompts: the child's NameError traceback, from the evaluator, for the same parent.
        expect(prompts[1]).toMatch(/# Recent failed attempts[\s\S]*Reason: evaluate_stage1 raised NameError: name 'helper_that_does_not_exist' is not defined/);
        expect(prompts[1]).toMatch(/- traceback:\n```\n(… )?[\s\S]*File "[^"]*program\.py", line \d+, in search/);
        expect(prompts[1]).toContain("+    return helper_that_does_not_exist(iterations)");
        expect(prompts[2]).toMatch(/## Attempt 2/);
      } else {
        for (const p of prompts) expect(p).not.toMatch(/NameError|Evaluation of the parent|Metrics:/);
      }
    }
    console.log(`prompt sizes (characters, system + user), feedback on: ${sizes.on!.join(", ")}; off: ${sizes.off!.join(", ")}`);
  }, 180_000);

  it("hostile Python programs (loop, memory, fork bomb, environment, files, network) fail, contained, and change nothing", async () => {
    const outside = path.join(EXAMPLE, `pwned-${process.pid}.txt`);
    let hostile: Record<string, string> = {};
    const kinds = ["loop", "memory", "fork", "environment", "filesystem", "network"];
    const m = await mock((req, i) => reply.code(withBlock(parentOf(req), hostile[kinds[i % kinds.length]!]!), { lang: "python" }));
    hostile = hostilePrograms(m.port, outside);
    const done = await run(
      stack,
      spec(m, {
        batchSize: 1,
        maxInFlight: 1,
        budget: { evaluations: 7 },
        domain: { evaluator: { type: "openevolve", evaluatorFile: EVALUATOR, cascadeThresholds: [0.3], timeoutMs: 5000 } },
        emitter: { mode: "full" },
      }),
    );
    expect(done.status, done.statusReason ?? "").toBe("completed");
    const solutions = await stack.prisma.solution.findMany({ where: { experimentId: done.id } });
    const byKind = (kind: string) => solutions.find((s) => s.genomeText?.includes(`# hostile: ${kind}\n`))!;
    for (const kind of kinds) expect(byKind(kind)?.status, `${kind}: ${byKind(kind)?.error}`).toBe("failed");
    expect(byKind("loop").error).toMatch(/time/i);
    expect(byKind("memory").error).toMatch(/MemoryError|killed|memory/i);
    // The process limit stops the bomb (BlockingIOError), or the timeout kills its whole process group.
    expect(byKind("fork").error).toMatch(/BlockingIOError|Resource temporarily unavailable|timed out .*process group killed/i);
    expect(byKind("filesystem").error).toMatch(/Read-only file system|Permission denied|No such file/);
    expect(byKind("network").error).toMatch(/URLError|Network is unreachable|Connection refused|Errno/);
    // Nothing escaped: no secret in anything stored, no file outside the sandbox, no request to the server.
    expect(JSON.stringify(solutions, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(SECRET);
    expect(existsSync(outside)).toBe(false);
    expect(m.requests.filter((r) => r.url.includes("/v1/models"))).toHaveLength(0);
  }, 300_000);
});
