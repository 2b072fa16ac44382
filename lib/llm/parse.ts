/**
 * Parsing model replies.
 *
 * - `extractCode(reply, { entry })`: the program in a reply. Accepts ```javascript / ```js /
 *   ```ts / ```typescript / ```jsx / ```tsx / plain ``` fences; with several blocks, the last one
 *   that defines `entry` wins (else the longest). A reply with no fence is accepted only when it
 *   defines `entry` itself (models sometimes answer with bare code). An opened but never closed
 *   fence (truncated reply) is a failure.
 * - `extractText(reply)`: for text genomes: the content of a ```text (or any) fence, else the
 *   whole reply minus surrounding blank lines.
 * - `parseSearchReplace(reply)` / `applySearchReplace(parent, blocks)`: the OpenEvolve/Aider
 *   diff format
 *       <<<<<<< SEARCH
 *       exact lines of the parent
 *       =======
 *       replacement lines
 *       >>>>>>> REPLACE
 *   Blocks are applied in order, each to the result of the previous one; a SEARCH text must occur
 *   exactly (character for character; CRLF is normalised to LF). A SEARCH that is not found fails
 *   with the block number and, when a match ignoring indentation/trailing spaces exists, a hint.
 *   A SEARCH found more than once replaces the first occurrence (like OpenEvolve) and adds a warning.
 *
 * All functions return `{ ok: false, reason }` rather than throwing.
 *
 * Replies are untrusted text: every function here runs in linear time (no regex with nested or
 * adjacent unbounded quantifiers that can backtrack, trims by String.trim*), and a reply longer
 * than MAX_REPLY_CHARS is refused before any parsing.
 */

export type ParseResult<T> = ({ ok: true } & T) | { ok: false; reason: string };

/** Longer than any model's output limit (~64k tokens); bigger replies are refused unparsed. */
export const MAX_REPLY_CHARS = 512 * 1024;

function tooLong(reply: string | undefined): { ok: false; reason: string } | null {
  const n = reply?.length ?? 0;
  return n > MAX_REPLY_CHARS ? { ok: false, reason: `reply too long (${n} characters > ${MAX_REPLY_CHARS})` } : null;
}

/** Drop leading blank lines (up to the last newline before the first visible character). */
function dropLeadingBlankLines(s: string): string {
  const first = s.length - s.trimStart().length;
  const nl = s.lastIndexOf("\n", first - 1);
  return nl >= 0 ? s.slice(nl + 1) : s;
}

const FENCE_OPEN = /^[ \t]*(`{3,}|~{3,})[ \t]*([A-Za-z0-9_+#.-]*)[^\n]*$/;
const CODE_LANGS = new Set(["", "js", "javascript", "mjs", "cjs", "ts", "typescript", "jsx", "tsx", "node", "ecmascript"]);

interface Fence {
  lang: string;
  body: string;
  closed: boolean;
}

/** All fenced blocks of a reply, in order (an unclosed last fence has closed: false). */
export function findFences(reply: string): Fence[] {
  const lines = normalize(reply).split("\n");
  const out: Fence[] = [];
  let i = 0;
  while (i < lines.length) {
    const m = startsWithAny(lines[i]!, "`~") ? FENCE_OPEN.exec(lines[i]!) : null;
    if (!m) {
      i++;
      continue;
    }
    const marker = m[1]!;
    const lang = m[2]!.toLowerCase();
    const body: string[] = [];
    let j = i + 1;
    let closed = false;
    for (; j < lines.length; j++) {
      if (!startsWithAny(lines[j]!, marker[0]!)) {
        body.push(lines[j]!);
        continue;
      }
      const l = lines[j]!.trim();
      if (l.startsWith(marker[0]!.repeat(marker.length)) && /^(`{3,}|~{3,})$/.test(l)) {
        closed = true;
        break;
      }
      body.push(lines[j]!);
    }
    out.push({ lang, body: body.join("\n"), closed });
    i = j + 1;
  }
  return out;
}

/** Whether the first non-blank character of `line` is one of `chars` (a cheap pre-check before a regex). */
function startsWithAny(line: string, chars: string): boolean {
  let i = 0;
  while (i < line.length && (line[i] === " " || line[i] === "\t")) i++;
  return i < line.length && chars.includes(line[i]!);
}

function normalize(s: string): string {
  return s.replace(/\r\n?/g, "\n");
}

function definesEntry(code: string, entry: string | undefined): boolean {
  if (!entry) return true;
  const e = entry.replace(/[$]/g, "\\$");
  // `\s*(?:\*\s*)?`, not `\s*\*?\s*`: two adjacent `\s*` backtrack quadratically on long blank runs.
  return new RegExp(`(function\\s*(?:\\*\\s*)?${e}\\s*\\(|\\b(const|let|var)\\s+${e}\\s*=|\\bclass\\s+${e}\\b)`).test(code);
}

/** The program in a reply. */
export function extractCode(reply: string, opts: { entry?: string; maxChars?: number } = {}): ParseResult<{ code: string; lang: string }> {
  const refused = tooLong(reply);
  if (refused) return refused;
  const text = normalize(reply ?? "");
  const maxChars = opts.maxChars ?? 256 * 1024;
  if (!text.trim()) return { ok: false, reason: "empty reply" };
  const fences = findFences(text);
  const code = fences.filter((f) => CODE_LANGS.has(f.lang));
  const closed = code.filter((f) => f.closed && f.body.trim());
  if (closed.length === 0) {
    if (code.some((f) => !f.closed)) return { ok: false, reason: "reply truncated: the code block is never closed" };
    if (fences.length > 0 && code.length === 0) return { ok: false, reason: `no JavaScript code block in the reply (found a \`\`\`${fences[0]!.lang} block)` };
    // bare code: accept only if it plainly is the program
    if (opts.entry && definesEntry(text, opts.entry) && !/<<<<<<< SEARCH/.test(text)) return sized({ code: text.trim(), lang: "" }, maxChars);
    return { ok: false, reason: opts.entry ? `no code block in the reply (and no function ${opts.entry} in it)` : "no code block in the reply" };
  }
  const withEntry = closed.filter((f) => definesEntry(f.body, opts.entry));
  let pick: Fence;
  if (withEntry.length > 0) pick = withEntry[withEntry.length - 1]!;
  else if (opts.entry) return { ok: false, reason: `the code block does not define function ${opts.entry}` };
  else pick = closed.reduce((a, b) => (b.body.length > a.body.length ? b : a));
  return sized({ code: pick.body.replace(/^\n+/, "").trimEnd() + "\n", lang: pick.lang }, maxChars);
}

function sized<T extends { code: string }>(r: T, maxChars: number): ParseResult<T> {
  if (r.code.length > maxChars) return { ok: false, reason: `program too long (${r.code.length} characters > ${maxChars})` };
  return { ok: true, ...r };
}

/** A text genome in a reply. */
export function extractText(reply: string, opts: { maxChars?: number } = {}): ParseResult<{ text: string }> {
  const refused = tooLong(reply);
  if (refused) return refused;
  const text = normalize(reply ?? "");
  const maxChars = opts.maxChars ?? 64 * 1024;
  const fences = findFences(text);
  let out: string;
  const closed = fences.filter((f) => f.closed && f.body.trim());
  if (closed.length > 0) {
    const pref = closed.filter((f) => f.lang === "text" || f.lang === "" || f.lang === "markdown" || f.lang === "md");
    out = (pref.length ? pref : closed).reduce((a, b) => (b.body.length > a.body.length ? b : a)).body;
  } else if (fences.some((f) => !f.closed)) {
    return { ok: false, reason: "reply truncated: the text block is never closed" };
  } else out = text;
  out = dropLeadingBlankLines(out).trimEnd();
  if (!out.trim()) return { ok: false, reason: "empty reply" };
  if (out.length > maxChars) return { ok: false, reason: `text too long (${out.length} characters > ${maxChars})` };
  return { ok: true, text: out };
}

export interface SearchReplaceBlock {
  search: string;
  replace: string;
}

const SEARCH_RE = /^[ \t]*<{5,9}[ \t]*SEARCH[ \t]*$/;
const DIVIDER_RE = /^[ \t]*={5,9}[ \t]*$/;
const REPLACE_RE = /^[ \t]*>{5,9}[ \t]*REPLACE[ \t]*$/;

/** SEARCH/REPLACE blocks of a reply (they may sit inside code fences). */
export function parseSearchReplace(reply: string): ParseResult<{ blocks: SearchReplaceBlock[] }> {
  const refused = tooLong(reply);
  if (refused) return refused;
  if (!reply?.includes("SEARCH") && !reply?.includes("REPLACE")) return { ok: false, reason: "no SEARCH/REPLACE blocks in the reply" };
  const lines = normalize(reply ?? "").split("\n");
  const blocks: SearchReplaceBlock[] = [];
  const isSearch = (l: string) => startsWithAny(l, "<") && SEARCH_RE.test(l);
  const isDivider = (l: string) => startsWithAny(l, "=") && DIVIDER_RE.test(l);
  const isReplace = (l: string) => startsWithAny(l, ">") && REPLACE_RE.test(l);
  let i = 0;
  while (i < lines.length) {
    if (!isSearch(lines[i]!)) {
      // a stray REPLACE outside a block is malformed (a stray divider is just text)
      if (isReplace(lines[i]!)) return { ok: false, reason: `malformed diff: ">>>>>>> REPLACE" without a SEARCH block (line ${i + 1})` };
      i++;
      continue;
    }
    const start = i + 1;
    const search: string[] = [];
    let j = i + 1;
    while (j < lines.length && !isDivider(lines[j]!)) {
      if (isSearch(lines[j]!) || isReplace(lines[j]!)) return { ok: false, reason: `malformed diff: block ${blocks.length + 1} (line ${start}) has no "=======" divider` };
      search.push(lines[j]!);
      j++;
    }
    if (j >= lines.length) return { ok: false, reason: `reply truncated: block ${blocks.length + 1} (line ${start}) has no "=======" divider` };
    const replace: string[] = [];
    j++;
    while (j < lines.length && !isReplace(lines[j]!)) {
      if (isSearch(lines[j]!)) return { ok: false, reason: `malformed diff: block ${blocks.length + 1} (line ${start}) has no ">>>>>>> REPLACE" end` };
      replace.push(lines[j]!);
      j++;
    }
    if (j >= lines.length) return { ok: false, reason: `reply truncated: block ${blocks.length + 1} (line ${start}) has no ">>>>>>> REPLACE" end` };
    blocks.push({ search: search.join("\n"), replace: replace.join("\n") });
    i = j + 1;
  }
  if (blocks.length === 0) return { ok: false, reason: "no SEARCH/REPLACE blocks in the reply" };
  return { ok: true, blocks };
}

function looseLines(s: string): string[] {
  return s.split("\n").map((l) => l.trim());
}

/** Apply blocks to the parent, in order. */
export function applySearchReplace(parent: string, blocks: SearchReplaceBlock[]): ParseResult<{ result: string; warnings: string[] }> {
  let out = normalize(parent);
  const warnings: string[] = [];
  for (let k = 0; k < blocks.length; k++) {
    const { search, replace } = blocks[k]!;
    if (search.trim() === "") return { ok: false, reason: `SEARCH block ${k + 1} is empty` };
    const at = out.indexOf(search);
    if (at < 0) {
      const preview = JSON.stringify(search.length > 80 ? search.slice(0, 80) + "…" : search);
      let hint = "";
      const want = looseLines(search);
      const have = looseLines(out);
      // The hint compares line windows: skip it when that would cost too much (huge inputs).
      const affordable = want.length * Math.max(0, have.length - want.length + 1) <= 4_000_000;
      for (let i = 0; affordable && i + want.length <= have.length; i++) {
        if (want.every((w, d) => w === have[i + d])) {
          hint = ` (it matches line ${i + 1} if indentation and trailing spaces are ignored; SEARCH must match exactly)`;
          break;
        }
      }
      return { ok: false, reason: `SEARCH block ${k + 1} does not match the parent exactly: ${preview}${hint}` };
    }
    if (out.indexOf(search, at + 1) >= 0) warnings.push(`SEARCH block ${k + 1} occurs more than once; replaced the first occurrence`);
    out = out.slice(0, at) + replace + out.slice(at + search.length);
  }
  return { ok: true, result: out, warnings };
}

/** Render blocks back in the canonical format (what is stored as the child's `diff`). */
export function formatSearchReplace(blocks: SearchReplaceBlock[]): string {
  return blocks.map((b) => `<<<<<<< SEARCH\n${b.search}\n=======\n${b.replace}\n>>>>>>> REPLACE`).join("\n\n") + "\n";
}

/**
 * Line-based unified diff (LCS) from `a` to `b`, for showing a child against its parent.
 * Inputs above `maxLines` lines each fall back to a whole-file replacement hunk.
 */
export function unifiedDiff(a: string, b: string, opts: { context?: number; maxLines?: number; fromName?: string; toName?: string } = {}): string {
  const ctx = opts.context ?? 3;
  const A = normalize(a).replace(/\n$/, "").split("\n");
  const B = normalize(b).replace(/\n$/, "").split("\n");
  if (a === b) return "";
  type Op = { t: " " | "-" | "+"; line: string; ai: number; bi: number };
  const ops: Op[] = [];
  const maxLines = opts.maxLines ?? 4000;
  if (A.length > maxLines || B.length > maxLines) {
    A.forEach((line, i) => ops.push({ t: "-", line, ai: i, bi: 0 }));
    B.forEach((line, i) => ops.push({ t: "+", line, ai: A.length, bi: i }));
  } else {
    // trim common prefix/suffix, LCS table on the middle
    let p = 0;
    while (p < A.length && p < B.length && A[p] === B[p]) p++;
    let s = 0;
    while (s < A.length - p && s < B.length - p && A[A.length - 1 - s] === B[B.length - 1 - s]) s++;
    const a2 = A.slice(p, A.length - s);
    const b2 = B.slice(p, B.length - s);
    const n = a2.length;
    const m = b2.length;
    const L = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        L[i * (m + 1) + j] = a2[i] === b2[j] ? L[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(L[(i + 1) * (m + 1) + j]!, L[i * (m + 1) + j + 1]!);
    for (let i = 0; i < p; i++) ops.push({ t: " ", line: A[i]!, ai: i, bi: i });
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a2[i] === b2[j]) {
        ops.push({ t: " ", line: a2[i]!, ai: p + i, bi: p + j });
        i++;
        j++;
      } else if (i < n && (j >= m || L[(i + 1) * (m + 1) + j]! >= L[i * (m + 1) + j + 1]!)) {
        ops.push({ t: "-", line: a2[i]!, ai: p + i, bi: p + j });
        i++;
      } else {
        ops.push({ t: "+", line: b2[j]!, ai: p + i, bi: p + j });
        j++;
      }
    }
    for (let k = 0; k < s; k++) ops.push({ t: " ", line: A[A.length - s + k]!, ai: A.length - s + k, bi: B.length - s + k });
  }
  // group into hunks
  const out: string[] = [`--- ${opts.fromName ?? "parent"}`, `+++ ${opts.toName ?? "child"}`];
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && ops[k]!.t === " ") k++;
    if (k >= ops.length) break;
    let start = Math.max(0, k - ctx);
    let end = k;
    // extend while changes are within 2*ctx of each other
    for (;;) {
      while (end < ops.length && ops[end]!.t !== " ") end++;
      let look = end;
      while (look < ops.length && ops[look]!.t === " " && look - end < 2 * ctx) look++;
      if (look < ops.length && ops[look]!.t !== " ") end = look;
      else break;
    }
    const stop = Math.min(ops.length, end + ctx);
    const hunk = ops.slice(start, stop);
    const aStart = hunk[0]!.ai;
    const bStart = hunk[0]!.bi;
    const aLen = hunk.filter((o) => o.t !== "+").length;
    const bLen = hunk.filter((o) => o.t !== "-").length;
    out.push(`@@ -${aLen ? aStart + 1 : aStart},${aLen} +${bLen ? bStart + 1 : bStart},${bLen} @@`);
    for (const o of hunk) out.push(o.t + o.line);
    k = stop;
    start = stop;
  }
  return out.join("\n") + "\n";
}
