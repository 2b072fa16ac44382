import { describe, expect, it } from "vitest";
import { nextRestart } from "./restart-policy";

describe("worker restart policy", () => {
  it("doubles the delay while a worker keeps crashing at start-up, up to a minute, and never gives up", () => {
    let crashes = 0;
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      const next = nextRestart(crashes, 500);
      crashes = next.crashesInARow;
      delays.push(next.delayMs);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000, 60000, 60000]);
    expect(nextRestart(1000, 10).delayMs).toBe(60000);
  });

  it("a worker that ran for a while before dying is restarted after a second", () => {
    expect(nextRestart(6, 5 * 60_000)).toEqual({ crashesInARow: 1, delayMs: 1000 });
  });
});
