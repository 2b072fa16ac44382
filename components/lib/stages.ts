/**
 * Work split over idle periods: `step(1)`, …, `step(count)`, each in its own idle callback, so that a page
 * mounting several heavy panels after hydration runs several short tasks instead of one long one.
 */

/** Runs `run` at the next idle period; returns a function that cancels it. */
export type IdleScheduler = (run: () => void) => () => void;

/** Longest wait for an idle period: on a busy main thread the panels still come, one per task. */
const IDLE_TIMEOUT_MS = 250;

export const whenIdle: IdleScheduler = (run) => {
  if (typeof requestIdleCallback === "function") {
    const h = requestIdleCallback(() => run(), { timeout: IDLE_TIMEOUT_MS });
    return () => cancelIdleCallback(h);
  }
  const t = setTimeout(run, 16);
  return () => clearTimeout(t);
};

/**
 * Calls step(1) … step(count) in order, one per idle period; a step that returns a promise (a chunk to load) is
 * waited for, failed or not, before the next is scheduled. The returned function stops what has not run yet.
 */
export function runInStages(count: number, step: (stage: number) => unknown, schedule: IdleScheduler = whenIdle): () => void {
  let stopped = false;
  let cancel: (() => void) | null = null;
  const next = (stage: number) => {
    if (stopped || stage > count) return;
    cancel = schedule(() => {
      cancel = null;
      if (stopped) return;
      const done = step(stage);
      if (done instanceof Promise) void done.catch(() => {}).then(() => next(stage + 1));
      else next(stage + 1);
    });
  };
  next(1);
  return () => {
    stopped = true;
    cancel?.();
  };
}
