import { describe, expect, it, vi } from "vitest";
import { newSolutionId } from "./solution-id";

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const msOf = (id: string) => parseInt(id.replace(/-/g, "").slice(0, 12), 16);

describe("newSolutionId", () => {
  it("gives v7 UUIDs carrying the current millisecond", () => {
    const before = Date.now();
    const id = newSolutionId();
    expect(id).toMatch(V7);
    expect(msOf(id)).toBeGreaterThanOrEqual(before);
    expect(msOf(id)).toBeLessThanOrEqual(Date.now());
  });

  it("increases strictly, also when one millisecond runs out of counter values", () => {
    // A frozen clock: 20,000 ids in "one" millisecond overflow the 12-bit counter several times.
    const now = vi.spyOn(Date, "now").mockReturnValue(Date.now() + 1000);
    try {
      const ids = Array.from({ length: 20_000 }, newSolutionId);
      for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
      expect(ids.every((id) => V7.test(id))).toBe(true);
    } finally {
      now.mockRestore();
    }
  });

  it("never goes back when the clock does", () => {
    const a = newSolutionId();
    const now = vi.spyOn(Date, "now").mockReturnValue(Date.now() - 60_000);
    try {
      expect(newSolutionId() > a).toBe(true);
    } finally {
      now.mockRestore();
    }
  });
});
