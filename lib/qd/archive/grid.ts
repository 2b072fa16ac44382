/** Grid archive: uniform bins per descriptor, pyribs GridArchive.index_of. */
import { ArchiveBase, type ArchiveOptions } from "./base";

export interface GridArchiveOptions extends ArchiveOptions {
  /** Bins per descriptor dimension, e.g. [100, 100]. */
  dims: number[];
  /** [min, max] per descriptor dimension. */
  ranges: [number, number][];
  /** Added before flooring to absorb float error at bin edges (pyribs: 1e-6). */
  epsilon?: number;
}

/**
 * Index of measures `m[off..off+d)` in a grid, C (row-major) order like
 * numpy.ravel_multi_index. Same arithmetic as pyribs:
 * trunc((dims·(m − lower) + ε) / (upper − lower)), clipped to [0, dims−1];
 * out-of-range values (including ±Infinity) land in the edge cells.
 * Returns -1 for NaN (pyribs raises; we reject the candidate instead).
 */
export function gridCellOf(
  m: ArrayLike<number>,
  off: number,
  dims: Int32Array,
  lower: Float64Array,
  interval: Float64Array,
  epsilon: number,
): number {
  let idx = 0;
  const nd = dims.length;
  for (let d = 0; d < nd; d++) {
    const v = m[off + d];
    if (v !== v) return -1;
    const size = dims[d];
    let g = Math.trunc((size * (v - lower[d]) + epsilon) / interval[d]);
    if (g < 0) g = 0;
    else if (g > size - 1) g = size - 1;
    idx = idx * size + g;
  }
  return idx;
}

export class GridArchive extends ArchiveBase {
  readonly dims: Int32Array;
  readonly interval: Float64Array;
  readonly epsilon: number;

  constructor(opts: GridArchiveOptions) {
    if (opts.dims.length === 0 || opts.dims.length !== opts.ranges.length) {
      throw new Error("dims and ranges must be non-empty and the same length");
    }
    for (const b of opts.dims) if (!Number.isInteger(b) || b < 1) throw new Error("each dims entry must be a positive integer");
    for (const [lo, hi] of opts.ranges) if (!(hi > lo)) throw new Error("each range must have max > min");
    const cells = opts.dims.reduce((a, b) => a * b, 1);
    super(cells, opts.dims.length, opts.ranges.map((r) => r[0]), opts.ranges.map((r) => r[1]), opts);
    this.dims = Int32Array.from(opts.dims);
    this.interval = this.upperBounds.map((u, i) => u - this.lowerBounds[i]);
    this.epsilon = opts.epsilon ?? 1e-6;
  }

  cellOf(measures: ArrayLike<number>, offset = 0): number {
    return gridCellOf(measures, offset, this.dims, this.lowerBounds, this.interval, this.epsilon);
  }

  /** Per-dimension bin indices of a cell (inverse of cellOf's ravel). */
  gridIndex(cell: number): number[] {
    const out = new Array<number>(this.dims.length);
    for (let d = this.dims.length - 1; d >= 0; d--) {
      out[d] = cell % this.dims[d];
      cell = Math.floor(cell / this.dims[d]);
    }
    return out;
  }
}
