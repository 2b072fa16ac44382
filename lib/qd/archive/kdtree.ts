/**
 * Static k-d tree over points in a flat Float64Array, for nearest-centroid
 * lookup. Flat node arrays and an explicit stack: a query allocates nothing.
 */

const LEAF_SIZE = 8;

export class KdTree {
  readonly n: number;
  readonly dim: number;
  /** Points reordered so each leaf is contiguous. */
  private readonly pts: Float64Array;
  /** Original index of each reordered point. */
  private readonly ids: Int32Array;
  // Node arrays. Leaf: splitDim = -1, [start, end) into pts.
  private readonly splitDim: Int32Array;
  private readonly splitVal: Float64Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private nodes = 0;
  private readonly stack: Int32Array;
  private readonly stackDist: Float64Array;

  constructor(points: Float64Array, dim: number) {
    this.dim = dim;
    this.n = points.length / dim;
    if (!Number.isInteger(this.n) || this.n < 1) throw new Error("KdTree needs at least one point");
    const order = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) order[i] = i;
    const maxNodes = 2 * Math.ceil(this.n / (LEAF_SIZE / 2)) + 2;
    this.splitDim = new Int32Array(maxNodes);
    this.splitVal = new Float64Array(maxNodes);
    this.left = new Int32Array(maxNodes);
    this.right = new Int32Array(maxNodes);
    this.start = new Int32Array(maxNodes);
    this.end = new Int32Array(maxNodes);
    this.build(points, order, 0, this.n, 0);
    this.ids = order;
    this.pts = new Float64Array(this.n * dim);
    for (let i = 0; i < this.n; i++) {
      for (let d = 0; d < dim; d++) this.pts[i * dim + d] = points[order[i] * dim + d];
    }
    this.stack = new Int32Array(128);
    this.stackDist = new Float64Array(128);
  }

  private build(p: Float64Array, order: Int32Array, lo: number, hi: number, depth: number): number {
    const node = this.nodes++;
    this.start[node] = lo;
    this.end[node] = hi;
    if (hi - lo <= LEAF_SIZE || depth > 60) {
      this.splitDim[node] = -1;
      return node;
    }
    // Split the widest dimension at the median.
    const dim = this.dim;
    let best = 0;
    let bestSpread = -1;
    for (let d = 0; d < dim; d++) {
      let mn = Infinity;
      let mx = -Infinity;
      for (let i = lo; i < hi; i++) {
        const v = p[order[i] * dim + d];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      if (mx - mn > bestSpread) {
        bestSpread = mx - mn;
        best = d;
      }
    }
    const mid = (lo + hi) >> 1;
    quickselect(p, order, lo, hi - 1, mid, best, dim);
    this.splitDim[node] = best;
    this.splitVal[node] = p[order[mid] * dim + best];
    this.left[node] = this.build(p, order, lo, mid, depth + 1);
    this.right[node] = this.build(p, order, mid, hi, depth + 1);
    return node;
  }

  /** Index (into the original points) of the nearest point to q[off..off+dim). */
  nearest(q: ArrayLike<number>, off = 0): number {
    const dim = this.dim;
    const pts = this.pts;
    const stack = this.stack;
    const stackDist = this.stackDist;
    let sp = 0;
    stack[sp] = 0;
    stackDist[sp++] = 0;
    let bestD = Infinity;
    let bestI = -1;
    while (sp > 0) {
      sp--;
      const node = stack[sp];
      if (stackDist[sp] >= bestD) continue;
      const sd = this.splitDim[node];
      if (sd < 0) {
        const e = this.end[node];
        for (let i = this.start[node]; i < e; i++) {
          let dist = 0;
          const b = i * dim;
          for (let d = 0; d < dim; d++) {
            const t = q[off + d] - pts[b + d];
            dist += t * t;
          }
          if (dist < bestD) {
            bestD = dist;
            bestI = i;
          }
        }
        continue;
      }
      const diff = q[off + sd] - this.splitVal[node];
      const near = diff < 0 ? this.left[node] : this.right[node];
      const far = diff < 0 ? this.right[node] : this.left[node];
      // Far side pushed first so the near side is explored first.
      stack[sp] = far;
      stackDist[sp++] = diff * diff;
      stack[sp] = near;
      stackDist[sp++] = 0;
    }
    return this.ids[bestI];
  }

  /**
   * The k nearest points to q[off..off+dim): writes their original indices
   * and Euclidean distances, nearest first, and returns how many were found
   * (min(k, n)). Ties keep the point met first.
   */
  kNearest(q: ArrayLike<number>, off: number, k: number, outIdx: Int32Array, outDist: Float64Array, exclude?: Uint8Array): number {
    const dim = this.dim;
    const pts = this.pts;
    const stack = this.stack;
    const stackDist = this.stackDist;
    const want = Math.min(k, this.n);
    // outDist holds squared distances in ascending order while searching.
    let found = 0;
    let worst = Infinity;
    let sp = 0;
    stack[sp] = 0;
    stackDist[sp++] = 0;
    while (sp > 0) {
      sp--;
      const node = stack[sp];
      if (found === want && stackDist[sp] >= worst) continue;
      const sd = this.splitDim[node];
      if (sd < 0) {
        const e = this.end[node];
        for (let i = this.start[node]; i < e; i++) {
          // Points whose stored row has moved since the build (the caller scans them itself).
          if (exclude !== undefined && exclude[this.ids[i]] === 1) continue;
          let dist = 0;
          const b = i * dim;
          for (let d = 0; d < dim; d++) {
            const t = q[off + d] - pts[b + d];
            dist += t * t;
          }
          if (found === want && dist >= worst) continue;
          // Insertion into the sorted prefix (k is small).
          let j = found === want ? want - 1 : found++;
          while (j > 0 && outDist[j - 1] > dist) {
            outDist[j] = outDist[j - 1];
            outIdx[j] = outIdx[j - 1];
            j--;
          }
          outDist[j] = dist;
          outIdx[j] = i;
          if (found === want) worst = outDist[want - 1];
        }
        continue;
      }
      const diff = q[off + sd] - this.splitVal[node];
      const near = diff < 0 ? this.left[node] : this.right[node];
      const far = diff < 0 ? this.right[node] : this.left[node];
      stack[sp] = far;
      stackDist[sp++] = diff * diff;
      stack[sp] = near;
      stackDist[sp++] = 0;
    }
    for (let j = 0; j < found; j++) {
      outIdx[j] = this.ids[outIdx[j]];
      outDist[j] = Math.sqrt(outDist[j]);
    }
    return found;
  }
}

function quickselect(p: Float64Array, order: Int32Array, lo: number, hi: number, k: number, d: number, dim: number): void {
  while (hi > lo) {
    const pivot = p[order[(lo + hi) >> 1] * dim + d];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (p[order[i] * dim + d] < pivot) i++;
      while (p[order[j] * dim + d] > pivot) j--;
      if (i <= j) {
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
