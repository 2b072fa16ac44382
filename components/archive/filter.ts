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
  const b = store.cellBounds(cell)[k];
  return b ? (b.lo + b.hi) / 2 : NaN;
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
