import { describe, expect, it } from "vitest";
import { parseJudgeReply } from "./judge";
import { applySearchReplace, extractCode, extractText, parseSearchReplace, unifiedDiff } from "./parse";
import { costOf, priceOf } from "./pricing";
import { buildMutationPrompt } from "./prompts";

const PARENT = `function pack() {
  const circles = [];
  for (let i = 0; i < 26; i++) {
    circles.push([0.1, 0.1, 0.01]);
  }
  return circles;
}
`;

describe("extractCode", () => {
  it("takes the program from javascript/js/ts/plain fences", () => {
    for (const lang of ["javascript", "js", "ts", "typescript", ""]) {
      const r = extractCode(`Sure!\n\n\`\`\`${lang}\nfunction pack() { return []; }\n\`\`\`\nDone.`, { entry: "pack" });
      expect(r).toEqual({ ok: true, code: "function pack() { return []; }\n", lang });
    }
    // CRLF, indented fence, tildes
    expect(extractCode("```js\r\nfunction pack() {}\r\n```", { entry: "pack" })).toMatchObject({ ok: true, code: "function pack() {}\n" });
    expect(extractCode("~~~javascript\nfunction pack() {}\n~~~", { entry: "pack" })).toMatchObject({ ok: true });
  });

  it("with several blocks, takes the last one that defines the entry", () => {
    const reply = "```js\nfunction helper() {}\n```\n```js\nfunction pack() { return 1; }\n```\n```js\nfunction pack() { return 2; }\n```\n```js\nconsole.log(pack())\n```";
    expect(extractCode(reply, { entry: "pack" })).toMatchObject({ ok: true, code: "function pack() { return 2; }\n" });
    expect(extractCode("```js\nconst pack = () => [];\n```", { entry: "pack" })).toMatchObject({ ok: true });
  });

  it("fails clearly on garbage, truncation, missing entry, other languages", () => {
    expect(extractCode("", { entry: "pack" })).toEqual({ ok: false, reason: "empty reply" });
    expect(extractCode("I'm sorry, I cannot help with that.", { entry: "pack" })).toEqual({ ok: false, reason: "no code block in the reply (and no function pack in it)" });
    expect(extractCode("```javascript\nfunction pack() {\n  return [", { entry: "pack" })).toEqual({ ok: false, reason: "reply truncated: the code block is never closed" });
    expect(extractCode("```js\nfunction other() {}\n```", { entry: "pack" })).toEqual({ ok: false, reason: "the code block does not define function pack" });
    expect(extractCode("```python\ndef pack(): pass\n```", { entry: "pack" })).toMatchObject({ ok: false, reason: expect.stringContaining("```python") });
    expect(extractCode("```js\n" + "x".repeat(200) + "\n```", { maxChars: 100 })).toMatchObject({ ok: false, reason: expect.stringMatching(/too long/) });
  });

  it("accepts bare code only when it defines the entry", () => {
    expect(extractCode("function pack() {\n  return [];\n}", { entry: "pack" })).toMatchObject({ ok: true, code: "function pack() {\n  return [];\n}" });
  });
});

describe("extractText", () => {
  it("fenced or bare text", () => {
    expect(extractText("Here it is:\n```text\nThe sea, the sea.\n```")).toEqual({ ok: true, text: "The sea, the sea." });
    expect(extractText("\n\nThe sea, the sea.\n\n")).toEqual({ ok: true, text: "The sea, the sea." });
    expect(extractText("```text\nhalf a po")).toMatchObject({ ok: false, reason: expect.stringContaining("truncated") });
    expect(extractText("   ")).toEqual({ ok: false, reason: "empty reply" });
  });
});

describe("SEARCH/REPLACE", () => {
  const reply = [
    "Let's use a better radius.",
    "```javascript",
    "<<<<<<< SEARCH",
    "    circles.push([0.1, 0.1, 0.01]);",
    "=======",
    "    circles.push([0.1 + i * 0.03, 0.1, 0.012]);",
    ">>>>>>> REPLACE",
    "```",
    "",
    "<<<<<<< SEARCH",
    "  return circles;",
    "=======",
    "  // done",
    "  return circles;",
    ">>>>>>> REPLACE",
  ].join("\n");

  it("parses blocks (also inside fences) and applies them in order", () => {
    const p = parseSearchReplace(reply);
    expect(p).toMatchObject({ ok: true, blocks: [{ search: "    circles.push([0.1, 0.1, 0.01]);" }, { replace: "  // done\n  return circles;" }] });
    if (!p.ok) return;
    const a = applySearchReplace(PARENT, p.blocks);
    expect(a).toMatchObject({ ok: true, warnings: [] });
    if (a.ok) expect(a.result).toBe(PARENT.replace("[0.1, 0.1, 0.01]", "[0.1 + i * 0.03, 0.1, 0.012]").replace("  return circles;", "  // done\n  return circles;"));
  });

  it("a SEARCH that does not match exactly fails with a clear reason (and a hint for whitespace)", () => {
    const wrong = applySearchReplace(PARENT, [{ search: "circles.push([0.2, 0.1, 0.01]);", replace: "x" }]);
    expect(wrong).toMatchObject({ ok: false, reason: expect.stringMatching(/^SEARCH block 1 does not match the parent exactly: "circles.push\(\[0.2/) });
    const indent = applySearchReplace(PARENT, [{ search: "circles.push([0.1, 0.1, 0.01]);\n}", replace: "x" }]);
    expect(indent).toMatchObject({ ok: false, reason: expect.stringContaining("matches line 4 if indentation and trailing spaces are ignored") });
    // the second block is applied to the result of the first
    const seq = applySearchReplace(PARENT, [
      { search: "const circles = [];", replace: "const out = [];" },
      { search: "const circles = [];", replace: "y" },
    ]);
    expect(seq).toMatchObject({ ok: false, reason: expect.stringMatching(/^SEARCH block 2 does not match/) });
    expect(applySearchReplace(PARENT, [{ search: "  ", replace: "x" }])).toMatchObject({ ok: false, reason: "SEARCH block 1 is empty" });
    expect(applySearchReplace("a\na\n", [{ search: "a", replace: "b" }])).toEqual({ ok: true, result: "b\na\n", warnings: ["SEARCH block 1 occurs more than once; replaced the first occurrence"] });
  });

  it("malformed and truncated blocks", () => {
    expect(parseSearchReplace("no blocks here")).toEqual({ ok: false, reason: "no SEARCH/REPLACE blocks in the reply" });
    expect(parseSearchReplace("<<<<<<< SEARCH\nfoo\n")).toMatchObject({ ok: false, reason: expect.stringMatching(/^reply truncated: block 1 .* no "=======" divider/) });
    expect(parseSearchReplace("<<<<<<< SEARCH\nfoo\n=======\nbar\n")).toMatchObject({ ok: false, reason: expect.stringMatching(/^reply truncated: block 1 .* no ">>>>>>> REPLACE" end/) });
    expect(parseSearchReplace("<<<<<<< SEARCH\nfoo\n>>>>>>> REPLACE")).toMatchObject({ ok: false, reason: expect.stringMatching(/malformed diff: block 1 .* no "=======" divider/) });
    expect(parseSearchReplace("=======\nbar\n>>>>>>> REPLACE")).toMatchObject({ ok: false, reason: expect.stringContaining("without a SEARCH block") });
  });

  it("unified diff of parent and child", () => {
    const child = PARENT.replace("0.01", "0.02");
    const d = unifiedDiff(PARENT, child);
    expect(d).toContain("--- parent\n+++ child\n@@ -1,7 +1,7 @@");
    expect(d).toContain("-    circles.push([0.1, 0.1, 0.01]);\n+    circles.push([0.1, 0.1, 0.02]);");
    expect(unifiedDiff(PARENT, PARENT)).toBe("");
    const long = Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n");
    const d2 = unifiedDiff(long, long.replace("line 3", "LINE 3").replace("line 30", "LINE 30"));
    expect(d2.match(/^@@/gm)).toHaveLength(2);
  });
});

describe("pricing", () => {
  it("exact, dated and provider-prefixed names; overrides; unknown models cost 0", () => {
    expect(priceOf("gpt-4o-mini")).toEqual({ prompt: 0.15, completion: 0.6 });
    expect(priceOf("gpt-4o-mini-2024-07-18")).toEqual({ prompt: 0.15, completion: 0.6 });
    expect(priceOf("gpt-4o")).toEqual({ prompt: 2.5, completion: 10 });
    expect(priceOf("openai/gpt-4.1-mini")).toEqual({ prompt: 0.4, completion: 1.6 });
    expect(priceOf("gpt-4omega")).toBeUndefined();
    expect(costOf("gpt-4o-mini", { promptTokens: 1_000_000, completionTokens: 500_000 })).toBeCloseTo(0.45, 12);
    expect(costOf("qwen2.5-coder:7b", { promptTokens: 1e6, completionTokens: 1e6 })).toBe(0);
    expect(costOf("qwen2.5-coder:7b", { promptTokens: 2000, completionTokens: 1000 }, { "qwen2.5-coder": { prompt: 1, completion: 2 } })).toBeCloseTo(0.004, 12);
  });
});

describe("prompts", () => {
  const task = {
    kind: "code" as const,
    entry: "pack",
    description: "Pack 26 circles.",
    objective: "sum of radii",
    descriptors: [
      { name: "codeLength", min: 0, max: 4000 },
      { name: "minGap", min: 0, max: 0.05 },
    ],
  };
  it("contains the task, parent, inspirations, target niche and the mode's format", () => {
    const p = buildMutationPrompt({
      task,
      parent: { genome: PARENT, fitness: 0.26, descriptors: [120, 0.01], metrics: { runMs: 3 } },
      inspirations: [
        { genome: "function pack() { /* inspiration one */ }", fitness: 1.5, descriptors: [300, 0.002] },
        { genome: "function pack() { /* inspiration two */ }", fitness: 2.1, descriptors: { codeLength: 900, minGap: 0 } },
        { genome: "x", fitness: 0 },
        { genome: "function pack() { /* inspiration four: beyond maxInspirations */ }", fitness: 0 },
      ],
      targetNiche: { descriptors: [2500, 0.04], fitness: null },
      mode: "diff",
    });
    expect(p.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(p.system).toContain("function `pack`");
    const u = p.user;
    expect(u).toContain("Pack 26 circles.");
    expect(u).toContain("- codeLength in [0, 4000]");
    expect(u).toContain("# Parent program\nFitness: 0.26\nDescriptors: codeLength = 120, minGap = 0.01\nMetrics: runMs = 3\n```javascript\n" + PARENT);
    expect(u).toContain("inspiration one");
    expect(u).toContain("Fitness: 2.1\nDescriptors: codeLength = 900, minGap = 0");
    expect(u).not.toContain("inspiration four");
    expect(u).toContain("# Target niche\nWrite a child program whose descriptors move toward this cell, which is empty:\n- codeLength ≈ 2500\n- minGap ≈ 0.04");
    expect(u).toContain("<<<<<<< SEARCH");
    expect(u.indexOf("# Task")).toBeLessThan(u.indexOf("# Parent"));
    expect(u.indexOf("# Parent")).toBeLessThan(u.indexOf("# Inspirations"));
    expect(u.indexOf("# Inspirations")).toBeLessThan(u.indexOf("# Target niche"));
    const full = buildMutationPrompt({ task, parent: { genome: PARENT }, mode: "full", targetNiche: { descriptors: [1, 2], fitness: 1.25 } });
    expect(full.user).toContain("single ```javascript code block that defines `function pack`");
    expect(full.user).toContain("which holds a program with fitness 1.25");
    expect(full.user).not.toContain("<<<<<<< SEARCH");
  });

  it("text prompts use rubrics", () => {
    const p = buildMutationPrompt({
      task: { kind: "text", description: "A short poem about the sea.", descriptors: [{ name: "tone", min: 0, max: 1, rubric: "0 = melancholic … 1 = joyful" }] },
      parent: { genome: "Grey water, grey sky.", fitness: 0.4, descriptors: [0.1] },
      targetNiche: { descriptors: [0.9] },
      mode: "full",
    });
    expect(p.user).toContain("```text\nGrey water, grey sky.\n```");
    expect(p.user).toContain("- tone ≈ 0.9 (0 = melancholic … 1 = joyful)");
    expect(p.user).toContain("single ```text block");
  });
});

describe("judge reply parsing", () => {
  const names = ["tone", "genre"];
  it("JSON (nested or flat, fenced or not), repaired JSON, fractions, percents; normalised and clamped", () => {
    expect(parseJudgeReply('{"quality": 7, "descriptors": {"tone": 0.8, "genre": 0.25}}', names)).toEqual({ ok: true, quality: 0.7, descriptors: [0.8, 0.25] });
    expect(parseJudgeReply('Thoughts...\n```json\n{"quality": "8/10", "tone": "90%", "Genre": 0.1}\n```', names)).toEqual({ ok: true, quality: 0.8, descriptors: [0.9, 0.1] });
    expect(parseJudgeReply("{quality: 12, 'tone': 7, genre: -0.5,}", names)).toEqual({ ok: true, quality: 1, descriptors: [0.7, 0] });
    expect(parseJudgeReply('{"quality": 0.5, "descriptors": {"tone": 1, "genre": 0}}', names, { qualityScale: 1 })).toEqual({ ok: true, quality: 0.5, descriptors: [1, 0] });
    expect(parseJudgeReply("Quality: 6/10\nTone: 0.3\nGenre = 0.6", names)).toEqual({ ok: true, quality: 0.6, descriptors: [0.3, 0.6] });
  });
  it("missing or non-numeric scores fail with the names", () => {
    expect(parseJudgeReply('{"quality": 7, "descriptors": {"tone": 0.8}}', names)).toEqual({ ok: false, reason: "judge reply has no usable scores (missing genre)" });
    expect(parseJudgeReply('{"quality": "great", "tone": 0.1, "genre": 0.2}', names)).toEqual({ ok: false, reason: "judge reply has no usable scores (not a number: quality)" });
    expect(parseJudgeReply("I like it.", names)).toMatchObject({ ok: false, reason: expect.stringContaining("missing quality, tone, genre") });
  });
});
