import { describe, expect, it } from "vitest";
import { GridArchive } from "../archive/grid";

const grid = (dims: number[], ranges: [number, number][], extra = {}) => new GridArchive({ solutionDim: 2, dims, ranges, ...extra });

describe("GridArchive.cellOf (pyribs index_of)", () => {
  const a = grid([10], [[0, 1]]);
  it("maps interior values to floor((x - lo) / width)", () => {
    expect(a.cellOf([0.05])).toBe(0);
    expect(a.cellOf([0.55])).toBe(5);
    expect(a.cellOf([0.999])).toBe(9);
  });
  it("puts the lower bound in cell 0 and the upper bound in the last cell", () => {
    expect(a.cellOf([0])).toBe(0);
    expect(a.cellOf([1])).toBe(9);
  });
  it("uses epsilon so values on a bin edge land in the upper bin despite float error", () => {
    // 100 * 0.29 = 28.999999999999996 in floating point: without epsilon this is bin 28.
    expect(100 * 0.29).toBeLessThan(29);
    const g = grid([100], [[0, 1]]);
    expect(g.cellOf([0.29])).toBe(29);
    expect(g.cellOf([0.57])).toBe(57);
    expect(grid([100], [[0, 1]], { epsilon: 0 }).cellOf([0.29])).toBe(28);
    // LP-sphere box: boundary -235.52 is bin 4 only thanks to epsilon.
    expect(grid([100], [[-256, 256]]).cellOf([-235.52])).toBe(4);
    expect(grid([100], [[-256, 256]], { epsilon: 0 }).cellOf([-235.52])).toBe(3);
  });
  it("clips out-of-range values (and infinities) to the edge cells", () => {
    expect(a.cellOf([-5])).toBe(0);
    expect(a.cellOf([-0.0001])).toBe(0);
    expect(a.cellOf([1.5])).toBe(9);
    expect(a.cellOf([Infinity])).toBe(9);
    expect(a.cellOf([-Infinity])).toBe(0);
  });
  it("returns -1 for NaN (the candidate is rejected)", () => {
    expect(a.cellOf([NaN])).toBe(-1);
  });
  it("ravels multi-dimensional indices in C order", () => {
    const g = grid([4, 5, 3], [[0, 4], [0, 5], [0, 3]]);
    expect(g.cells).toBe(60);
    expect(g.cellOf([2.5, 1.5, 0.5])).toBe(2 * 15 + 1 * 3 + 0);
    expect(g.cellOf([3.9, 4.9, 2.9])).toBe(59);
    expect(g.gridIndex(2 * 15 + 1 * 3 + 2)).toEqual([2, 1, 2]);
    expect(g.cellOf([1, 2, 3], 0)).toBe(g.cellOf([9, 9, 1, 2, 3], 2));
  });
  it("matches the LP-sphere archive bounds ±256 with 100 bins", () => {
    const g = grid([100, 100], [[-256, 256], [-256, 256]]);
    expect(g.cellOf([0, 0])).toBe(50 * 100 + 50);
    expect(g.cellOf([-256, 255.99])).toBe(99);
    expect(g.cellOf([5.12 - 256, -256])).toBe(100);
  });
  it("rejects bad configurations", () => {
    expect(() => grid([10, 10], [[0, 1]])).toThrow();
    expect(() => grid([0], [[0, 1]])).toThrow();
    expect(() => grid([10], [[1, 1]])).toThrow();
  });
});
