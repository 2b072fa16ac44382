import type { LlmClient } from "@/lib/llm/client";

/**
 * The LLM novelty judge (ShinkaEvolve's): for a candidate in the borderline similarity band, the model
 * is shown the stored program (or text) it resembles and asked whether the new one is meaningfully
 * different. Its verdict and spend are returned for the candidate's record.
 */
export interface NoveltyVerdict {
  /** null: the reply said neither (the candidate is admitted: no evaluation is refused on a guess). */
  different: boolean | null;
  reason: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

const SYSTEM =
  "You compare two candidates of an evolutionary search. Say whether the NEW one is meaningfully different from the STORED one " +
  "(another idea, algorithm, structure or content) or only a cosmetic variant of it (renamed identifiers, reordered or reformatted lines, " +
  'reworded comments, the same content). Answer with JSON only: {"different": true or false, "reason": "one short sentence"}.';

const cut = (s: string, n = 12_000) => (s.length > n ? `${s.slice(0, n)}\n… (${s.length - n} more characters)` : s);

export async function askNoveltyJudge(client: LlmClient, o: { candidate: string; original: string; similarity: number; model?: string; seed?: number; signal?: AbortSignal }): Promise<NoveltyVerdict> {
  const user = `Their similarity is ${o.similarity.toFixed(3)} (1 = identical).\n\n# STORED\n\`\`\`\n${cut(o.original)}\n\`\`\`\n\n# NEW\n\`\`\`\n${cut(o.candidate)}\n\`\`\`\n\nIs the NEW one meaningfully different?`;
  const r = await client.complete({ messages: [{ role: "system", content: SYSTEM }, { role: "user", content: user }], temperature: 0, seed: o.seed, signal: o.signal, ...(o.model ? { model: o.model } : {}) });
  const spent = { model: r.model, promptTokens: r.promptTokens, completionTokens: r.completionTokens, costUsd: r.costUsd };
  if (!r.ok) return { different: null, reason: `the judge call failed: ${r.error.kind}: ${r.error.message}`, ...spent };
  return { ...parseNoveltyReply(r.text), ...spent };
}

/** `{"different": false, "reason": …}`, or a reply starting with yes/no. */
export function parseNoveltyReply(text: string): { different: boolean | null; reason: string } {
  const flag = /"different"\s*:\s*(true|false)/i.exec(text);
  const reason = /"reason"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text)?.[1]?.replace(/\\"/g, '"').slice(0, 300);
  if (flag) return { different: flag[1]!.toLowerCase() === "true", reason: reason ?? "" };
  const yn = /^\s*\**\s*(yes|no)\b/i.exec(text);
  if (yn) return { different: yn[1]!.toLowerCase() === "yes", reason: text.trim().slice(0, 300) };
  return { different: null, reason: `unusable verdict: ${text.trim().slice(0, 200)}` };
}
