/**
 * Token prices (USD per 1M tokens) and cost of a call.
 *
 * The built-in table holds list prices of a few well-known models (standard tier, no caching or
 * batch discounts); providers change them, so a run's config can override or add models with
 * `prices: { "<model>": { prompt, completion } }`. Lookup: exact name, then the longest table
 * key that the model name starts with (so "gpt-4o-mini-2024-07-18" is priced as "gpt-4o-mini"),
 * also after dropping a "provider/" prefix ("openai/gpt-4o" → "gpt-4o"). Unknown models (a local
 * vLLM/Ollama model, typically) cost 0 and `priceOf` returns undefined so a UI can say so.
 */
import { z } from "zod";

export interface ModelPrice {
  /** USD per 1M prompt (input) tokens. */
  prompt: number;
  /** USD per 1M completion (output) tokens. */
  completion: number;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export const ModelPriceSchema = z
  .object({
    prompt: z.number().min(0).max(10_000),
    completion: z.number().min(0).max(10_000),
  })
  .strict();
export const PriceTable = z.record(z.string().min(1).max(200), ModelPriceSchema);
export type PriceTable = Record<string, ModelPrice>;

/** List prices, USD per 1M tokens (prompt, completion). Override in config when they change. */
export const DEFAULT_PRICES: Readonly<PriceTable> = Object.freeze({
  "gpt-5": { prompt: 1.25, completion: 10 },
  "gpt-5-mini": { prompt: 0.25, completion: 2 },
  "gpt-5-nano": { prompt: 0.05, completion: 0.4 },
  "gpt-4.1": { prompt: 2, completion: 8 },
  "gpt-4.1-mini": { prompt: 0.4, completion: 1.6 },
  "gpt-4.1-nano": { prompt: 0.1, completion: 0.4 },
  "gpt-4o": { prompt: 2.5, completion: 10 },
  "gpt-4o-mini": { prompt: 0.15, completion: 0.6 },
  "o3": { prompt: 2, completion: 8 },
  "o3-mini": { prompt: 1.1, completion: 4.4 },
  "o4-mini": { prompt: 1.1, completion: 4.4 },
  "claude-sonnet-4": { prompt: 3, completion: 15 },
  "claude-3-5-haiku": { prompt: 0.8, completion: 4 },
  "gemini-2.5-pro": { prompt: 1.25, completion: 10 },
  "gemini-2.5-flash": { prompt: 0.3, completion: 2.5 },
  "gemini-2.0-flash": { prompt: 0.1, completion: 0.4 },
  "deepseek-chat": { prompt: 0.27, completion: 1.1 },
  "deepseek-reasoner": { prompt: 0.55, completion: 2.19 },
});

function lookup(table: PriceTable, name: string): ModelPrice | undefined {
  if (Object.prototype.hasOwnProperty.call(table, name)) return table[name];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (name.startsWith(key) && (name.length === key.length || /[-_.:@]/.test(name[key.length]!)) && (!best || key.length > best.length)) best = key;
  }
  return best ? table[best] : undefined;
}

/** Price of `model`: overrides first, then the built-in table; undefined when unknown. */
export function priceOf(model: string, overrides: PriceTable = {}): ModelPrice | undefined {
  const names = [model];
  const slash = model.lastIndexOf("/");
  if (slash >= 0) names.push(model.slice(slash + 1));
  for (const table of [overrides, DEFAULT_PRICES]) {
    for (const n of names) {
      const p = lookup(table, n);
      if (p) return p;
    }
  }
  return undefined;
}

/** Cost in USD of one call (0 for a model with no known price). */
export function costOf(model: string, usage: TokenUsage, overrides: PriceTable = {}): number {
  const p = priceOf(model, overrides);
  if (!p) return 0;
  const pt = Math.max(0, usage.promptTokens || 0);
  const ct = Math.max(0, usage.completionTokens || 0);
  return (pt * p.prompt + ct * p.completion) / 1_000_000;
}
