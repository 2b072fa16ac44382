/**
 * Browser-safe LLM config schemas (zod only: no `openai`, no Node APIs), shared by the
 * experiment form, the REST API and the workers.
 */
import { z } from "zod";
import { PriceTable } from "./pricing";

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const httpUrl = (what: string) =>
  z
    .string()
    .max(2000)
    .refine((s) => {
      try {
        const u = new URL(s);
        return u.protocol === "http:" || u.protocol === "https:";
      } catch {
        return false;
      }
    }, `${what} must be an http(s) URL, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1`);

const apiKeyEnvName = z.string().max(200).regex(ENV_NAME, "apiKeyEnv must be the NAME of an environment variable (letters, digits, _)");

/**
 * One model of an ensemble. `baseURL` / `apiKeyEnv` default to the provider's: an ensemble may mix
 * providers (a local server and a paid API). `weight` is the share under `modelSelection: "fixed"`.
 */
export const ModelEntry = z
  .object({
    model: z.string().min(1).max(200),
    baseURL: httpUrl("models[].baseURL").optional(),
    apiKeyEnv: apiKeyEnvName.optional(),
    weight: z.number().positive("weight must be > 0").max(1e6).default(1),
  })
  .strict();
export type ModelEntry = z.infer<typeof ModelEntry>;

/**
 * How each call's model is chosen: `fixed` (weighted draw), or a bandit rewarded by archive
 * improvement per dollar (`ucb`: optimism, `thompson`: posterior sampling). See lib/llm/bandit.ts.
 */
export const MODEL_SELECTIONS = ["fixed", "ucb", "thompson"] as const;

/** `evolve`: parents, inspirations, feedback and a target niche from the archive; `best-of-n`: every child from a seed, no archive feedback (the baseline). */
export const EMITTER_STRATEGIES = ["evolve", "best-of-n"] as const;

/** Fields of a provider config (shared with the operator/emitter and judge configs). */
export const providerShape = {
    baseURL: httpUrl("baseURL"),
    model: z.string().min(1).max(200).optional(),
    models: z.array(ModelEntry).min(1).max(32).optional(),
    modelSelection: z.enum(MODEL_SELECTIONS, { error: `modelSelection must be one of ${MODEL_SELECTIONS.map((m) => `"${m}"`).join(", ")}` }).default("fixed"),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().min(1).max(1_000_000).optional(),
    /** Which request field carries maxTokens: newer OpenAI models only accept max_completion_tokens. */
    maxTokensParam: z.enum(["max_tokens", "max_completion_tokens"]).default("max_tokens"),
    apiKeyEnv: apiKeyEnvName.optional(),
    timeoutMs: z.number().int().min(50).max(30 * 60_000).default(120_000),
    maxRetries: z.number().int().min(0).max(20).default(3),
    /** First backoff delay when the server gives no Retry-After (doubles each retry, ±25% jitter, max 30 s). */
    retryBaseMs: z.number().int().min(0).max(60_000).default(1_000),
    /** A Retry-After longer than this is not waited for: the call fails as rate-limited with retryAfterMs. */
    maxRetryDelayMs: z.number().int().min(0).max(60 * 60_000).default(60_000),
    requestsPerMinute: z.number().positive().max(1_000_000).optional(),
    concurrency: z.number().int().min(1).max(10_000).optional(),
    /** Price overrides / additions, USD per 1M tokens. */
    prices: PriceTable.optional(),
    /** Send the request's seed as the API's `seed` parameter. */
    sendSeed: z.boolean().default(true),
};

/**
 * A strict object schema over `shape` (unknown keys rejected; an `apiKey` field gets a message
 * telling where the key goes) requiring exactly one of model/models.
 */
export function providerSchema<S extends typeof providerShape & z.ZodRawShape>(shape: S) {
  return z
    .strictObject(shape, {
      error: (iss) => {
        if (iss.code === "unrecognized_keys" && (iss.keys as string[]).some((k) => /^api_?key$/i.test(k)))
          return "the API key must not be in the config: put it in an environment variable and set apiKeyEnv to that variable's name";
        return undefined;
      },
    })
    .superRefine((c, ctx) => {
      const v = c as { model?: string; models?: unknown[] };
      if (!v.model && !v.models) ctx.addIssue({ code: "custom", message: "either model or models is required", path: ["model"] });
      if (v.model && v.models) ctx.addIssue({ code: "custom", message: "give either model or models, not both", path: ["models"] });
      // A model is one arm of the bandit and one row of the per-model statistics: names must differ.
      const seen = new Map<string, number>();
      (v.models as { model: string }[] | undefined)?.forEach((m, i) => {
        const first = seen.get(m.model);
        if (first !== undefined) ctx.addIssue({ code: "custom", message: `models[${i}].model "${m.model}" repeats models[${first}]: each model may appear once`, path: ["models", i, "model"] });
        else seen.set(m.model, i);
      });
    });
}


export const operatorShape = {
  ...providerShape,
  /** The emitter type tag used in experiment configs (optional here). */
  type: z.literal("llm").optional(),
  mode: z.enum(["full", "diff"]).default("full"),
  maxInspirations: z.number().int().min(0).max(16).default(3),
  maxInspirationChars: z.number().int().min(100).max(1_000_000).default(8000),
  /** Longest accepted child genome (characters). */
  maxGenomeChars: z.number().int().min(100).max(4 * 1024 * 1024).default(256 * 1024),
  /** diff mode: a reply with no SEARCH/REPLACE blocks that is a whole program (or text) is used as a full rewrite. */
  diffFallbackToFull: z.boolean().default(true),
  strategy: z.enum(EMITTER_STRATEGIES, { error: `strategy must be one of ${EMITTER_STRATEGIES.map((m) => `"${m}"`).join(", ")}` }).default("evolve"),
};
/** `{ type?: "llm", baseURL, model | models, apiKeyEnv?, mode?, temperature?, ... }` — the issue's emitter config. */
export const LlmOperatorConfig = providerSchema(operatorShape);


/** The similarity each dedupe mode compares against when no threshold is given. */
export const DEDUPE_DEFAULT_THRESHOLD = { minhash: 0.9, embeddings: 0.99 } as const;

/**
 * Duplicate rejection before evaluation (llm emitter). "exact": the same program after
 * normalisation (comments per language, whitespace); "minhash" (default): that, or estimated Jaccard
 * similarity of token 3-shingles ≥ threshold among programs with the same lines (reordered or
 * re-punctuated; local, no service); "embeddings": exact, or cosine
 * similarity ≥ threshold of embeddings from an OpenAI-compatible /v1/embeddings endpoint.
 */
export const DedupeConfig = z
  .object({
    mode: z.enum(["off", "exact", "minhash", "embeddings"], { error: 'dedupe.mode must be "off", "exact", "minhash" or "embeddings"' }).default("minhash"),
    /** Similarity at or above which a candidate is a duplicate (Jaccard for minhash, cosine for embeddings). */
    threshold: z.number({ error: "dedupe.threshold must be a number" }).gt(0, "dedupe.threshold must be in (0, 1]").max(1, "dedupe.threshold must be in (0, 1]").optional(),
    /** Comment rules for normalisation: a language id (python, javascript, ...) or "text"; default: the program's language, "text" for texts. */
    language: z.string().min(1).max(40).optional(),
    /** How often a duplicate's slot is re-proposed before the last proposal is evaluated anyway (keeps the budget exact). */
    maxResamples: z.number().int().min(0).max(10).default(3),
    embeddings: z
      .strictObject({
        baseURL: providerShape.baseURL,
        model: z.string().min(1).max(200),
        apiKeyEnv: providerShape.apiKeyEnv,
        timeoutMs: z.number().int().min(50).max(10 * 60_000).default(30_000),
      })
      .optional(),
    /**
     * The LLM novelty judge (off by default): a candidate whose similarity falls in the borderline band
     * [lower, threshold) is shown to the emitter's model with the program it resembles ("meaningfully
     * different?"); "no" rejects it as a duplicate. Its tokens and cost are the candidate's.
     */
    judge: z
      .strictObject({
        lower: z.number({ error: "dedupe.judge.lower must be a number" }).gt(0, "dedupe.judge.lower must be in (0, 1)").lt(1, "dedupe.judge.lower must be in (0, 1)").optional(),
        model: z.string().min(1).max(200).optional(),
      })
      .optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.mode === "embeddings" && !d.embeddings) ctx.addIssue({ code: "custom", path: ["embeddings"], message: 'dedupe.mode "embeddings" needs dedupe.embeddings: { baseURL, model, apiKeyEnv? }' });
    if (d.judge && d.mode !== "minhash" && d.mode !== "embeddings") ctx.addIssue({ code: "custom", path: ["judge"], message: 'dedupe.judge needs a similarity: mode "minhash" or "embeddings"' });
    const threshold = d.threshold ?? DEDUPE_DEFAULT_THRESHOLD[d.mode === "embeddings" ? "embeddings" : "minhash"];
    if (d.judge?.lower !== undefined && d.judge.lower >= threshold) ctx.addIssue({ code: "custom", path: ["judge", "lower"], message: `dedupe.judge.lower must be below the threshold (${threshold})` });
  });
export type DedupeConfig = z.output<typeof DedupeConfig>;
