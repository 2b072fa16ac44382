/** CVT archive: cells are the Voronoi regions of k centroids (k-means over the box). */
import { ArchiveBase, type ArchiveOptions } from "./base";
import { KdTree } from "./kdtree";
import { cvtCentroids } from "./kmeans";

export interface CVTArchiveOptions extends ArchiveOptions {
  /** [min, max] per descriptor dimension. */
  ranges: [number, number][];
  /** Number of centroids (cells). */
  cells: number;
  /** Uniform samples for k-means (pyribs default 100,000). */
  samples?: number;
  /** Lloyd iteration cap (sklearn default 300). */
  maxIter?: number;
  /** Seed for sampling and k-means init. */
  seed?: number;
  /** Precomputed centroids (flat, cells×dims): skips k-means, e.g. when a worker rebuilds a cache. */
  centroids?: Float64Array | number[];
}

export class CVTArchive extends ArchiveBase {
  readonly centroids: Float64Array;
  private readonly tree: KdTree;
  private readonly scratch: Float64Array;

  constructor(opts: CVTArchiveOptions) {
    if (opts.ranges.length === 0) throw new Error("ranges must be non-empty");
    for (const [lo, hi] of opts.ranges) if (!(hi > lo)) throw new Error("each range must have max > min");
    const dim = opts.ranges.length;
    super(opts.cells, dim, opts.ranges.map((r) => r[0]), opts.ranges.map((r) => r[1]), opts);
    if (opts.centroids) {
      if (opts.centroids.length !== opts.cells * dim) throw new Error(`centroids must have cells*dims = ${opts.cells * dim} values`);
      this.centroids = Float64Array.from(opts.centroids);
    } else {
      this.centroids = cvtCentroids({
        k: opts.cells,
        lower: this.lowerBounds,
        upper: this.upperBounds,
        samples: opts.samples,
        maxIter: opts.maxIter,
        seed: opts.seed,
      }).centroids;
    }
    this.tree = new KdTree(this.centroids, dim);
    this.scratch = new Float64Array(dim);
  }

  /** Nearest centroid (Euclidean); -1 for NaN. Out-of-box points map to the nearest edge centroid. */
  cellOf(measures: ArrayLike<number>, offset = 0): number {
    const md = this.measureDim;
    let finite = true;
    for (let d = 0; d < md; d++) {
      const v = measures[offset + d];
      if (v !== v) return -1;
      if (v === Infinity || v === -Infinity) finite = false;
    }
    if (finite) return this.tree.nearest(measures, offset);
    // ±Infinity: clamp to the box so distances stay finite (edge cell).
    const q = this.scratch;
    for (let d = 0; d < md; d++) {
      const v = measures[offset + d];
      q[d] = v === Infinity ? this.upperBounds[d] : v === -Infinity ? this.lowerBounds[d] : v;
    }
    return this.tree.nearest(q, 0);
  }
}
