import { apiKeyEnvRefusal } from "@/lib/secret-env";
import type { DedupeSettings } from "./settings";

export interface EmbeddingsResult {
  vectors: Float32Array[];
  promptTokens: number;
}

/**
 * Unit-length embeddings of `texts` from an OpenAI-compatible `POST {baseURL}/embeddings`. The key
 * is read from the variable named by apiKeyEnv (same allow-list as the chat client); errors throw
 * with the key scrubbed, and the caller falls back to exact matching for that round.
 */
export async function embed(config: NonNullable<DedupeSettings["embeddings"]>, texts: string[], signal?: AbortSignal): Promise<EmbeddingsResult> {
  if (texts.length === 0) return { vectors: [], promptTokens: 0 };
  const refused = config.apiKeyEnv ? apiKeyEnvRefusal(config.apiKeyEnv) : null;
  if (refused) throw new Error(refused);
  const key = config.apiKeyEnv ? process.env[config.apiKeyEnv] : undefined;
  const scrub = (s: string) => (key && key.length >= 4 ? s.split(key).join("[redacted]") : s);
  const url = `${config.baseURL.replace(/\/+$/, "")}/embeddings`;
  const timeout = AbortSignal.timeout(config.timeoutMs);
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key ?? "sk-no-key"}` },
    body: JSON.stringify({ model: config.model, input: texts }),
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  }).catch((e: unknown) => {
    throw new Error(scrub(`embeddings request failed: ${e instanceof Error ? e.message : String(e)}`));
  });
  const body = (await res.json().catch(() => null)) as { data?: { index?: number; embedding?: unknown }[]; usage?: { prompt_tokens?: number }; error?: { message?: string } } | null;
  if (!res.ok) throw new Error(scrub(`embeddings endpoint answered ${res.status}: ${body?.error?.message ?? "no message"}`));
  const data = body?.data;
  if (!Array.isArray(data) || data.length !== texts.length) throw new Error(`embeddings endpoint returned ${Array.isArray(data) ? data.length : "no"} vectors for ${texts.length} inputs`);
  const vectors: Float32Array[] = new Array(texts.length);
  data.forEach((d, i) => {
    const e = d.embedding;
    if (!Array.isArray(e) || e.length === 0 || !e.every((x) => typeof x === "number" && Number.isFinite(x))) throw new Error("embeddings endpoint returned a vector that is not a list of finite numbers");
    vectors[d.index ?? i] = unit(Float32Array.from(e as number[]));
  });
  return { vectors, promptTokens: body?.usage?.prompt_tokens ?? 0 };
}

export function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / n;
  return v;
}

/** Cosine similarity of two unit vectors (0 when their lengths differ: another model). */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
