/**
 * Normal form of a program or text for duplicate detection (browser-safe): comments removed as
 * the language writes them (string literals are kept intact), then the rest split into tokens and
 * joined by single spaces, so two programs that differ only in layout or comments are equal.
 */

/** How a language writes comments and strings. */
interface CommentSyntax {
  line: string[];
  block: [open: string, close: string][];
  /** Quote characters that open a string literal (the comment markers inside are not comments). */
  quotes: string[];
}

const C_LIKE: CommentSyntax = { line: ["//"], block: [["/*", "*/"]], quotes: ['"', "'", "`"] };
const HASH: CommentSyntax = { line: ["#"], block: [], quotes: ['"', "'"] };
const SYNTAX: Record<string, CommentSyntax> = {
  javascript: C_LIKE,
  typescript: C_LIKE,
  c: C_LIKE,
  cpp: C_LIKE,
  rust: { ...C_LIKE, quotes: ['"'] },
  go: C_LIKE,
  java: C_LIKE,
  csharp: C_LIKE,
  verilog: { ...C_LIKE, quotes: ['"'] },
  python: HASH,
  ruby: HASH,
  r: HASH,
  bash: HASH,
  julia: { line: ["#"], block: [["#=", "=#"]], quotes: ['"'] },
  lua: { line: ["--"], block: [["--[[", "]]"]], quotes: ['"', "'"] },
  haskell: { line: ["--"], block: [["{-", "-}"]], quotes: ['"'] },
};

/**
 * "auto", for genomes of unknown language (text genomes of a user evaluator): block comments, and
 * lines that start with //, # or --. Comments after code on a line stay (they could be string content).
 */
function stripWholeLineComments(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .split("\n")
    .filter((line) => !/^\s*(\/\/|#|--)/.test(line))
    .join("\n");
}

/** The program without its comments. Unknown languages and "text" come back unchanged. */
export function stripComments(source: string, language: string): string {
  if (language === "auto") return stripWholeLineComments(source);
  const syntax = SYNTAX[language.toLowerCase()];
  if (!syntax) return source;
  let out = "";
  let i = 0;
  const n = source.length;
  outer: while (i < n) {
    // Block comments first: Lua's "--[[" must win over its line comment "--".
    for (const [open, close] of syntax.block) {
      if (source.startsWith(open, i)) {
        const end = source.indexOf(close, i + open.length);
        i = end < 0 ? n : end + close.length;
        out += " ";
        continue outer;
      }
    }
    for (const marker of syntax.line) {
      if (source.startsWith(marker, i)) {
        const end = source.indexOf("\n", i);
        i = end < 0 ? n : end;
        continue outer;
      }
    }
    const ch = source[i]!;
    if (syntax.quotes.includes(ch)) {
      // Copy the literal through its closing quote (backslash escapes respected).
      let j = i + 1;
      while (j < n && source[j] !== ch) j += source[j] === "\\" ? 2 : 1;
      out += source.slice(i, Math.min(n, j + 1));
      i = j + 1;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** Words, numbers (with their decimals and exponent) and single punctuation characters. */
const TOKEN = /[\p{L}\p{N}_$]+(?:\.\p{N}+)?(?:[eE][+-]?\p{N}+)?|\S/gu;

export function tokens(normalisedOrRaw: string): string[] {
  return normalisedOrRaw.match(TOKEN) ?? [];
}

/** Comments removed (per language), whitespace reduced to single spaces between tokens. */
export function normalise(source: string, language: string): string {
  return tokens(stripComments(source, language)).join(" ");
}
