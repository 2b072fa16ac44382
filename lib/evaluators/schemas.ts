/**
 * The user-evaluator configurations, as zod schemas with no Node dependencies,
 * so the experiment form in the browser validates with the same rules.
 */
import { z } from "zod";
import { descriptorCountField } from "./types";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const CommandEvaluatorConfig = z
  .object({
    type: z.literal("command"),
    command: z.string().trim().min(1, "command must not be empty").max(4096),
    cwd: z.string().min(1).optional(),
    timeoutMs: z.number().int().min(1).max(24 * 3600_000).default(30_000),
    maxOutputBytes: z.number().int().min(64).max(256 * 1024 * 1024).default(1024 * 1024),
    maxLogBytes: z.number().int().min(0).max(16 * 1024 * 1024).default(64 * 1024),
    batch: z.boolean().default(false),
    batchSize: z.number().int().min(1).max(100_000).optional(),
    concurrency: z.number().int().min(1).max(256).optional(),
    env: z
      .record(z.string().regex(ENV_NAME, "environment variable names must match [A-Za-z_][A-Za-z0-9_]*"), z.string().max(32 * 1024))
      .default({}),
    descriptorCount: descriptorCountField,
  })
  .strict();
export type CommandEvaluatorConfig = z.input<typeof CommandEvaluatorConfig>;

export const WebhookEvaluatorConfig = z
  .object({
    type: z.literal("webhook"),
    url: z
      .string()
      .url("url must be an absolute http(s) URL")
      .refine((u) => /^https?:$/.test(new URL(u).protocol), "url must use http or https"),
    timeoutMs: z.number().int().min(1).max(3600_000).default(30_000),
    retries: z.number().int().min(0).max(10).default(3),
    backoffMs: z.number().int().min(0).max(60_000).default(500),
    maxBackoffMs: z.number().int().min(0).max(600_000).default(30_000),
    retryOnTimeout: z.boolean().default(false),
    secretEnv: z
      .string()
      .regex(/^QD_WEBHOOK_SECRET[A-Z0-9_]*$/, "secretEnv must name an environment variable starting with QD_WEBHOOK_SECRET")
      .optional(),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]+$/, "invalid header name"), z.string().max(8192))
      .refine((h) => !Object.keys(h).some((k) => /^(x-qd-signature|x-qd-timestamp|content-length|host)$/i.test(k)), "headers may not override X-QD-*, Host or Content-Length")
      .default({}),
    batch: z.boolean().default(false),
    batchSize: z.number().int().min(1).max(100_000).optional(),
    // Requests wait on the remote side, not on this machine's CPU: several at once by default.
    concurrency: z.number().int().min(1).max(256).default(16),
    maxResponseBytes: z.number().int().min(64).max(256 * 1024 * 1024).default(1024 * 1024),
    descriptorCount: descriptorCountField,
  })
  .strict();
export type WebhookEvaluatorConfig = z.input<typeof WebhookEvaluatorConfig>;

export const JavaScriptEvaluatorConfig = z
  .object({
    type: z.literal("javascript"),
    code: z.string().min(1, "code must not be empty").max(1024 * 1024),
    entry: z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, "entry must be a JavaScript identifier").default("evaluate"),
    timeoutMs: z.number().int().min(1).max(600_000).default(5_000),
    memoryMb: z.number().int().min(8).max(4096).default(64),
    poolSize: z.number().int().min(1).max(64).default(1),
    freshContext: z.boolean().default(false),
    maxLogBytes: z.number().int().min(0).max(16 * 1024 * 1024).default(16 * 1024),
    descriptorCount: descriptorCountField,
  })
  .strict();
export type JavaScriptEvaluatorConfig = z.input<typeof JavaScriptEvaluatorConfig>;

/** A user mutation for JSON genomes: `function mutate(parent, rng)` run in the sandbox (see javascript-mutation.ts). */
export const JavaScriptMutationConfig = z
  .object({
    code: z.string().min(1, "code must not be empty").max(1024 * 1024),
    entry: z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, "entry must be a JavaScript identifier").default("mutate"),
    timeoutMs: z.number().int().min(1).max(600_000).default(2_000),
    memoryMb: z.number().int().min(8).max(4096).default(64),
    poolSize: z.number().int().min(1).max(64).default(1),
    freshContext: z.boolean().default(false),
    maxOutputBytes: z.number().int().min(64).max(64 * 1024 * 1024).default(1024 * 1024),
  })
  .strict();
