/**
 * In-process rate limiter: at most `concurrency` calls in flight and at most `requestsPerMinute`
 * call starts per minute (evenly spaced: one start every 60 000 / rpm ms, no bursts), plus a
 * shared "blocked until" time set when a provider answers 429 with Retry-After, so the other
 * callers of the same provider back off too.
 *
 * This governs one process. Across workers, the integration layer uses BullMQ's queue limiter
 * (`{ max: requestsPerMinute, duration: 60_000 }` and the worker's `concurrency`) and can pass
 * `createRateLimiter({})` (no limits) or share one limiter per provider within a worker.
 */
export interface RateLimiterOptions {
  requestsPerMinute?: number;
  concurrency?: number;
}

export interface RateLimiter {
  /** Wait for a slot; call the returned function when the request is done. */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Run `fn` inside a slot. */
  schedule<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** No call starts before `Date.now() + ms` (used on 429 Retry-After). */
  blockFor(ms: number): void;
  readonly inFlight: number;
  readonly options: Readonly<RateLimiterOptions>;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function abortError(): Error {
  const e = new Error("aborted");
  e.name = "AbortError";
  return e;
}

export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const concurrency = options.concurrency && options.concurrency > 0 ? Math.floor(options.concurrency) : Infinity;
  const interval = options.requestsPerMinute && options.requestsPerMinute > 0 ? 60_000 / options.requestsPerMinute : 0;
  let inFlight = 0;
  let nextStart = 0; // earliest start time of the next call (spacing)
  let blockedUntil = 0;
  const waiters: Array<() => void> = [];

  /** Hands the slot straight to the next waiter (so nobody can overtake it), else frees it. */
  const release = () => {
    const w = waiters.shift();
    if (w) w();
    else inFlight--;
  };

  const acquire = async (signal?: AbortSignal): Promise<() => void> => {
    if (inFlight >= concurrency) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const i = waiters.indexOf(go);
          if (i >= 0) waiters.splice(i, 1);
          reject(abortError());
        };
        const go = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        if (signal?.aborted) return reject(abortError());
        signal?.addEventListener("abort", onAbort, { once: true });
        waiters.push(go);
      });
      // the slot was handed over by release(): inFlight already counts it
    } else inFlight++;
    try {
      // Reserve a start time synchronously so concurrent acquirers get distinct slots.
      for (;;) {
        const now = Date.now();
        const start = Math.max(now, nextStart, blockedUntil);
        if (start <= now) {
          nextStart = now + interval;
          break;
        }
        if (blockedUntil <= now) {
          nextStart = start + interval;
          await sleep(start - now, signal);
          break;
        }
        await sleep(start - now, signal); // blocked by a Retry-After: re-check afterwards
      }
    } catch (e) {
      release();
      throw e;
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
    };
  };

  return {
    acquire,
    async schedule<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      const done = await acquire(signal);
      try {
        return await fn();
      } finally {
        done();
      }
    },
    blockFor(ms: number) {
      if (ms > 0) blockedUntil = Math.max(blockedUntil, Date.now() + ms);
    },
    get inFlight() {
      return inFlight;
    },
    options: Object.freeze({ ...options }),
  };
}
