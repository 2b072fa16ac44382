/**
 * How candidates run at once. An evaluator (one per experiment per worker) holds its own slots,
 * `evaluation.concurrency` of them, shared by every job of that experiment the worker runs at once;
 * the worker holds QD_EVALUATION_SLOTS for all its evaluators. A candidate runs once it has one of
 * each (taken in that order, so nobody waits in a cycle): one job's commit overlaps the next job's
 * evaluations, and CPU-bound evaluators keep the limit they asked for. Results stay in candidate
 * order; a candidate that throws or is cancelled becomes a failure result of its own, so one crash
 * never fails its neighbours.
 */
import { createRateLimiter } from "../llm/limiter";

/** A per-process pool of evaluation slots, shared by every evaluator of a worker. */
export interface EvaluationSlots {
  /** Wait for a slot (rejects with an AbortError when `signal` fires first); call the result to free it. */
  acquire(signal?: AbortSignal): Promise<() => void>;
  readonly inFlight: number;
  readonly limit: number;
}

export function createEvaluationSlots(limit: number): EvaluationSlots {
  // The LLM limiter is a fair FIFO semaphore with abortable waits: exactly what a slot pool needs.
  const limiter = createRateLimiter({ concurrency: Math.max(1, Math.floor(limit)) });
  return {
    acquire: (signal) => limiter.acquire(signal),
    get inFlight() {
      return limiter.inFlight;
    },
    limit: Math.max(1, Math.floor(limit)),
  };
}

/** Options every evaluate() call accepts. */
export interface EvaluateOptions {
  /** Aborted: candidates not started yet are not started, running ones are stopped where the evaluator can. */
  signal?: AbortSignal;
}

export const CANCELLED_ERROR = "cancelled before it finished (the run was cancelled)";

/**
 * `fn` over `items`, at most `concurrency` at once, each holding one slot of every pool in `slots`
 * (acquired in order); results in item order. A rejection of `fn`, or a cancellation, becomes
 * `onError(item, message)`.
 */
export async function evaluateEach<T, R>(
  items: T[],
  opts: { concurrency: number; slots?: (EvaluationSlots | undefined)[]; signal?: AbortSignal },
  fn: (item: T, index: number) => Promise<R>,
  onError: (item: T, message: string) => R,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Math.max(1, Math.min(Math.floor(opts.concurrency) || 1, items.length));
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      const item = items[i]!;
      if (opts.signal?.aborted) {
        out[i] = onError(item, CANCELLED_ERROR);
        continue;
      }
      const held: Array<() => void> = [];
      const release = () => held.splice(0).reverse().forEach((r) => r());
      try {
        for (const pool of opts.slots ?? []) if (pool) held.push(await pool.acquire(opts.signal));
      } catch {
        release();
        out[i] = onError(item, CANCELLED_ERROR);
        continue;
      }
      try {
        out[i] = await fn(item, i);
      } catch (e) {
        out[i] = onError(item, opts.signal?.aborted ? CANCELLED_ERROR : `the evaluator crashed: ${(e as Error)?.message ?? String(e)}`);
      } finally {
        release();
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return out;
}
