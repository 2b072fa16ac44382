/**
 * What leaves the server never shows secret values a config carries: a command
 * evaluator's `env` values and a webhook's `headers` values (often tokens) become
 * REDACTED, their names stay. The stored config is untouched (the workers need it).
 * Used by every response, page and job listing that shows a config.
 */
export const REDACTED = "[redacted]";

/** A copy of `value` with secret values replaced (at any depth: domains, nested evaluators). */
export function redactSecrets<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(walk);
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  const o = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if ((k === "env" && o.type === "command") || (k === "headers" && o.type === "webhook")) out[k] = hideValues(v);
    else out[k] = walk(v);
  }
  return out;
}

function hideValues(v: unknown): unknown {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return REDACTED;
  return Object.fromEntries(Object.keys(v).map((name) => [name, REDACTED]));
}
