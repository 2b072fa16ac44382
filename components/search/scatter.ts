/**
 * The search-archive scatter's arithmetic, kept out of the component so it is tested on its own:
 * which result-grid cell a point falls in, which point a click means, and the keyboard's walk.
 */
import { gridCellOf } from "@/lib/qd/archive/grid";
import type { Geometry } from "@/components/lib/types";

/** pyribs' edge tolerance (the engine's GridArchive uses the same). */
const GRID_EPSILON = 1e-6;

/** The result-grid cell that holds measures `m` (the engine's index function; out-of-range values in the edge cell). Null off a grid. */
export function pointCell(geometry: Geometry, m: readonly number[]): number | null {
  if (geometry.type !== "grid" || m.length < geometry.dims.length) return null;
  const dims = Int32Array.from(geometry.dims);
  const lower = Float64Array.from(geometry.ranges.map((r) => r[0]));
  const interval = Float64Array.from(geometry.ranges.map((r) => r[1] - r[0]));
  const cell = gridCellOf(m, 0, dims, lower, interval, GRID_EPSILON);
  return cell < 0 ? null : cell;
}

/** The point nearest (x, y) in screen units, if one lies within `radius`; ties go to the first. */
export function nearestPoint(xs: Float64Array, ys: Float64Array, x: number, y: number, radius: number): number | null {
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i]! - x;
    const dy = ys[i]! - y;
    const d = dx * dx + dy * dy;
    if (d <= bestD && (best < 0 || d < bestD)) {
      best = i;
      bestD = d;
    }
  }
  return best < 0 ? null : best;
}

/** Point indices ordered by one coordinate (ties by index): ← → walk the x order, ↑ ↓ the y order. */
export function orderBy(values: Float64Array): Int32Array {
  return Int32Array.from(values.keys()).sort((a, b) => values[a]! - values[b]! || a - b);
}

/** The next point along an order from `current` (null: start at the first or last); stays at the ends. */
export function step(order: Int32Array, current: number | null, delta: 1 | -1): number | null {
  if (!order.length) return null;
  if (current == null) return order[delta > 0 ? 0 : order.length - 1]!;
  const at = order.indexOf(current);
  const next = Math.max(0, Math.min(order.length - 1, (at < 0 ? 0 : at) + delta));
  return order[next]!;
}

/** The index of the best objective (first of equals), or null without objectives. */
export function bestPoint(objective: readonly number[] | null): number | null {
  if (!objective?.length) return null;
  let best = 0;
  for (let i = 1; i < objective.length; i++) if (objective[i]! > objective[best]!) best = i;
  return best;
}

/** Evenly spaced tick values over [min, max], ends included. */
export function ticks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  return Array.from({ length: count }, (_, i) => min + ((max - min) * i) / (count - 1));
}
