import { z } from "zod";
import os from "node:os";

/** Every environment variable QD Studio reads, validated in one place. */
const EnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL, e.g. postgresql://user@127.0.0.1:5432/qd_studio")
    .refine(isUrl, "is not a valid URL")
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// URL, e.g. redis://127.0.0.1:6379")
    .refine(isUrl, "is not a valid URL")
    .optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("127.0.0.1"),
  QD_WORKERS: z.coerce.number().int().min(0).max(256).default(os.availableParallelism()),
  /** Scheduling priority (nice) of the workers `npm start` runs: the web server answers first when they fill the CPUs. */
  QD_WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  QD_DATA_DIR: z.string().default(".qd-studio"),
  /** Candidates one worker process evaluates at once, over all its jobs (command processes, webhook requests). */
  QD_EVALUATION_SLOTS: z.coerce.number().int().min(1).max(4096).default(64),
  QD_USER_EVALUATION_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(8),
  QD_EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  QD_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "may only contain letters, digits, '_' and '-'")
    .default("qd"),

  // Web edge and authentication.
  QD_API_TOKEN: z.string().optional(),
  QD_ALLOWED_HOSTS: commaList(),
  QD_TRUST_PROXY: flag(),
  QD_SSE_POLL_MS: ms(10, 300),
  QD_EXPORT_PAGE: z.coerce.number().int().min(1).max(100_000).default(2000),
  /** Only the synthetic benchmark pages under /bench need it. */
  QD_BENCH_PAGES: flag(),

  // Workers.
  QD_WORKER_NAME: z.string().optional(),
  QD_JOB_LOCK_MS: ms(1000, 30_000),
  QD_RECONCILE_MS: ms(100, 3000),
  QD_CANCEL_POLL_MS: ms(10, 1000),
  QD_EVALUATION_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(1),
  QD_MUTATION_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(4),
  QD_LLM_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(8),
  QD_LLM_WATCH_MS: ms(100, 2000),
  QD_LLM_KEY_ENVS: commaList(),
  /** Benchmarks: workers print where each numbered job's time went (bench/pipeline.ts reads it). */
  QD_JOB_COSTS: flag(),

  // Command sandbox.
  QD_UNSAFE_NO_SANDBOX: flag(),
  QD_SANDBOX_BWRAP: z.string().default("bwrap"),
  /** Warm sandboxes, one per evaluation slot (default on; "0" starts a fresh sandbox per candidate). */
  QD_SANDBOX_PERSISTENT: z
    .string()
    .transform((v) => !/^(0|false|no)$/i.test(v.trim()))
    .default(true),
  QD_SANDBOX_READONLY_PATHS: z
    .string()
    .transform((v) => v.split(":").filter(Boolean))
    .refine((paths) => paths.every((p) => p.startsWith("/")), "must be absolute paths separated by ':'")
    .default([]),

  // Engine tuning. lib/qd reads these itself (it must stay usable without the server); listed here so they are validated and documented.
  QD_SPIN_US: z.coerce.number().int().min(0).max(1_000_000).default(200),
  QD_PREFETCH: flag(),
  QD_NO_WASM: flag(),
});

/** "1", "true" or "yes" (any case) turns a switch on; anything else, or unset, leaves it off. */
function flag() {
  return z
    .string()
    .transform((v) => /^(1|true|yes)$/i.test(v.trim()))
    .default(false);
}

/** A comma-separated list; blanks are dropped. */
function commaList() {
  return z
    .string()
    .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
    .default([]);
}

function ms(min: number, fallback: number) {
  return z.coerce.number().int().min(min).max(86_400_000).default(fallback);
}

/** Every variable the schema knows, for docs and tests. */
export const ENV_VARIABLES: readonly string[] = Object.keys(EnvSchema.shape);

export type Env = z.infer<typeof EnvSchema>;

function isUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** Thrown for a configuration mistake; its message is one sentence a person can act on. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Parsed environments by the values of the schema's variables. The web server's edge checks and
 * authentication read settings on every request: with this, a call costs ~40 getenv lookups, not an
 * enumeration of the whole environment and a schema parse (which was ~6% of the server's CPU under
 * bench/reads-under-load.ts). Keyed by value, so a changed variable is seen at its next read.
 */
const parsedByValues = new Map<string, Env>();
const MAX_PARSED = 16;

/**
 * The validated environment. Cheap enough to call per use, so settings a test (or an operator
 * through a restart) changes are seen; modules that must read a value once do so at import.
 * The result is shared between calls with the same values, and frozen.
 */
export function readEnv(env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): Env {
  // Only the schema's variables matter (it drops the others). Empty strings mean "unset" (a common shell idiom: DATABASE_URL= npm start).
  const cleaned: Record<string, string> = {};
  let key = "";
  for (const name of ENV_VARIABLES) {
    const v = env[name];
    if (v === undefined || v === "") continue;
    cleaned[name] = v;
    key += `${name}=${v}\0`;
  }
  const hit = parsedByValues.get(key);
  if (hit) return hit;
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${issue.path.join(".")} ${issue.message} (got "${String(cleaned[String(issue.path[0])])}").`);
  }
  for (const v of Object.values(parsed.data)) if (Array.isArray(v)) Object.freeze(v);
  const result = Object.freeze(parsed.data);
  if (parsedByValues.size >= MAX_PARSED) parsedByValues.delete(parsedByValues.keys().next().value!);
  parsedByValues.set(key, result);
  return result;
}

/** A URL with its password hidden, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    return url;
  }
}
