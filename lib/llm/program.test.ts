import { describe, expect, it } from "vitest";
import { checkEvolveBlocks, fixedRegions } from "./evolve-blocks";
import { renderFeedback } from "./feedback";
import { createLlmOperator } from "./operator";
import { extractProgram } from "./program-parse";
import { buildMutationPrompt, type PromptTask } from "./prompts";

const PROGRAM = `import math

# EVOLVE-BLOCK-START
def f(x):
    return x
# EVOLVE-BLOCK-END

def g(y):
    return f(y) + 1
`;

describe("EVOLVE-BLOCK markers", () => {
  it("finds the fixed regions around each block (markers included)", () => {
    const r = fixedRegions(PROGRAM);
    expect(r.ok && r.regions).toEqual(["import math\n\n# EVOLVE-BLOCK-START\n", "# EVOLVE-BLOCK-END\n\ndef g(y):\n    return f(y) + 1\n"]);
    expect(fixedRegions("# EVOLVE-BLOCK-START\nx\n")).toMatchObject({ ok: false });
  });

  it("accepts any change inside a block, and a lost trailing newline", () => {
    expect(checkEvolveBlocks(PROGRAM, PROGRAM.replace("return x", "return 2 * x\n\ndef h():\n    pass"))).toEqual({ ok: true });
    expect(checkEvolveBlocks(PROGRAM, PROGRAM.replace(/\n$/, ""))).toEqual({ ok: true });
    expect(checkEvolveBlocks("no markers", "anything")).toEqual({ ok: true });
  });

  it("rejects edits before, after or between blocks, naming the region", () => {
    expect(checkEvolveBlocks(PROGRAM, PROGRAM.replace("import math", "import numpy"))).toMatchObject({ ok: false, reason: expect.stringMatching(/edits outside the EVOLVE-BLOCK regions: the code before the first EVOLVE-BLOCK-START .*"import math"/) });
    expect(checkEvolveBlocks(PROGRAM, PROGRAM.replace("f(y) + 1", "f(y) + 2"))).toMatchObject({ ok: false, reason: expect.stringMatching(/the code after the last EVOLVE-BLOCK-END/) });
    expect(checkEvolveBlocks(PROGRAM, PROGRAM.replace("# EVOLVE-BLOCK-END\n", ""))).toMatchObject({ ok: false });
    const two = PROGRAM + "\n# EVOLVE-BLOCK-START\nz = 1\n# EVOLVE-BLOCK-END\n";
    expect(checkEvolveBlocks(two, two.replace("z = 1", "z = 2"))).toEqual({ ok: true });
    expect(checkEvolveBlocks(two, two.replace("return f(y) + 1", "return 0"))).toMatchObject({ ok: false, reason: expect.stringMatching(/between evolve blocks 1 and 2/) });
  });
});

const task: PromptTask = { kind: "code", language: "python", sandboxed: false, description: "Minimise f.", objective: "the score (higher is better)", evolveBlocks: true };

describe("programs in any language", () => {
  it("extracts the ```python block (aliases too), and says which fences it found otherwise", () => {
    expect(extractProgram("Here:\n```python\nprint(1)\n```\n", "python")).toEqual({ ok: true, code: "print(1)\n", lang: "python" });
    expect(extractProgram("```py\nx = 1\n```\n```\nexample output\n```", "python")).toMatchObject({ ok: true, code: "x = 1\n" });
    expect(extractProgram("```javascript\nlet x\n```", "python")).toEqual({ ok: false, reason: "no ```python code block in the reply (found ```javascript)" });
    expect(extractProgram("```c\nint main(\n", "c")).toEqual({ ok: false, reason: "reply truncated: the code block is never closed" });
  });

  it("prompts speak of the task's language, say 'higher is better' once, and carry the feedback", () => {
    const p = buildMutationPrompt({
      task,
      parent: { genome: PROGRAM, fitness: 0.5, metrics: { combined_score: 0.5, error: "Missing run_search function" } },
      mode: "full",
      feedback: { artifacts: { traceback: "Traceback (most recent call last):\n  File \"program.py\"\nZeroDivisionError: division by zero" }, failedChildren: [{ status: "failed", reason: "evaluate raised ValueError: bad", diff: "-a\n+b" }] },
    });
    expect(p.system).toMatch(/^You are an expert Python programmer/);
    expect(p.system).not.toMatch(/sandbox|ECMAScript|writer/);
    expect(p.user).toContain("```python\nimport math");
    expect(p.user).toContain("Fitness: the score (higher is better).");
    expect(p.user).not.toMatch(/better\)[^\n]*better\)/);
    expect(p.user).toContain('error = "Missing run_search function"');
    expect(p.user).toMatch(/# Evaluation of the parent program\nArtifacts:\n- traceback:\n```\nTraceback[\s\S]*ZeroDivisionError/);
    expect(p.user).toMatch(/# Recent failed attempts[\s\S]*Reason: evaluate raised ValueError: bad/);
    expect(p.user).toMatch(/single ```python code block\.\nOnly the code between the `# EVOLVE-BLOCK-START`/);
    // The shipped JavaScript tasks keep their sandbox wording.
    const js = buildMutationPrompt({ task: { kind: "code", description: "d", entry: "pack", objective: "sum of radii" }, parent: { genome: "function pack() {}" }, mode: "full" });
    expect(js.system).toMatch(/JavaScript programs that are scored automatically in a sandbox/);
    expect(js.user).toContain("Fitness: sum of radii (higher is better).");
  });

  it("a prompt template places the sections; inspirations can show scores only", () => {
    const p = buildMutationPrompt({
      task: { ...task, template: "{{language}} task:\n{{task}}\n---\n{{parent}}\n{{inspirations}}\n{{format}}\n{{unknown}}" },
      parent: { genome: "x = 1" },
      inspirations: [{ genome: "SECRET_CODE = 2", fitness: 0.9 }],
      inspirationCode: false,
      mode: "diff",
    });
    expect(p.user.startsWith("Python task:\n# Task\nMinimise f.")).toBe(true);
    expect(p.user).toContain("## Inspiration 1\nFitness: 0.9");
    expect(p.user).not.toContain("SECRET_CODE");
    expect(p.user).toContain("{{unknown}}");
  });

  it("feedback parts are bounded", () => {
    const long = "line\n".repeat(5000);
    const text = renderFeedback({ logs: long, failedChildren: [{ status: "failed", reason: "x".repeat(10_000), logs: long }], maxChars: 500 });
    expect(text.length).toBeLessThan(2000);
  });
});

describe("operator on a program task (local mock server)", () => {
  it("a whole-program reply in diff mode keeps the fixed regions: accepted; one that edits them: invalid with the reason", async () => {
    const { startOpenAIMock, reply } = await import("../../tests/helpers/openai-mock");
    const good = PROGRAM.replace("return x", "return 3 * x");
    const bad = good.replace("import math", "import os");
    const mock = await startOpenAIMock([reply.code(good, { lang: "python" }), reply.code(bad, { lang: "python" }), reply.diff([["def g(y):", "def g(z):"]])]);
    try {
      const op = createLlmOperator({ baseURL: mock.baseURL, model: "m", mode: "diff", maxRetries: 0 });
      const a = await op.mutate({ task, parent: { genome: PROGRAM }, seed: 1 });
      expect(a).toMatchObject({ ok: true, genome: good, fallback: "full" });
      const b = await op.mutate({ task, parent: { genome: PROGRAM }, seed: 2 });
      expect(b).toMatchObject({ ok: false, stage: "apply", reason: expect.stringMatching(/^edits outside the EVOLVE-BLOCK regions: the code before the first/) });
      const c = await op.mutate({ task, parent: { genome: PROGRAM }, seed: 3 });
      expect(c).toMatchObject({ ok: false, stage: "apply", reason: expect.stringMatching(/the code after the last EVOLVE-BLOCK-END/) });
    } finally {
      await mock.close();
    }
  });
});
