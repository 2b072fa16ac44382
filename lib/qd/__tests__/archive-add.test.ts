import { describe, expect, it } from "vitest";
import { GridArchive } from "../archive/grid";
import { Rng } from "../rng";

// 1-D measure grid with 4 cells over [0, 4): cell = floor(m).
const make = (extra = {}) => new GridArchive({ solutionDim: 2, dims: [4], ranges: [[0, 4]], ...extra });
const sols = (n: number) => Float64Array.from({ length: 2 * n }, (_, i) => i);

describe("batch insertion (elitist archive)", () => {
  it("gives NEW to first arrivals, with value = objective, and keeps the best per cell", () => {
    const a = make();
    const r = a.add(sols(3), [1, 5, 3], [0.5, 0.6, 2.5]);
    expect(Array.from(r.status)).toEqual([2, 2, 2]);
    expect(Array.from(r.value)).toEqual([1, 5, 3]);
    expect(Array.from(r.cells)).toEqual([0, 0, 2]);
    expect(a.numElites).toBe(2);
    expect(a.objective[0]).toBe(5);
    expect(Array.from(a.solutions.subarray(0, 2))).toEqual([2, 3]); // row 1 won cell 0
    expect(a.measures[0]).toBe(0.6);
  });

  it("statuses are relative to the archive before the batch", () => {
    const a = make();
    a.add(sols(1), [10], [1.5]);
    const r = a.add(sols(4), [12, 9, 11, 10], [1.1, 1.2, 1.3, 1.4]);
    // 12 and 11 both beat the old 10 -> IMPROVE; 9 and 10 (tie) do not.
    expect(Array.from(r.status)).toEqual([1, 0, 1, 0]);
    expect(Array.from(r.value)).toEqual([2, -1, 1, 0]);
    expect(a.objective[1]).toBe(12);
  });

  it("first candidate wins ties within a batch; strictly better needed to replace", () => {
    const a = make();
    a.add(sols(2), [7, 7], [3.1, 3.9]);
    expect(a.solutions[6]).toBe(0);
    const r = a.add(sols(1), [7], [3.5]);
    expect(r.status[0]).toBe(0);
  });

  it("rejects NaN objectives and NaN measures without touching the archive", () => {
    const a = make();
    const r = a.add(sols(2), [NaN, 1], [0.5, NaN]);
    expect(Array.from(r.status)).toEqual([0, 0]);
    expect(r.value[0]).toBe(-Infinity);
    expect(r.cells[1]).toBe(-1);
    expect(a.numElites).toBe(0);
  });

  it("maintains metrics incrementally (with QD-score offset)", () => {
    const a = make({ qdScoreOffset: -1 });
    a.add(sols(3), [1, 5, 3], [0.5, 0.6, 2.5]);
    a.add(sols(2), [6, -1], [0.1, 3.2]);
    const s = a.stats();
    expect(s.numElites).toBe(3);
    expect(s.coverage).toBe(0.75);
    // elites 6, 3, -1 ; qd = sum(f - offset) = 7 + 4 + 0
    expect(s.qdScore).toBeCloseTo(11, 12);
    expect(s.normQdScore).toBeCloseTo(11 / 4, 12);
    expect(s.objMax).toBe(6);
    expect(s.objMean).toBeCloseTo(8 / 3, 12);
    expect(a.bestEliteCell).toBe(0);
  });

  it("incremental metrics equal a full scan after many random batches", () => {
    const a = new GridArchive({ solutionDim: 1, dims: [7, 5], ranges: [[0, 1], [0, 1]], qdScoreOffset: -2 });
    const rng = new Rng(11);
    for (let b = 0; b < 200; b++) {
      const n = 13;
      const obj = Float64Array.from({ length: n }, () => rng.normal());
      const m = Float64Array.from({ length: 2 * n }, () => rng.uniform(-0.1, 1.1));
      a.add(new Float64Array(n), obj, m);
    }
    let sum = 0;
    let mx = -Infinity;
    let cnt = 0;
    for (let c = 0; c < a.cells; c++) {
      if (!a.occupied[c]) continue;
      cnt++;
      sum += a.objective[c] + 2;
      mx = Math.max(mx, a.objective[c]);
    }
    const s = a.stats();
    expect(s.numElites).toBe(cnt);
    expect(s.qdScore).toBeCloseTo(sum, 9);
    expect(s.objMax).toBe(mx);
    expect(new Set(a.occupiedCells()).size).toBe(cnt);
  });

  it("exports and imports occupied cells (best-wins, idempotent)", () => {
    const a = make();
    a.add(sols(3), [1, 5, 3], [0.5, 1.6, 2.5]);
    const rows = a.export();
    expect(rows.length).toBe(3);
    const b = make();
    b.import(rows);
    b.import(rows);
    expect(b.stats()).toEqual(a.stats());
    expect(Array.from(b.solutions)).toEqual(Array.from(a.solutions));
    b.import([{ cell: 0, objective: 0, measures: [0.2], solution: [9, 9] }]);
    expect(b.objective[0]).toBe(1); // worse row ignored
    b.import([{ cell: 0, objective: 4, measures: [0.2], solution: [9, 9] }]);
    expect(b.objective[0]).toBe(4);
    expect(() => b.import([{ cell: 99, objective: 1, measures: [0], solution: [0, 0] }])).toThrow();
  });

  it("samples only occupied cells", () => {
    const a = make();
    a.add(sols(2), [1, 1], [0.5, 3.5]);
    const rng = new Rng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 100; i++) seen.add(a.sampleCell(rng));
    expect([...seen].sort()).toEqual([0, 3]);
    expect(make().sampleCell(rng)).toBe(-1);
  });
});

describe("thresholded archive (CMA-MAE)", () => {
  it("applies the batch threshold rule t = (1-a)^k t + (1-(1-a)^k) mean(f)", () => {
    const a = make({ learningRate: 0.1, thresholdMin: 0 });
    const r = a.add(sols(3), [1, 2, 3], [0.1, 0.2, 0.3]);
    expect(Array.from(r.status)).toEqual([2, 2, 2]);
    expect(Array.from(r.value)).toEqual([1, 2, 3]); // vs threshold_min = 0
    const ratio = 0.9 ** 3;
    const t1 = ratio * 0 + (1 - ratio) * 2;
    expect(a.threshold[0]).toBeCloseTo(t1, 14);
    expect(a.objective[0]).toBe(3);

    // A candidate below the threshold is not added; value is relative to the threshold.
    const r2 = a.add(sols(1), [0.5], [0.9]);
    expect(r2.status[0]).toBe(0);
    expect(r2.value[0]).toBeCloseTo(0.5 - t1, 14);

    // Above the threshold but below the elite: replaces it (CMA-MAE semantics).
    const r3 = a.add(sols(1), [1], [0.9]);
    expect(r3.status[0]).toBe(1);
    expect(r3.value[0]).toBeCloseTo(1 - t1, 14);
    expect(a.objective[0]).toBe(1);
    expect(a.threshold[0]).toBeCloseTo(0.9 * t1 + 0.1 * 1, 14);
  });

  it("only candidates above the threshold count in the batch mean", () => {
    const a = make({ learningRate: 0.5, thresholdMin: 1 });
    a.add(sols(3), [0, 3, 5], [0.1, 0.2, 0.3]);
    const ratio = 0.5 ** 2;
    expect(a.threshold[0]).toBeCloseTo(ratio * 1 + (1 - ratio) * 4, 14);
  });

  it("learning rate 1 with finite threshold_min sets the threshold to the batch mean (pyribs)", () => {
    const a = make({ learningRate: 1, thresholdMin: 0 });
    a.add(sols(2), [2, 4], [0.1, 0.2]);
    expect(a.threshold[0]).toBe(3);
    expect(a.objective[0]).toBe(4);
  });

  it("requires a finite threshold_min when learning rate < 1", () => {
    expect(() => make({ learningRate: 0.5 })).toThrow();
  });
});
