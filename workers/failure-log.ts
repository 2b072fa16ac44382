/**
 * Worker log lines for failures: always with a reason, and a burst of the same failure (a database
 * restart fails every job in flight) said once, with a count, instead of once per job.
 */
import { reasonOf } from "@/lib/reason";

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
