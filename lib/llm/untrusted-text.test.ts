/**
 * Untrusted text (model replies, user programs) is handled in linear time. Each input here took
 * seconds to minutes with the old backtracking regexes; the generous timeout only catches a hang.
 */
import { describe, expect, it } from "vitest";
import { stripExports } from "../sandbox/strip-exports.mjs";
import { parseJudgeReply } from "./judge";
import { MAX_REPLY_CHARS, extractCode, extractText, parseSearchReplace } from "./parse";

const N = 200_000;
const blanks = " ".repeat(N);

describe("LLM replies are parsed in linear time", () => {
  it("a code block with a long blank run before its last character", { timeout: 20_000 }, () => {
    const r = extractCode("```js\nfunction evaluate(g) { return g }\n" + blanks + "x\n" + blanks + "\n```", { entry: "evaluate", maxChars: 10 * N });
    expect(r).toMatchObject({ ok: true });
    if (r.ok) expect(r.code.endsWith("x\n")).toBe(true);
  });

  it("bare text: `function` followed by a long blank run", { timeout: 20_000 }, () => {
    expect(extractCode("function" + blanks + "x", { entry: "evaluate" })).toEqual({ ok: false, reason: "no code block in the reply (and no function evaluate in it)" });
    expect(extractCode("function" + blanks + "evaluate(g) { return 1 }", { entry: "evaluate", maxChars: 10 * N })).toMatchObject({ ok: true });
  });

  it("text genomes: blank runs inside and around the text", { timeout: 20_000 }, () => {
    expect(extractText("\n\n   \n" + "a" + blanks + "b" + blanks + "\n\n", { maxChars: 10 * N })).toEqual({ ok: true, text: "a" + blanks + "b" });
    expect(extractText(" ".repeat(40_000))).toEqual({ ok: false, reason: "empty reply" });
  });

  it("SEARCH/REPLACE: many blank or marker-like lines", { timeout: 20_000 }, () => {
    expect(parseSearchReplace("\n".repeat(N))).toEqual({ ok: false, reason: "no SEARCH/REPLACE blocks in the reply" });
    const lines = `<<<<<<< SEARCH\n${"=".repeat(4)}\n`.repeat(20_000);
    expect(parseSearchReplace(lines)).toMatchObject({ ok: false, reason: expect.stringContaining("has no \"=======\" divider") });
  });

  it("replies above the size cap are refused before parsing", () => {
    const huge = "x".repeat(MAX_REPLY_CHARS + 1);
    const reason = `reply too long (${MAX_REPLY_CHARS + 1} characters > ${MAX_REPLY_CHARS})`;
    expect(extractCode(huge, { entry: "evaluate" })).toEqual({ ok: false, reason });
    expect(extractText(huge)).toEqual({ ok: false, reason });
    expect(parseSearchReplace(huge)).toEqual({ ok: false, reason });
  });

  it("judge replies: an unquoted key followed by a long blank run", { timeout: 20_000 }, () => {
    expect(parseJudgeReply("{a" + " ".repeat(19_990) + "x}", ["tone"])).toMatchObject({ ok: false });
    expect(parseJudgeReply("{quality: 7, overall tone : 0.5}", ["overall tone"])).toEqual({ ok: true, quality: 0.7, descriptors: [0.5] });
  });
});

describe("the sandbox host strips exports in linear time", () => {
  it("1 MiB of blank lines, long indentation, many `export` words", { timeout: 20_000 }, () => {
    const blankLines = "\n".repeat(1 << 20);
    expect(stripExports(blankLines)).toBe(blankLines);
    expect(stripExports(" ".repeat(N) + "export const x = 1")).toBe(" ".repeat(N) + "const x = 1");
    const words = "export ".repeat(50_000);
    expect(stripExports(words)).toBe(words);
  });

  it("keeps the old meaning on ordinary programs", () => {
    expect(stripExports("export default async function f(){}\n  export const x = 1\nexport\tclass A {}\nexportfoo\nexports.y = 2\nx; export let z")).toBe(
      "async function f(){}\n  const x = 1\nclass A {}\nexportfoo\nexports.y = 2\nx; export let z",
    );
    expect(stripExports("export defaultfunction g(){}\r\nexport   function h(){}")).toBe("export defaultfunction g(){}\r\nfunction h(){}");
  });
});
