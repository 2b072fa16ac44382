/** Colour scale for fitness (viridis: perceptually uniform, readable with colour-vision deficiencies). */
import { interpolateViridis, rgb } from "d3";

export const LUT_SIZE = 256;

/** RGBA lookup table, LUT_SIZE entries. */
export const VIRIDIS_LUT: Uint8ClampedArray = (() => {
  const lut = new Uint8ClampedArray(LUT_SIZE * 4);
  for (let i = 0; i < LUT_SIZE; i++) {
    const c = rgb(interpolateViridis(i / (LUT_SIZE - 1)));
    lut[i * 4] = c.r;
    lut[i * 4 + 1] = c.g;
    lut[i * 4 + 2] = c.b;
    lut[i * 4 + 3] = 255;
  }
  return lut;
})();

export function colorIndex(f: number, min: number, max: number): number {
  if (!(max > min)) return LUT_SIZE - 1;
  const t = (f - min) / (max - min);
  return t <= 0 ? 0 : t >= 1 ? LUT_SIZE - 1 : Math.round(t * (LUT_SIZE - 1));
}

export function cssColor(f: number, min: number, max: number): string {
  const i = colorIndex(f, min, max) * 4;
  return `rgb(${VIRIDIS_LUT[i]},${VIRIDIS_LUT[i + 1]},${VIRIDIS_LUT[i + 2]})`;
}

export interface Theme {
  dark: boolean;
  empty: [number, number, number];
  emptyCss: string;
  plotBg: string;
  gap: string;
  highlight: string;
  lineage: string;
}

export function theme(dark: boolean): Theme {
  return dark
    ? { dark, empty: [30, 41, 59], emptyCss: "rgb(30,41,59)", plotBg: "#0f172a", gap: "#020617", highlight: "#f8fafc", lineage: "#fb923c" }
    : { dark, empty: [241, 245, 249], emptyCss: "rgb(241,245,249)", plotBg: "#ffffff", gap: "#ffffff", highlight: "#0f172a", lineage: "#ea580c" };
}

/** The fitness span the colour scale covers, and how many elites lie beyond each end of it. */
export interface ColorRange {
  min: number;
  max: number;
  /** Elites below `min` (drawn in the lowest colour); 0 unless the range was clipped. */
  clippedBelow: number;
  /** Elites above `max` (drawn in the highest colour); 0 unless the range was clipped. */
  clippedAbove: number;
}

/** Share of the elites each end may clip: xarray's `robust` plots use the same 2nd/98th percentiles. */
const TAIL = 0.02;

/**
 * The colour range of a set of fitness values (NaN = empty cell). Normally [min, max]. When the
 * last 2% at one end stretch further than the other 98% span — a few elites found far outside
 * the objective's usual range, as gradient-arborescence runs and density descent produce —
 * that end is clipped at its percentile: otherwise every other elite shares one colour.
 */
export function colorRangeOf(fitness: ArrayLike<number>): ColorRange {
  let n = 0;
  const values = new Float64Array(fitness.length);
  for (let i = 0; i < fitness.length; i++) {
    const f = fitness[i]!;
    if (Number.isFinite(f)) values[n++] = f;
  }
  if (n === 0) return { min: Infinity, max: -Infinity, clippedBelow: 0, clippedAbove: 0 };
  const sorted = values.subarray(0, n).sort();
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  const k = Math.floor(TAIL * (n - 1));
  const low = sorted[k]!;
  const high = sorted[n - 1 - k]!;
  const body = high - low;
  const range = { min, max, clippedBelow: 0, clippedAbove: 0 };
  if (low - min > body) {
    range.min = low;
    range.clippedBelow = countBelow(sorted, low);
  }
  if (max - high > body) {
    range.max = high;
    range.clippedAbove = n - countBelow(sorted, high, true);
  }
  return range;
}

/** How many of the sorted values are below `v` (or at most `v`, with `orEqual`): a binary search. */
function countBelow(sorted: Float64Array, v: number, orEqual = false): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v || (orEqual && sorted[mid] === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
