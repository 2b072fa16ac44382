import { describe, expect, it } from "vitest";
import { ArchiveStore } from "./store";

const geometry = { type: "grid" as const, dims: [2, 2], ranges: [[0, 1], [0, 1]] as [number, number][] };
const uuid = (k: number) => `0000000${k}-aaaa-4bbb-8ccc-${String(k).padStart(12, "0")}`;
const bytes = (ids: (string | null)[]) => {
  const out = new Uint8Array(16 * ids.length);
  ids.forEach((id, i) => id && out.set(Buffer.from(id.replace(/-/g, ""), "hex"), 16 * i));
  return out;
};

describe("the page's archive store: which solution is each cell's elite", () => {
  it("knows the id a read told it, forgets it when a live update replaces the elite, and learns the new one from the next read", () => {
    const store = new ArchiveStore({ cells: 4, geometry, descriptorNames: ["a", "b"], cell: Int32Array.of(0, 3), fitness: Float64Array.of(1, 2), descriptors: Float64Array.of(0.1, 0.1, 0.9, 0.9), solutionIds: bytes([uuid(1), uuid(2)]) });
    expect(store.solutionId(0)).toBe(uuid(1));
    expect(store.solutionId(3)).toBe(uuid(2));
    expect(store.solutionId(1)).toBeUndefined();
    // Live updates carry fitness only: cell 3's new elite has no known id yet.
    store.apply([[3, 5]]);
    expect(store.solutionId(3)).toBeUndefined();
    expect(store.solutionId(0)).toBe(uuid(1));
    store.merge({ cells: 4, geometry, descriptorNames: [], cell: Int32Array.of(3, 1), fitness: Float64Array.of(5, 0.5), descriptors: Float64Array.of(0.8, 0.8, 0.2, 0.7), solutionIds: bytes([uuid(3), null]) });
    expect(store.solutionId(3)).toBe(uuid(3));
    // A row without an id fills the cell but names no solution.
    expect(store.filled).toBe(3);
    expect(store.solutionId(1)).toBeUndefined();
  });
});
