import { readEnv } from "@/lib/config";

/**
 * Which environment variables an experiment config may name as a secret to read on
 * the workers. A config comes from whoever can call the API, so it must not be able
 * to point a worker at the server's own credentials (`apiKeyEnv: "DATABASE_URL"` with
 * an attacker's baseURL would send the database URL as a bearer token).
 *
 * - `apiKeyEnv`: names ending in `_API_KEY`, plus the names the operator lists in
 *   QD_LLM_KEY_ENVS (comma-separated).
 * - `secretEnv` (webhook signing): names starting with `QD_WEBHOOK_SECRET` (the schema's rule).
 * - Never a variable the server itself uses, whatever the lists say.
 */
const SERVER_VARIABLES = new Set(["DATABASE_URL", "REDIS_URL", "TEST_DATABASE_URL", "TEST_REDIS_URL", "QD_API_TOKEN", "PGPASSWORD", "PGPASSFILE", "NODE_OPTIONS"]);

export const API_KEY_RULE = "apiKeyEnv must name a variable ending in _API_KEY (e.g. OPENAI_API_KEY) or one listed in the server's QD_LLM_KEY_ENVS, and never a variable the server itself uses";

/** Variables QD Studio itself reads (QD_* settings, database, queue, test services). */
export function isServerVariable(name: string): boolean {
  if (SERVER_VARIABLES.has(name)) return true;
  return name.startsWith("QD_") && !name.startsWith("QD_WEBHOOK_SECRET");
}

export function extraKeyNames(env: Record<string, string | undefined> = process.env): Set<string> {
  return new Set(readEnv(env).QD_LLM_KEY_ENVS);
}

/** Why `apiKeyEnv` may not name this variable, or null when it may. */
export function apiKeyEnvRefusal(name: string, env: Record<string, string | undefined> = process.env): string | null {
  if (isServerVariable(name)) return `${API_KEY_RULE}: ${name} is one of the server's own settings`;
  if (name.endsWith("_API_KEY") || extraKeyNames(env).has(name)) return null;
  return `${API_KEY_RULE}: ${name} is neither`;
}

/** Every `apiKeyEnv` in a config (at any depth), with its path. */
export function apiKeyEnvFields(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; name: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => apiKeyEnvFields(v, [...path, i]));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => (k === "apiKeyEnv" && typeof v === "string" ? [{ path: [...path, k], name: v }] : apiKeyEnvFields(v, [...path, k])));
}
