import { describe, expect, it } from "vitest";
import { GridArchive } from "@/lib/qd/archive/grid";
import { bestPoint, nearestPoint, orderBy, pointCell, step, ticks } from "./scatter";

const geometry = { type: "grid" as const, dims: [100, 50], ranges: [[-25.6, 25.6], [0, 1]] as [number, number][] };

describe("search-archive scatter", () => {
  it("a picked point opens the result-grid cell the engine would put it in (edges and out-of-range values included)", () => {
    const engine = new GridArchive({ solutionDim: 1, dims: geometry.dims, ranges: geometry.ranges });
    for (const m of [[0, 0.5], [-25.6, 0], [25.6, 1], [-99, 7], [3.3, 0.02], [-0.256, 0.999999]]) {
      expect(pointCell(geometry, m)).toBe(engine.cellOf(m));
    }
    expect(pointCell(geometry, [25.6, 1])).toBe(100 * 50 - 1);
    expect(pointCell({ type: "cvt", centroids: [[0, 0]], ranges: geometry.ranges }, [0, 0])).toBeNull();
  });

  it("a click picks the nearest point within the radius, none farther", () => {
    const xs = Float64Array.from([10, 20, 30]);
    const ys = Float64Array.from([10, 10, 10]);
    expect(nearestPoint(xs, ys, 21, 12, 12)).toBe(1);
    expect(nearestPoint(xs, ys, 21, 40, 12)).toBeNull();
  });

  it("the arrow keys walk the points in x (or y) order and stop at the ends; Home finds the best objective", () => {
    const order = orderBy(Float64Array.from([3, 1, 2, 1]));
    expect([...order]).toEqual([1, 3, 2, 0]);
    expect(step(order, null, 1)).toBe(1);
    expect(step(order, null, -1)).toBe(0);
    expect(step(order, 3, 1)).toBe(2);
    expect(step(order, 0, 1)).toBe(0);
    expect(step(order, 1, -1)).toBe(1);
    expect(bestPoint([1, 5, 5, 2])).toBe(1);
    expect(bestPoint(null)).toBeNull();
  });

  it("ticks span the axis with both ends", () => {
    const t = ticks(-25.6, 25.6);
    [-25.6, -12.8, 0, 12.8, 25.6].forEach((v, i) => expect(t[i]).toBeCloseTo(v, 9));
    expect(ticks(1, 1)).toEqual([1]);
  });
});
