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
});

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

export function readEnv(env: NodeJS.ProcessEnv = process.env): Env {
  // Empty strings mean "unset" (a common shell idiom: DATABASE_URL= npm start).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${issue.path.join(".")} ${issue.message} (got "${String(cleaned[String(issue.path[0])])}").`);
  }
  return parsed.data;
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
