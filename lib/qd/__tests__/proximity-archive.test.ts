import { describe, expect, it } from "vitest";
import { ProximityArchive } from "../archive/proximity";
import { Ranker } from "../emitters/rankers";
import { nslcOrder } from "../emitters/nslc";
import { Rng } from "../rng";

const sol = (n: number) => new Float64Array(n); // 1-D solutions, content irrelevant here

function bruteNovelty(stored: number[][], q: number[], k: number): number {
  const d = stored.map((p) => Math.hypot(p[0] - q[0], p[1] - q[1])).sort((a, b) => a - b);
  const kk = Math.min(k, d.length);
  return d.slice(0, kk).reduce((a, b) => a + b, 0) / kk;
}

describe("ProximityArchive", { timeout: 60_000 }, () => {
  it("adds everything to an empty archive (novelty = threshold) and appends only novel rows after", () => {
    const a = new ProximityArchive({ solutionDim: 1, measureDim: 2, kNeighbors: 2, noveltyThreshold: 1 });
    const r1 = a.add(sol(2), [5, 6], [0, 0, 10, 0], 2);
    expect(Array.from(r1.status)).toEqual([2, 2]);
    expect(Array.from(r1.novelty!)).toEqual([1, 1]);
    expect(a.numElites).toBe(2);
    // (0.2, 0): neighbours at 0.2 and 9.8 → novelty 5 ≥ 1 → added. Batch rows see the archive before the batch.
    const r2 = a.add(sol(2), [1, 1], [0.2, 0, 0.3, 0], 2);
    expect(r2.novelty![0]).toBeCloseTo(5, 12);
    expect(r2.novelty![1]).toBeCloseTo(5, 12);
    expect(Array.from(r2.status)).toEqual([2, 2]);
    expect(a.numElites).toBe(4);
    // Now (0.25, 0) has neighbours at 0.05 and 0.05 → not novel, and without local competition nothing changes.
    const r3 = a.add(sol(1), [100], [0.25, 0], 1);
    expect(r3.status[0]).toBe(0);
    expect(a.numElites).toBe(4);
  });

  it("computes novelty as the mean distance to the k nearest stored measures", () => {
    const rng = new Rng(3);
    const a = new ProximityArchive({ solutionDim: 1, measureDim: 2, kNeighbors: 5, noveltyThreshold: 0, initialCapacity: 4 });
    const pts: number[][] = [];
    for (let b = 0; b < 10; b++) {
      const m = Float64Array.from({ length: 40 }, () => rng.uniform(-50, 50));
      a.add(sol(20), new Float64Array(20), m, 20);
      for (let i = 0; i < 20; i++) pts.push([m[2 * i], m[2 * i + 1]]);
    }
    expect(a.numElites).toBe(200); // threshold 0: every row is novel; storage grew from 4
    expect(a.capacity).toBeGreaterThanOrEqual(200);
    const q = Float64Array.from({ length: 20 }, () => rng.uniform(-60, 60));
    const out = new Float64Array(10);
    a.computeNovelty(q, 10, out);
    for (let i = 0; i < 10; i++) expect(out[i]).toBeCloseTo(bruteNovelty(pts, [q[2 * i], q[2 * i + 1]], 5), 10);
  });

  it("keeps exact neighbours across tree rebuilds, appended rows and replaced rows (local competition)", () => {
    const rng = new Rng(11);
    const a = new ProximityArchive({ solutionDim: 1, measureDim: 2, kNeighbors: 4, noveltyThreshold: 2, localCompetition: true });
    // Mirror of the stored rows: appended when novel, moved when a row replaces its nearest neighbour.
    for (let b = 0; b < 60; b++) {
      const n = 7;
      const m = Float64Array.from({ length: 2 * n }, () => rng.uniform(-30, 30));
      const o = Float64Array.from({ length: n }, () => rng.uniform(0, 10));
      const r = a.add(sol(n), o, m, n);
      expect(Array.from(r.status)).toContain(2);
      if (b % 5 === 4) {
        const stored: number[][] = [];
        for (let i = 0; i < a.numElites; i++) stored.push([a.measures[2 * i]!, a.measures[2 * i + 1]!]);
        const q = Float64Array.from({ length: 20 }, () => rng.uniform(-35, 35));
        const out = new Float64Array(10);
        a.computeNovelty(q, 10, out);
        for (let i = 0; i < 10; i++) expect(out[i]).toBeCloseTo(bruteNovelty(stored, [q[2 * i]!, q[2 * i + 1]!], 4), 10);
      }
    }
    expect(a.numElites).toBeGreaterThan(100);
  });

  it("with local competition: counts beaten neighbours, and a non-novel row replaces its nearest neighbour when better", () => {
    const b = new ProximityArchive({ solutionDim: 1, measureDim: 2, kNeighbors: 1, noveltyThreshold: 3, localCompetition: true });
    b.add(Float64Array.from([1, 2]), [10, 20], [0, 0, 10, 0], 2);
    // Three candidates near (0,0): objectives 15 and 18 beat 10 (18 wins), 5 does not; one near (10,0) with 19 < 20.
    const r = b.add(Float64Array.from([7, 8, 9, 4]), [15, 18, 5, 19], [0.5, 0, -0.5, 0, 1, 1, 10.2, 0], 4);
    expect(Array.from(r.status)).toEqual([1, 1, 0, 0]);
    expect(Array.from(r.value)).toEqual([5, 8, -5, -1]);
    expect(Array.from(r.localCompetition!)).toEqual([1, 1, 0, 0]);
    expect(b.numElites).toBe(2);
    expect(b.objective[0]).toBe(18);
    expect(b.solutions[0]).toBe(8);
    expect(Array.from(b.measures.subarray(0, 2))).toEqual([-0.5, 0]);
    // A novel row reports its objective as value and status 2.
    const r2 = b.add(Float64Array.from([3]), [1], [50, 50], 1);
    expect(r2.status[0]).toBe(2);
    expect(r2.value[0]).toBe(1);
    expect(b.numElites).toBe(3);
  });

  it("rejects rows with NaN measures or objective", () => {
    const a = new ProximityArchive({ solutionDim: 1, measureDim: 2, kNeighbors: 1, noveltyThreshold: 0, localCompetition: true });
    const r = a.add(sol(2), [NaN, 1], [0, 0, NaN, 1], 2);
    expect(Array.from(r.status)).toEqual([0, 0]);
    expect(a.numElites).toBe(0);
  });

  it("samples stored rows uniformly for emitter restarts", () => {
    const a = new ProximityArchive({ solutionDim: 1, measureDim: 2, kNeighbors: 1, noveltyThreshold: 0 });
    expect(a.sampleCell(new Rng(1))).toBe(-1);
    a.add(sol(4), new Float64Array(4), [0, 0, 1, 1, 2, 2, 3, 3], 4);
    const rng = new Rng(2);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(a.sampleCell(rng));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });
});

describe("novelty and NSLC rankers", { timeout: 60_000 }, () => {
  const batch = (novelty: number[], lc: number[]) => ({
    solutions: new Float64Array(novelty.length),
    objectives: new Float64Array(novelty.length),
    measures: new Float64Array(2 * novelty.length),
    status: new Uint8Array(novelty.length),
    value: new Float64Array(novelty.length),
    n: novelty.length,
    novelty: Float64Array.from(novelty),
    localCompetition: Float64Array.from(lc),
  });

  it("nov ranks by novelty, highest first", () => {
    const order = new Int32Array(3);
    new Ranker("nov").rank(batch([1, 3, 2], [0, 0, 0]), 2, order);
    expect(Array.from(order)).toEqual([1, 2, 0]);
  });

  it("nslc orders by non-dominated fronts, crowding distance inside a front", () => {
    // Front 1: (5,0) (4,2) (1,3) (3,2.5); front 2: (2,1) (1,1.5); front 3: (0,0).
    const nov = [5, 2, 4, 0, 1, 1, 3];
    const lc = [0, 1, 2, 0, 3, 1.5, 2.5];
    const order = new Int32Array(7);
    nslcOrder(Float64Array.from(nov), Float64Array.from(lc), 7, order);
    const front1 = new Set([0, 2, 4, 6]);
    expect(Array.from(order.subarray(0, 4)).every((i) => front1.has(i))).toBe(true);
    // Extremes of the front (best novelty, best competition) come first (infinite crowding), in index order.
    expect(Array.from(order.subarray(0, 2))).toEqual([0, 4]);
    expect(new Set(order.subarray(4, 6))).toEqual(new Set([1, 5]));
    expect(order[6]).toBe(3);
  });

  it("nslc reports a gap so flat batches trigger the CMA-ES stop rule", () => {
    const order = new Int32Array(3);
    expect(new Ranker("nslc").rank(batch([1, 1, 1], [2, 2, 2]), 2, order)).toBe(0);
  });
});
