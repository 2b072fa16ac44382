import { describe, expect, it } from "vitest";
import { baselineVerdict, snapshotAt } from "./baseline";
import type { Snapshot } from "@/components/lib/types";

const snap = (evaluations: number, maxFitness: number | null, qdScore: number, costUsd = evaluations / 1000): Snapshot => ({ evaluations, coverage: 0, qdScore, normQdScore: 0, maxFitness, meanFitness: null, numElites: 0, costUsd });

describe("best-of-N against evolution", () => {
  it("reads both runs at the shorter run's last snapshot, not at their own ends", () => {
    const evolve = [snap(10, 1, 5), snap(50, 3, 20), snap(100, 4, 40), snap(200, 9, 90)];
    const bon = [snap(10, 1, 4), snap(60, 2, 10), snap(120, 2.5, 12)];
    const v = baselineVerdict("e", "b", { e: evolve, b: bon })!;
    expect(v.evaluations).toBe(120);
    expect(v.evolve).toMatchObject({ evaluations: 100, maxFitness: 4, qdScore: 40 });
    expect(v.bestOfN).toMatchObject({ evaluations: 120, maxFitness: 2.5, qdScore: 12 });
    expect(v.fitnessGain).toBeCloseTo(1.5);
    expect(v.qdScoreGain).toBeCloseTo(28);
  });

  it("says when the baseline wins, and nothing without data", () => {
    const v = baselineVerdict("e", "b", { e: [snap(100, 2, 10)], b: [snap(100, 3, 15)] })!;
    expect(v.fitnessGain).toBeCloseTo(-1);
    expect(v.qdScoreGain).toBeCloseTo(-5);
    expect(baselineVerdict("e", "b", { e: [], b: [snap(1, 1, 1)] })).toBeNull();
    expect(snapshotAt([snap(5, 1, 1)], 4)).toBeNull();
  });
});
