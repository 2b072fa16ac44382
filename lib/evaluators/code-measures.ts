/**
 * Built-in code descriptors, for a program in any language, measured on every evaluated program
 * whatever its evaluator reports (metric keys usable in descriptor rows):
 *  - codeLength: characters;
 *  - codeLines: lines;
 *  - codeComplexity: 1 + decision points (branching keywords and short-circuit operators of the
 *    language, outside comments and string literals): McCabe's count, approximated by tokens;
 *  - editDistance: characters inserted + deleted to turn the seed (the initial program) into this one.
 */
import { diffChars, diffLines } from "diff";
import { languageInfo } from "./program-languages";

export interface CodeMeasures {
  codeLength: number;
  codeLines: number;
  codeComplexity: number;
  editDistance: number;
}

/** Names and meanings, for the form's metric suggestions and the docs. */
export const CODE_MEASURES: readonly { name: keyof CodeMeasures; description: string }[] = [
  { name: "codeLength", description: "program length in characters" },
  { name: "codeLines", description: "number of lines" },
  { name: "codeComplexity", description: "1 + branching keywords and && / || (McCabe-like)" },
  { name: "editDistance", description: "characters changed from the initial program" },
];

const C_LIKE = ["if", "for", "while", "case", "catch"];
/** Decision keywords per language family; `else if` counts once (its `if`). */
const KEYWORDS: Record<string, string[]> = {
  python: ["if", "elif", "for", "while", "except", "and", "or", "case"],
  ruby: ["if", "elsif", "unless", "for", "while", "until", "when", "rescue", "and", "or"],
  lua: ["if", "elseif", "for", "while", "repeat", "and", "or"],
  julia: ["if", "elseif", "for", "while", "catch"],
  r: ["if", "for", "while", "repeat"],
  bash: ["if", "elif", "for", "while", "until", "case"],
  haskell: ["if", "case", "guard"],
  go: [...C_LIKE, "select"],
  rust: ["if", "for", "while", "loop", "match"],
  verilog: ["if", "for", "while", "case", "casez", "casex"],
};
/** Languages whose `&&` / `||` are operators (C family and most others). */
const NO_SYMBOL_OPERATORS = new Set(["python", "lua", "r", "haskell"]);

/** Comments and string literals, removed before counting (a keyword in a string is no branch). */
function stripNoise(code: string, comment: string): string {
  const line = comment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const block = comment === "//" ? "|/\\*[\\s\\S]*?\\*/" : "";
  const strings = `"""[\\s\\S]*?"""|'''[\\s\\S]*?'''|"(?:[^"\\\\\\n]|\\\\.)*"|'(?:[^'\\\\\\n]|\\\\.)*'|\`(?:[^\`\\\\]|\\\\.)*\``;
  return code.replace(new RegExp(`${strings}${block}|${line}[^\\n]*`, "g"), " ");
}

export function codeComplexity(code: string, language: string): number {
  const info = languageInfo(language);
  const words = KEYWORDS[info.id] ?? C_LIKE;
  const text = stripNoise(code, info.comment);
  let n = 1;
  const re = new RegExp(`\\b(?:${words.join("|")})\\b`, "g");
  n += text.match(re)?.length ?? 0;
  if (!NO_SYMBOL_OPERATORS.has(info.id)) n += text.match(/&&|\|\|/g)?.length ?? 0;
  return n;
}

/**
 * Characters inserted + deleted between two programs: a line diff (fast), then each changed
 * hunk (lines removed, then added) compared character by character when it takes at most
 * `exactUpTo` edits; a hunk (or a program) rewritten beyond that counts whole, which bounds the cost.
 */
export function editDistance(a: string, b: string, exactUpTo = 200): number {
  if (a === b) return 0;
  // More than `exactUpTo` changed lines: a rewrite, counted as everything removed and added.
  const parts = diffLines(a, b, { maxEditLength: exactUpTo });
  if (!parts) return a.length + b.length;
  let d = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (!p.added && !p.removed) continue;
    const next = parts[i + 1];
    if (p.removed && next?.added) {
      const exact = diffChars(p.value, next.value, { maxEditLength: exactUpTo });
      d += exact ? exact.reduce((s, c) => s + (c.added || c.removed ? c.value.length : 0), 0) : p.value.length + next.value.length;
      i++;
    } else d += p.value.length;
  }
  return d;
}

export function codeMeasures(program: string, language: string, seed: string): CodeMeasures {
  return {
    codeLength: program.length,
    codeLines: program.length ? program.replace(/\n$/, "").split("\n").length : 0,
    codeComplexity: codeComplexity(program, language),
    editDistance: editDistance(seed, program),
  };
}
