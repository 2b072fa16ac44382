import { describe, expect, it } from "vitest";
import { CVTArchive } from "../archive/cvt";
import { KdTree } from "../archive/kdtree";
import { cvtCentroids } from "../archive/kmeans";
import { Rng } from "../rng";

function bruteNearestDist(pts: Float64Array, dim: number, q: ArrayLike<number>): number {
  let best = Infinity;
  for (let i = 0; i < pts.length / dim; i++) {
    let d = 0;
    for (let k = 0; k < dim; k++) d += (pts[i * dim + k] - q[k]) ** 2;
    best = Math.min(best, d);
  }
  return best;
}

describe("KdTree", () => {
  for (const dim of [1, 2, 3, 5]) {
    it(`matches brute force nearest neighbour in ${dim}-D`, () => {
      const rng = new Rng(dim);
      const n = 2000;
      const pts = Float64Array.from({ length: n * dim }, () => rng.uniform(-1, 1));
      const tree = new KdTree(pts, dim);
      for (let t = 0; t < 500; t++) {
        const q = Array.from({ length: dim }, () => rng.uniform(-1.5, 1.5));
        const i = tree.nearest(q);
        let d = 0;
        for (let k = 0; k < dim; k++) d += (pts[i * dim + k] - q[k]) ** 2;
        expect(d).toBe(bruteNearestDist(pts, dim, q));
      }
    });
  }
  it("handles duplicate points", () => {
    const pts = new Float64Array(200).fill(0.5);
    const tree = new KdTree(pts, 2);
    expect(tree.nearest([0, 0])).toBeGreaterThanOrEqual(0);
  });
});

describe("CVT centroids and archive", () => {
  it("k-means is seeded, stays in the box and spreads centroids", () => {
    const a = cvtCentroids({ k: 100, lower: [0, -2], upper: [1, 2], samples: 5000, seed: 3 });
    const b = cvtCentroids({ k: 100, lower: [0, -2], upper: [1, 2], samples: 5000, seed: 3 });
    const c = cvtCentroids({ k: 100, lower: [0, -2], upper: [1, 2], samples: 5000, seed: 4 });
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    expect(Array.from(a.centroids)).not.toEqual(Array.from(c.centroids));
    for (let i = 0; i < 100; i++) {
      expect(a.centroids[2 * i]).toBeGreaterThanOrEqual(0);
      expect(a.centroids[2 * i]).toBeLessThanOrEqual(1);
      expect(Math.abs(a.centroids[2 * i + 1])).toBeLessThanOrEqual(2);
    }
    // Lloyd must lower the quantization error compared with the random init.
    const rng = new Rng(9);
    const q = Array.from({ length: 2000 }, () => [rng.uniform(0, 1), rng.uniform(-2, 2)]);
    const init = cvtCentroids({ k: 100, lower: [0, -2], upper: [1, 2], samples: 5000, seed: 3, maxIter: 0 });
    const err = (cent: Float64Array) => q.reduce((s, p) => s + bruteNearestDist(cent, 2, p), 0);
    expect(err(a.centroids)).toBeLessThan(0.8 * err(init.centroids));
  });

  it("cellOf is the nearest centroid (brute force), NaN rejected, infinities at the edge", () => {
    const arch = new CVTArchive({ solutionDim: 1, ranges: [[-1, 1], [-1, 1]], cells: 500, samples: 10_000, seed: 1 });
    const rng = new Rng(2);
    for (let t = 0; t < 1000; t++) {
      const q = [rng.uniform(-1.2, 1.2), rng.uniform(-1.2, 1.2)];
      const c = arch.cellOf(q);
      const d = (arch.centroids[2 * c] - q[0]) ** 2 + (arch.centroids[2 * c + 1] - q[1]) ** 2;
      expect(d).toBe(bruteNearestDist(arch.centroids, 2, q));
    }
    expect(arch.cellOf([NaN, 0])).toBe(-1);
    expect(arch.cellOf([Infinity, 0])).toBe(arch.cellOf([1, 0]));
  });

  it("accepts precomputed centroids and shares insertion semantics", () => {
    const arch = new CVTArchive({ solutionDim: 1, ranges: [[0, 1]], cells: 2, centroids: [0.25, 0.75] });
    const r = arch.add([1, 2, 3], [5, 6, 1], [0.1, 0.2, 0.9]);
    expect(Array.from(r.status)).toEqual([2, 2, 2]);
    expect(Array.from(r.cells)).toEqual([0, 0, 1]);
    expect(arch.objective[0]).toBe(6);
    expect(arch.stats().coverage).toBe(1);
    expect(() => new CVTArchive({ solutionDim: 1, ranges: [[0, 1]], cells: 3, centroids: [0.1] })).toThrow();
  });
});
