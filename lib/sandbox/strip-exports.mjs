/**
 * `export function f` / `export const x` / `export default function f` -> plain declarations, so
 * ESM-looking user code runs as a script in the sandbox.
 *
 * Linear time on any input: a scan from one `export` word to the next (the old multiline regex
 * started with `^\s*`, which spans newlines, so a program of blank lines took quadratic time).
 * Each check looks back only over the blanks right before its `export` and forward over the
 * blanks after it, so no character is looked at more than a constant number of times.
 * @param {string} code
 * @returns {string}
 */
export function stripExports(code) {
  let out = "";
  let copied = 0;
  for (let at = code.indexOf("export"); at !== -1; at = code.indexOf("export", at + 6)) {
    if (!atLineStart(code, at)) continue;
    let decl = skipBlanks(code, at + 6);
    if (decl === at + 6) continue; // `exports`, `exported`, `export{`…
    if (code.startsWith("default", decl)) {
      const next = skipBlanks(code, decl + 7);
      if (next === decl + 7) continue; // `defaultfunction`, `default(`…
      decl = next;
    }
    if (!DECLARATION.test(code.slice(decl, decl + 16))) continue;
    out += code.slice(copied, at);
    copied = decl;
  }
  return out + code.slice(copied);
}

const DECLARATION = /^(?:async[ \t]+function|function|const|let|var|class)\b/;

function isBlank(c) {
  return c === " " || c === "\t";
}

function atLineStart(code, at) {
  let i = at - 1;
  while (i >= 0 && isBlank(code[i])) i--;
  return i < 0 || code[i] === "\n" || code[i] === "\r";
}

function skipBlanks(code, i) {
  while (i < code.length && isBlank(code[i])) i++;
  return i;
}
