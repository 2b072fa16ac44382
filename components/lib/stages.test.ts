import { describe, expect, it } from "vitest";
import { runInStages, type IdleScheduler } from "./stages";

/** A scheduler that runs nothing until told: each flush() runs the one callback that is waiting. */
function manual() {
  const queue: (() => void)[] = [];
  const schedule: IdleScheduler = (run) => {
    queue.push(run);
    return () => {
      const i = queue.indexOf(run);
      if (i >= 0) queue.splice(i, 1);
    };
  };
  return { schedule, pending: () => queue.length, flush: () => queue.shift()?.() };
}

describe("runInStages", () => {
  it("runs one stage per idle period, in order", () => {
    const s = manual();
    const seen: number[] = [];
    runInStages(3, (k) => seen.push(k), s.schedule);
    expect(seen).toEqual([]);
    s.flush();
    expect(seen).toEqual([1]);
    s.flush();
    s.flush();
    expect(seen).toEqual([1, 2, 3]);
    expect(s.pending()).toBe(0);
  });

  it("stops the stages not yet run when cancelled", () => {
    const s = manual();
    const seen: number[] = [];
    const stop = runInStages(4, (k) => seen.push(k), s.schedule);
    s.flush();
    stop();
    expect(s.pending()).toBe(0);
    s.flush();
    expect(seen).toEqual([1]);
  });

  it("waits for a stage's promise, resolved or rejected, before scheduling the next", async () => {
    const s = manual();
    const seen: number[] = [];
    let release!: () => void;
    runInStages(
      3,
      (k) => {
        seen.push(k);
        if (k === 1) return new Promise<void>((r) => (release = r));
        if (k === 2) return Promise.reject(new Error("chunk failed"));
      },
      s.schedule,
    );
    s.flush();
    expect(s.pending()).toBe(0);
    release();
    await new Promise((r) => setTimeout(r, 0));
    s.flush();
    await new Promise((r) => setTimeout(r, 0));
    s.flush();
    expect(seen).toEqual([1, 2, 3]);
  });

  it("schedules nothing for zero stages", () => {
    const s = manual();
    runInStages(0, () => {}, s.schedule);
    expect(s.pending()).toBe(0);
  });
});
