/**
 * LLM judge (QDAIF-style): the model rates a text's quality and places it on each descriptor
 * rubric the user wrote, e.g. "tone: 0 = melancholic … 1 = joyful".
 *
 *   const judge = createLlmJudge({ baseURL, model, apiKeyEnv: "OPENAI_API_KEY" });
 *   const r = await judge.judge({ text, task: "A short poem about the sea", descriptors: [{ name: "tone", rubric: "0 = melancholic … 1 = joyful" }], seed });
 *   // r: { ok: true, quality: 0.7, descriptors: [0.85], scores: { quality: 0.7, tone: 0.85 }, usage, costUsd, model, ... }
 *   //   | { ok: false, stage: "provider" | "parse", reason, ... }
 *
 * All values are normalised to [0, 1] (map them onto a descriptor's [min, max] with
 * `min + v * (max - min)`; a judged fitness is `quality`, or scale it as you like).
 * The model is asked for JSON `{"quality": 0–10, "descriptors": {"<name>": 0–1, ...}}`; parsing is
 * lenient (a ```json fence or the last JSON object in the reply; single quotes, trailing commas and
 * unquoted keys repaired; a flat `{"quality":…, "<name>":…}` accepted; "7/10" and "70%" accepted;
 * as a last resort `name: number` pairs in prose). Quality is divided by `qualityScale` (10 by
 * default); a descriptor above 1 is read as a 0–10 (≤ 10) or 0–100 (≤ 100) answer. Everything is
 * clamped to [0, 1]. A missing score fails with the names of the missing keys.
 *
 * `temperature` defaults to 0 for the judge (override in the config).
 */
import { z } from "zod";
import { createLlmClient, providerSchema, providerShape, type LlmClient, type LlmClientDeps, type LlmError } from "./client";
import type { Usage } from "./operator";

export const judgeShape = {
  ...providerShape,
  /** The scale the model is asked to rate quality on. */
  qualityScale: z.union([z.literal(1), z.literal(10), z.literal(100)]).default(10),
  /** Texts longer than this are cut before judging. */
  maxTextChars: z.number().int().min(100).max(1_000_000).default(20_000),
};
export const LlmJudgeConfig = providerSchema(judgeShape);
export type LlmJudgeConfigInput = z.input<typeof LlmJudgeConfig>;
export type LlmJudgeConfig = z.output<typeof LlmJudgeConfig>;

export interface JudgeRubric {
  name: string;
  /** What 0 and 1 mean, e.g. "0 = melancholic … 1 = joyful". */
  rubric: string;
}

export interface JudgeRequest {
  text: string;
  /** What the text is meant to be (the task description). */
  task?: string;
  /** What makes a text good; default: a generic quality rubric. */
  qualityRubric?: string;
  descriptors: JudgeRubric[];
  seed: number;
  signal?: AbortSignal;
}

interface Common {
  prompt: { system: string; user: string };
  ms: number;
  attempts: number;
}

export type JudgeResult =
  | ({
      ok: true;
      /** In [0, 1]. */
      quality: number;
      /** In [0, 1], in the order of the request's descriptors. */
      descriptors: number[];
      /** quality and each descriptor by name, in [0, 1]. */
      scores: Record<string, number>;
      usage: Usage;
      costUsd: number;
      model: string;
      reply: string;
    } & Common)
  | ({ ok: false; stage: "provider" | "parse"; reason: string; error?: LlmError; usage: Usage; costUsd: number; model?: string; reply?: string } & Common);

export interface LlmJudge {
  judge(req: JudgeRequest): Promise<JudgeResult>;
  readonly client: LlmClient;
  readonly config: LlmJudgeConfig;
}

export function buildJudgePrompt(req: Pick<JudgeRequest, "text" | "task" | "qualityRubric" | "descriptors">, opts: { qualityScale?: number; maxTextChars?: number } = {}) {
  const scale = opts.qualityScale ?? 10;
  const max = opts.maxTextChars ?? 20_000;
  const text = req.text.length > max ? req.text.slice(0, max) + "\n[…]" : req.text;
  const system = "You are a careful, consistent literary judge. You rate texts on given rubrics and answer with JSON only.";
  const example = JSON.stringify({ quality: scale === 1 ? 0.5 : scale / 2, descriptors: Object.fromEntries(req.descriptors.map((d) => [d.name, 0.5])) });
  const user = [
    req.task ? `# What the text should be\n${req.task.trim()}` : "",
    `# Text to judge\n\`\`\`text\n${text.replace(/```/g, "ʼʼʼ")}\n\`\`\``,
    `# Quality\nRate the quality of the text from 0 to ${scale}${req.qualityRubric ? `: ${req.qualityRubric.trim()}` : " (0 = very poor, " + scale + " = outstanding; consider how well it fulfils its purpose, its craft and originality)"}.`,
    req.descriptors.length
      ? "# Descriptors\nPlace the text on each of these scales with a number from 0 to 1:\n" + req.descriptors.map((d) => `- ${d.name}: ${d.rubric.trim()}`).join("\n")
      : "",
    `# Answer\nAnswer with one JSON object and nothing else, shaped like:\n${example}`,
  ]
    .filter(Boolean)
    .join("\n\n");
  return { system, user, messages: [{ role: "system" as const, content: system }, { role: "user" as const, content: user }] };
}

const keyNorm = (k: string) => k.toLowerCase().replace(/[\s_\-]+/g, "");

/** Balanced `{...}` substrings (string-aware), in order of their start. */
function jsonObjects(s: string): string[] {
  const out: string[] = [];
  let starts = 0;
  for (let i = 0; i < s.length && starts < 200; i++) {
    if (s[i] !== "{") continue;
    starts++;
    let depth = 0;
    let inStr: string | null = null;
    for (let j = i; j < s.length; j++) {
      const c = s[j]!;
      if (inStr) {
        if (c === "\\") j++;
        else if (c === inStr) inStr = null;
        continue;
      }
      if (c === '"' || c === "'") inStr = c;
      else if (c === "{") depth++;
      else if (c === "}" && --depth === 0) {
        out.push(s.slice(i, j + 1));
        i = j; // continue after this object (nested ones are read through it)
        break;
      }
    }
  }
  return out;
}

function repairJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    /* repair below */
  }
  const fixed = s
    .replace(/'([^'\\]*)'/g, (_m, x: string) => JSON.stringify(x))
    // Words separated by single runs of spaces, so the key and the `\s*` before `:` never compete
    // for the same blanks (the lazy `[… ]*?\s*:` backtracked quadratically on long blank runs).
    .replace(/([{,]\s*)([A-Za-z_][A-Za-z0-9_-]*(?: +[A-Za-z0-9_-]+)*)\s*:/g, (_m, p: string, k: string) => `${p}${JSON.stringify(k.trim())}:`)
    .replace(/,\s*([}\]])/g, "$1");
  try {
    return JSON.parse(fixed);
  } catch {
    return undefined;
  }
}

/** A score from a number or a string like "7", "7/10", "70%". kind tells how it was written. */
function readScore(v: unknown): { value: number; kind: "plain" | "fraction" | "percent" } | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? { value: v, kind: "plain" } : undefined;
  if (typeof v !== "string") return undefined;
  const s = v.trim();
  let m = /^(-?\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)$/.exec(s);
  if (m && Number(m[2]) > 0) return { value: Number(m[1]) / Number(m[2]), kind: "fraction" };
  m = /^(-?\d+(?:\.\d+)?)\s*%$/.exec(s);
  if (m) return { value: Number(m[1]) / 100, kind: "percent" };
  m = /^(-?\d+(?:\.\d+)?)$/.exec(s);
  if (m) return { value: Number(m[1]), kind: "plain" };
  return undefined;
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

/**
 * Parse a judge reply into normalised scores. Exported for tests and for judges run elsewhere.
 */
export function parseJudgeReply(reply: string, names: string[], opts: { qualityScale?: number } = {}): { ok: true; quality: number; descriptors: number[] } | { ok: false; reason: string } {
  const scale = opts.qualityScale ?? 10;
  const full = (reply ?? "").replace(/\r\n?/g, "\n");
  if (!full.trim()) return { ok: false, reason: "empty reply" };
  const text = full.length > 20_000 ? full.slice(-20_000) : full; // the answer is at the end
  // Candidate objects: fenced json first, then every balanced object; the last usable one wins.
  const flat = new Map<string, unknown>();
  const objs = jsonObjects(text);
  for (const o of objs) {
    const v = repairJson(o);
    if (!v || typeof v !== "object" || Array.isArray(v)) continue;
    const rec = v as Record<string, unknown>;
    const hasQuality = Object.keys(rec).some((k) => keyNorm(k) === "quality" || keyNorm(k) === "score");
    if (!hasQuality && !names.some((n) => Object.keys(rec).some((k) => keyNorm(k) === keyNorm(n)))) continue;
    flat.clear();
    for (const [k, x] of Object.entries(rec)) {
      if (x && typeof x === "object" && !Array.isArray(x)) for (const [k2, x2] of Object.entries(x as Record<string, unknown>)) flat.set(keyNorm(k2), x2);
      else flat.set(keyNorm(k), x);
    }
    // nested descriptors win over same-named flat keys; quality stays top-level
    const q = Object.entries(rec).find(([k]) => keyNorm(k) === "quality" || keyNorm(k) === "score");
    if (q) flat.set("quality", q[1]);
  }
  const get = (name: string): unknown => {
    const k = keyNorm(name);
    if (flat.has(k)) return flat.get(k);
    // prose fallback: name: 7 / "name" = 0.4 / name - 70%
    const esc = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const m = new RegExp(`["']?${esc}["']?\\s*[:=\\-]\\s*["']?(-?\\d+(?:\\.\\d+)?(?:\\s*/\\s*\\d+(?:\\.\\d+)?|\\s*%)?)`, "i").exec(text);
    return m ? m[1] : undefined;
  };
  const missing: string[] = [];
  const bad: string[] = [];
  const qRaw = readScore(get("quality"));
  if (!qRaw) (get("quality") === undefined ? missing : bad).push("quality");
  const ds: number[] = [];
  for (const n of names) {
    const r = readScore(get(n));
    if (!r) {
      (get(n) === undefined ? missing : bad).push(n);
      continue;
    }
    let v = r.value;
    if (r.kind === "plain") {
      if (v > 1 && v <= 10) v /= 10;
      else if (v > 10 && v <= 100) v /= 100;
    }
    ds.push(clamp01(v));
  }
  if (missing.length || bad.length) {
    const parts = [missing.length ? `missing ${missing.join(", ")}` : "", bad.length ? `not a number: ${bad.join(", ")}` : ""].filter(Boolean);
    return { ok: false, reason: `judge reply has no usable scores (${parts.join("; ")})` };
  }
  const q = qRaw!.kind === "plain" ? qRaw!.value / scale : qRaw!.value;
  return { ok: true, quality: clamp01(q), descriptors: ds };
}

export function createLlmJudge(input: LlmJudgeConfigInput | LlmJudgeConfig, deps: LlmClientDeps & { client?: LlmClient } = {}): LlmJudge {
  const config = LlmJudgeConfig.parse(input);
  const { qualityScale, maxTextChars, ...provider } = config;
  const client = deps.client ?? createLlmClient({ ...provider, temperature: provider.temperature ?? 0 }, deps);

  async function judge(req: JudgeRequest): Promise<JudgeResult> {
    const built = buildJudgePrompt(req, { qualityScale, maxTextChars });
    const prompt = { system: built.system, user: built.user };
    // A client shared with the operator keeps its own model/temperature: ask for the judge's explicitly.
    const r = await client.complete({ messages: built.messages, seed: req.seed, signal: req.signal, temperature: provider.temperature ?? 0, ...(deps.client && provider.model ? { model: provider.model } : {}) });
    const common = { prompt, ms: r.ms, attempts: r.attempts };
    if (!r.ok) return { ok: false, stage: "provider", reason: `${r.error.kind}: ${r.error.message}`, error: r.error, usage: { promptTokens: 0, completionTokens: 0 }, costUsd: 0, model: r.model, ...common };
    const usage = { promptTokens: r.promptTokens, completionTokens: r.completionTokens };
    const names = req.descriptors.map((d) => d.name);
    const p = parseJudgeReply(r.text, names, { qualityScale });
    if (!p.ok) return { ok: false, stage: "parse", reason: p.reason, usage, costUsd: r.costUsd, model: r.model, reply: r.text, ...common };
    const scores: Record<string, number> = { quality: p.quality };
    names.forEach((n, i) => (scores[n] = p.descriptors[i]!));
    return { ok: true, quality: p.quality, descriptors: p.descriptors, scores, usage, costUsd: r.costUsd, model: r.model, reply: r.text, ...common };
  }

  return { judge, client, config };
}
