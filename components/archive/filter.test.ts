import { describe, expect, it } from "vitest";
import { ArchiveStore } from "./store";
import { descriptorValue, inRanges } from "./filter";

const empty = { cell: new Int32Array(0), fitness: new Float64Array(0), descriptors: new Float64Array(0) };

describe("a cell's descriptor value for the brush and parallel coordinates", () => {
  it("is the middle of the cell's box when the exact descriptors are not known (grid, any number of dimensions)", () => {
    const store = new ArchiveStore({ ...empty, cells: 4 * 3 * 5, geometry: { type: "grid", dims: [4, 3, 5], ranges: [[-1, 1], [0, 0.3], [10, 20]] }, descriptorNames: ["a", "b", "c"] });
    for (let cell = 0; cell < store.cells; cell++) {
      const bounds = store.cellBounds(cell);
      for (let k = 0; k < 3; k++) expect(descriptorValue(store, cell, k)).toBe((bounds[k]!.lo + bounds[k]!.hi) / 2);
    }
    // Cell 22 = (1, 1, 2) in C order (22 = 1·15 + 1·5 + 2).
    [-0.25, 0.15, 15].forEach((v, k) => expect(descriptorValue(store, 22, k)).toBeCloseTo(v, 12));
  });

  it("is the centroid for CVT cells, and the exact value once a row carried it", () => {
    const cvt = new ArchiveStore({ ...empty, cells: 2, geometry: { type: "cvt", centroids: [[0.1, 0.9], [0.7, 0.3]], ranges: [[0, 1], [0, 1]] }, descriptorNames: ["a", "b"] });
    expect(descriptorValue(cvt, 1, 0)).toBe(0.7);
    expect(descriptorValue(cvt, 0, 1)).toBe(0.9);
    const grid = new ArchiveStore({ cells: 4, geometry: { type: "grid", dims: [2, 2], ranges: [[0, 1], [0, 1]] }, descriptorNames: ["a", "b"], cell: Int32Array.of(3), fitness: Float64Array.of(1), descriptors: Float64Array.of(0.61, 0.99) });
    expect(descriptorValue(grid, 3, 0)).toBe(0.61);
    expect(inRanges(grid, 3, [{ index: 1, min: 0.9, max: 1 }])).toBe(true);
    expect(inRanges(grid, 2, [{ index: 1, min: 0.9, max: 1 }])).toBe(false);
  });
});
