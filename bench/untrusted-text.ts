/**
 * Untrusted text is handled in linear time: the sandbox host's export stripping and the LLM reply
 * parsers on hostile inputs (issue 12 asks for < 100 ms each). Prints the median of 5 runs in ms.
 */
import { stripExports } from "../lib/sandbox/strip-exports.mjs";
import { parseJudgeReply } from "../lib/llm/judge";
import { extractCode, extractText, parseSearchReplace } from "../lib/llm/parse";

const spaces = " ".repeat(40_000);
const cases: Record<string, () => unknown> = {
  "stripExports: 1 MiB of blank lines": () => stripExports("\n".repeat(1 << 20)),
  "stripExports: 40,000 spaces then export": () => stripExports(spaces + "export const x = 1"),
  "extractCode: 40,000 spaces": () => extractCode(spaces, { entry: "evaluate" }),
  "extractCode: fenced, 40,000 spaces before x": () => extractCode("```js\nfunction evaluate(){}\n" + spaces + "x\n```", { entry: "evaluate" }),
  "extractCode: function + 40,000 spaces": () => extractCode("function" + spaces + "x", { entry: "evaluate" }),
  "extractText: 40,000 spaces then x": () => extractText("a" + spaces + "x"),
  "parseSearchReplace: 40,000 spaces": () => parseSearchReplace(spaces),
  "parseSearchReplace: SEARCH + 500,000 newlines": () => parseSearchReplace("<<<<<<< SEARCH" + "\n".repeat(500_000)),
  "parseJudgeReply: key + 20,000 spaces": () => parseJudgeReply("{a" + " ".repeat(19_990) + "x}", ["tone"]),
};

const ms: Record<string, number> = {};
for (const [name, run] of Object.entries(cases)) {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  ms[name] = Math.round(times[2]! * 100) / 100;
  process.stderr.write(`${name}: ${ms[name]} ms\n`);
}
const worst = Math.max(...Object.values(ms));
console.log(JSON.stringify({ unit: "ms (median of 5)", limitMs: 100, worstMs: worst, withinLimit: worst < 100, cases: ms }));
