/**
 * Worker log lines for failures: always with a reason, and a burst of the same failure (a database
 * restart fails every job in flight) said once, with a count, instead of once per job.
 */

/** Errors that mean "the database (or its connection) went away", from pg and Prisma. */
const DATABASE_DOWN =
  /Can't reach database server|Connection terminated|terminating connection due to administrator command|the database system is (starting up|shutting down)|Server has closed the connection|Client has encountered a connection error|\bP1001\b|\bP1017\b|\b57P0[123]\b/i;
/** A socket-level failure (database or Redis alike: the address says which). */
const CONNECTION_LOST = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|connection is closed|Connection is closed/i;

/** One readable line for any thrown value: the first non-empty line, else the code or type. */
export function reasonOf(error: unknown): string {
  if (error === null || error === undefined) return `threw ${String(error)}`;
  const e = error as { message?: unknown; code?: unknown; name?: unknown; cause?: unknown };
  const message = typeof e.message === "string" ? e.message : typeof error === "string" ? error : "";
  const all = [message, ...causes(e)].join("\n");
  if (DATABASE_DOWN.test(all) || DATABASE_DOWN.test(String(e.code ?? ""))) {
    const detail = firstLine(all.split("\n").find((l) => DATABASE_DOWN.test(l)) ?? String(e.code));
    return `the database is unreachable (${detail})`;
  }
  if (CONNECTION_LOST.test(all) || CONNECTION_LOST.test(String(e.code ?? ""))) {
    const detail = firstLine(all.split("\n").find((l) => CONNECTION_LOST.test(l)) ?? String(e.code));
    return `a server connection failed (${detail})`;
  }
  const line = firstLine(message);
  if (line) return line;
  if (typeof e.code === "string" || typeof e.code === "number") return `${typeof e.name === "string" ? e.name : "error"} ${e.code}`;
  if (typeof e.name === "string" && e.name) return `${e.name} without a message`;
  return "an error without a message";
}

function causes(e: { cause?: unknown }): string[] {
  const out: string[] = [];
  let c = e.cause as { message?: unknown; code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; c && depth < 5; depth++, c = c.cause as typeof c) {
    if (typeof c.message === "string") out.push(c.message);
    if (typeof c.code === "string") out.push(c.code);
  }
  return out;
}

function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim())?.trim() ?? "";
  return line.length > 500 ? line.slice(0, 500) + "…" : line;
}

export interface FailureLog {
  /** Log `what failed: reason` unless the same reason was logged within the window; count those. */
  report(what: string, error: unknown): void;
  /** Log the counts still pending (e.g. at shutdown). */
  flush(): void;
}

/**
 * Groups failures by reason: the first one of a reason is logged at once; repeats within
 * `windowMs` are counted and summarised in one line when the window ends.
 */
export function createFailureLog(log: (line: string) => void, opts: { windowMs?: number; now?: () => number } = {}): FailureLog {
  const windowMs = opts.windowMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const seen = new Map<string, { since: number; repeats: number; last: string; timer?: NodeJS.Timeout }>();
  const summarise = (reason: string) => {
    const s = seen.get(reason);
    if (!s) return;
    clearTimeout(s.timer);
    seen.delete(reason);
    if (s.repeats > 0) log(`${s.repeats} more failure${s.repeats > 1 ? "s" : ""} in ${Math.round((now() - s.since) / 1000)} s with the same reason (${reason}); last: ${s.last}`);
  };
  return {
    report(what, error) {
      const reason = reasonOf(error);
      const s = seen.get(reason);
      if (s && now() - s.since < windowMs) {
        s.repeats++;
        s.last = what;
        return;
      }
      if (s) summarise(reason);
      log(`${what} failed: ${reason}`);
      const entry: { since: number; repeats: number; last: string; timer?: NodeJS.Timeout } = { since: now(), repeats: 0, last: what };
      entry.timer = setTimeout(() => summarise(reason), windowMs);
      entry.timer.unref?.();
      seen.set(reason, entry);
    },
    flush() {
      for (const reason of [...seen.keys()]) summarise(reason);
    },
  };
}

const perLog = new WeakMap<(line: string) => void, FailureLog>();
/** The process's failure log for `log` (one per log function, so every module shares its counts). */
export function failureLogFor(log: (line: string) => void): FailureLog {
  let f = perLog.get(log);
  if (!f) perLog.set(log, (f = createFailureLog(log)));
  return f;
}
