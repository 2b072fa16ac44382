/**
 * The program in a model's reply, for programs in any language (the `program` domain).
 * The last closed fence tagged with the language (or one of its aliases, or untagged) wins;
 * a reply with only fences of another language is refused with the tags found, so the model
 * learns which fence to use. Builds on `findFences` (parse.ts).
 */
import { languageInfo } from "../evaluators/program-languages";
import { findFences, type ParseResult } from "./parse";

export function extractProgram(reply: string, language: string, opts: { maxChars?: number } = {}): ParseResult<{ code: string; lang: string }> {
  const text = (reply ?? "").replace(/\r\n?/g, "\n");
  const maxChars = opts.maxChars ?? 256 * 1024;
  if (!text.trim()) return { ok: false, reason: "empty reply" };
  const info = languageInfo(language);
  const fences = findFences(text);
  const ours = fences.filter((f) => info.fences.includes(f.lang));
  const closed = ours.filter((f) => f.closed && f.body.trim());
  if (closed.length === 0) {
    if (ours.some((f) => !f.closed)) return { ok: false, reason: "reply truncated: the code block is never closed" };
    if (fences.length > 0) return { ok: false, reason: `no \`\`\`${info.id} code block in the reply (found ${[...new Set(fences.map((f) => (f.lang ? "```" + f.lang : "an untagged fence")))].join(", ")})` };
    return { ok: false, reason: `no code block in the reply: answer with the program in a \`\`\`${info.id} block` };
  }
  // Prefer a block tagged with the language over an untagged one (often an example or output).
  const tagged = closed.filter((f) => f.lang !== "");
  const pick = (tagged.length ? tagged : closed).at(-1)!;
  const code = pick.body.replace(/^\n+|\s+$/g, "") + "\n";
  if (code.length > maxChars) return { ok: false, reason: `program too long (${code.length} characters > ${maxChars})` };
  return { ok: true, code, lang: pick.lang };
}
