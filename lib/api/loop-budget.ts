/**
 * Cooperative slicing of long work on the web thread: call `pause()` between slices; it yields to the
 * event loop (setImmediate: pending I/O and other requests run first) only once the work has held the
 * loop for `budgetMs` since it last yielded. Small jobs finish in one turn; large ones never hold the
 * loop much longer than the budget, and do not pay a loop turn per slice.
 */
export function loopBudget(budgetMs = 4): { pause(): Promise<void> | undefined } {
  let since = performance.now();
  return {
    pause() {
      if (performance.now() - since < budgetMs) return undefined;
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          since = performance.now();
          resolve();
        }),
      );
    },
  };
}
