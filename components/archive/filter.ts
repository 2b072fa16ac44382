/**
 * Descriptor-range filters on the archive (the parallel-coordinates brush): which cells pass, and a
 * view of the store in which the others look empty, so the grid draws only what the brush keeps.
 */
import type { DescriptorRange } from "@/components/lib/use-elite-table";
import type { ArchiveStore } from "./store";

/**
 * A cell's value on descriptor k: the elite's exact descriptor when known, else the middle of its
 * cell (live updates carry fitness only until the exact row is read).
 */
export function descriptorValue(store: ArchiveStore, cell: number, k: number): number {
  const v = store.descriptors[cell * store.dim + k]!;
  if (v === v) return v;
  // Called for every cell and axis on each parallel-coordinates draw while a run is live (its updates
  // carry no descriptors): the bin of dimension k and its middle, without cellBounds' arrays.
  const g = store.geometry;
  if (g.type === "grid") {
    const bins = g.dims[k];
    const range = g.ranges[k];
    if (bins === undefined || !range) return NaN;
    let stride = 1;
    for (let d = g.dims.length - 1; d > k; d--) stride *= g.dims[d]!;
    const i = Math.floor(cell / stride) % bins;
    const [lo, hi] = range;
    const w = (hi - lo) / bins;
    return (lo + i * w + (lo + (i + 1) * w)) / 2;
  }
  const c = g.centroids[cell]?.[k];
  return c === undefined ? NaN : (c + c) / 2;
}

export function inRanges(store: ArchiveStore, cell: number, ranges: readonly DescriptorRange[]): boolean {
  for (const r of ranges) {
    const v = descriptorValue(store, cell, r.index);
    if (!(v >= r.min && v <= r.max)) return false;
  }
  return true;
}

/** The store with the cells outside `ranges` emptied (colour scale, counts and geometry unchanged). */
export function filteredStore(store: ArchiveStore, ranges: readonly DescriptorRange[]): ArchiveStore {
  if (!ranges.length) return store;
  const fitness = new Float64Array(store.fitness.length).fill(NaN);
  let filled = 0;
  for (let c = 0; c < store.cells; c++) {
    const f = store.fitness[c]!;
    if (f === f && inRanges(store, c, ranges)) (fitness[c] = f), filled++;
  }
  // Reads only: the live store stays the one updates are applied to.
  return Object.create(store, { fitness: { value: fitness }, filled: { value: filled } }) as ArchiveStore;
}

/** How many filled cells pass the filter. */
export function countInRanges(store: ArchiveStore, ranges: readonly DescriptorRange[]): number {
  let n = 0;
  for (let c = 0; c < store.cells; c++) {
    const f = store.fitness[c]!;
    if (f === f && inRanges(store, c, ranges)) n++;
  }
  return n;
}
