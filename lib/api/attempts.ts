import { trustProxy } from "./edge";

/**
 * Rate limit on wrong API tokens (bearer headers and logins): after PER_CLIENT wrong
 * tokens from one client within a window, or GLOBAL wrong tokens from everyone, token
 * checks are refused (429) until the window ends, so a token cannot be guessed at speed.
 *
 * The counters live in the web server's memory. `npm start` runs exactly one web server
 * process, so that is the whole server; several web servers behind a load balancer each
 * count on their own (documented in SECURITY.md).
 *
 * Which client: the address the trusted proxy appended to x-forwarded-for when
 * QD_TRUST_PROXY is set; otherwise the x-forwarded-for Next.js fills from the socket
 * (a client may send its own, hence the global counter as a backstop).
 */
export const WINDOW_MS = 60_000;
export const PER_CLIENT = 10;
export const GLOBAL = 100;

interface Window {
  start: number;
  failures: Map<string, number>;
  total: number;
}

const state: { window: Window } = ((globalThis as { __qdTokenAttempts?: { window: Window } }).__qdTokenAttempts ??= {
  window: { start: 0, failures: new Map(), total: 0 },
});

function current(now: number): Window {
  if (now - state.window.start >= WINDOW_MS) state.window = { start: now, failures: new Map(), total: 0 };
  return state.window;
}

export function clientKey(headers: Headers, env: Record<string, string | undefined> = process.env): string {
  const forwarded = (headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (forwarded.length === 0) return "unknown";
  // A trusted proxy appends the address it saw: the last entry. Untrusted: what Next.js recorded.
  return trustProxy(env) ? forwarded.at(-1)! : forwarded.join(",");
}

/** Milliseconds until token checks from this client are allowed again; 0 when allowed now. */
export function blockedFor(key: string, now = Date.now()): number {
  const w = current(now);
  if ((w.failures.get(key) ?? 0) >= PER_CLIENT || w.total >= GLOBAL) return Math.max(1, w.start + WINDOW_MS - now);
  return 0;
}

export function recordFailure(key: string, now = Date.now()): void {
  const w = current(now);
  w.failures.set(key, (w.failures.get(key) ?? 0) + 1);
  w.total++;
}

