import { describe, expect, it } from "vitest";
import { colorRangeOf } from "./colors";

describe("colorRangeOf", () => {
  it("spans min to max when the values are spread evenly, ignoring empty cells", () => {
    const f = Float64Array.from({ length: 1000 }, (_, i) => (i % 7 === 0 ? NaN : i / 10));
    const r = colorRangeOf(f);
    expect(r.min).toBe(0.1);
    expect(r.max).toBe(99.9);
    expect(r.clippedBelow + r.clippedAbove).toBe(0);
  });

  it("clips a few far-negative elites so the others do not share one colour", () => {
    // 990 elites in [50, 100), 10 found far outside the objective's range (CMA-MEGA's early steps).
    const f = [...Array.from({ length: 990 }, (_, i) => 50 + i / 19.8), ...Array.from({ length: 10 }, (_, i) => -1e6 * (i + 1))];
    const r = colorRangeOf(f);
    expect(r.min).toBeGreaterThanOrEqual(50);
    expect(r.clippedBelow).toBe(f.filter((v) => v < r.min).length);
    expect(r.clippedBelow).toBeGreaterThanOrEqual(10);
    expect(r.clippedBelow).toBeLessThanOrEqual(21); // the outliers and at most 2% more
    expect(r.max).toBeCloseTo(100 - 1 / 19.8, 6);
    expect(r.clippedAbove).toBe(0);
  });

  it("clips far-positive outliers too, and counts them", () => {
    const f = [...Array.from({ length: 500 }, (_, i) => i / 500), 1e9, 1e9, 2e9];
    const r = colorRangeOf(f);
    expect(r.max).toBeLessThan(1);
    expect(r.clippedAbove).toBe(f.filter((v) => v > r.max).length);
    expect(r.clippedBelow).toBe(0);
  });

  it("does not clip small archives (2% of them is less than one elite)", () => {
    const r = colorRangeOf([1, 2, 3, -1e6]);
    expect(r).toEqual({ min: -1e6, max: 3, clippedBelow: 0, clippedAbove: 0 });
  });

  it("is empty for an empty archive", () => {
    const r = colorRangeOf([NaN, NaN]);
    expect(r.min).toBe(Infinity);
    expect(r.max).toBe(-Infinity);
  });
});
