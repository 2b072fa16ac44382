/**
 * `"range": "auto"` descriptor rows: the grid's bounds follow the values seen so far.
 * Pure functions (no database): when to grow the bounds, what the new bounds are, and how
 * stored solutions fall into the cells of the new grid (best per cell becomes the elite).
 * The database side (lib/db/auto-range-store.ts) calls these under the experiment's row lock.
 */
import { gridCellOf } from "./grid";

export interface GridBounds {
  lower: number[];
  upper: number[];
  bins: number[];
}

/** Same epsilon as GridArchive (pyribs), so workers and the re-binning agree on every cell. */
const EPSILON = 1e-6;
/** Headroom on each side, as a share of the span: a slowly growing value re-bins rarely, not on every new extreme. */
export const AUTO_HEADROOM = 0.1;

/** Row-major grid cell of `values[off..off+d)` (-1 for NaN). */
export function cellOfValues(b: GridBounds, values: ArrayLike<number>, off = 0): number {
  const lower = Float64Array.from(b.lower);
  const interval = Float64Array.from(b.upper.map((u, i) => u - b.lower[i]!));
  return gridCellOf(values, off, Int32Array.from(b.bins), lower, interval, EPSILON);
}

/** A cell function for many calls (typed arrays built once). */
export function cellFunction(b: GridBounds): (values: ArrayLike<number>, off?: number) => number {
  const dims = Int32Array.from(b.bins);
  const lower = Float64Array.from(b.lower);
  const interval = Float64Array.from(b.upper.map((u, i) => u - b.lower[i]!));
  return (values, off = 0) => gridCellOf(values, off, dims, lower, interval, EPSILON);
}

/** Bounds around the span [lo, hi] of the values, with headroom; a single value gets a unit-ish window around it. */
export function boundsAround(lo: number, hi: number): [number, number] {
  const span = hi - lo;
  const pad = span > 0 ? span * AUTO_HEADROOM : Math.max(Math.abs(lo) * AUTO_HEADROOM, 0.5);
  return [lo - pad, hi + pad];
}

/**
 * Whether any value of an auto dimension lies outside the current bounds (values are
 * row-major, `dim` per candidate; non-finite values are left to the caller's validation).
 */
export function outsideBounds(b: GridBounds, auto: boolean[], values: ArrayLike<number>): boolean {
  const d = auto.length;
  for (let i = 0; i + d <= values.length; i += d) {
    for (let k = 0; k < d; k++) {
      if (!auto[k]) continue;
      const v = values[i + k]!;
      if (Number.isFinite(v) && (v < b.lower[k]! || v > b.upper[k]!)) return true;
    }
  }
  return false;
}

/**
 * New bounds: for auto dimensions, the span of every value (stored and new) with headroom;
 * fixed dimensions keep theirs. `values` is row-major with `auto.length` per row.
 */
export function grownBounds(b: GridBounds, auto: boolean[], values: ArrayLike<number>): GridBounds {
  const d = auto.length;
  const lo = new Array<number>(d).fill(Infinity);
  const hi = new Array<number>(d).fill(-Infinity);
  for (let i = 0; i + d <= values.length; i += d) {
    for (let k = 0; k < d; k++) {
      const v = values[i + k]!;
      if (!Number.isFinite(v)) continue;
      if (v < lo[k]!) lo[k] = v;
      if (v > hi[k]!) hi[k] = v;
    }
  }
  const lower = [...b.lower];
  const upper = [...b.upper];
  for (let k = 0; k < d; k++) {
    if (!auto[k] || lo[k] === Infinity) continue;
    [lower[k], upper[k]] = boundsAround(lo[k]!, hi[k]!);
  }
  return { lower, upper, bins: [...b.bins] };
}

export interface StoredPoint {
  id: string;
  fitness: number;
  descriptors: number[];
}

/**
 * Every stored solution's cell in the grid, and each cell's elite: the best solution in it
 * (ties: the earlier one in `points`, i.e. the one inserted first, as the strict elite rule keeps).
 */
export function rebin(points: StoredPoint[], b: GridBounds): { cells: number[]; elites: Map<number, number> } {
  const cellOf = cellFunction(b);
  const cells = points.map((p) => (p.descriptors.length === b.bins.length ? cellOf(p.descriptors) : -1));
  const elites = new Map<number, number>();
  cells.forEach((c, i) => {
    if (c < 0) return;
    const cur = elites.get(c);
    if (cur === undefined || points[i]!.fitness > points[cur]!.fitness) elites.set(c, i);
  });
  return { cells, elites };
}
