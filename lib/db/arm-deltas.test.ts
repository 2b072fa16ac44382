import { describe, expect, it } from "vitest";
import { armDeltas, type CandidateBatch } from "./archive-store";

const batch = (over: Partial<CandidateBatch>): CandidateBatch =>
  ({ experimentId: "x", batchId: "b", evaluations: 0, failed: 0, generated: true, operator: "llm-full", cells: [], fitness: [], descriptors: [], measureDim: 2, genomes: new Uint8Array(), genomeDim: 0, parentIds: [], parentsPer: 1, solutionIds: [], ...over }) as CandidateBatch;

describe("per-model deltas of a batch (the bandit's record)", () => {
  it("counts every candidate a model wrote as a pull, with that call's own cost, and its wins' QD-score gain", () => {
    const b = batch({
      extras: [
        { arm: "a", costUsd: 0.5, armCostUsd: 0.3 }, // judged: 0.2 was the judge's
        { arm: "b", costUsd: 0.1 },
        { operator: "seed" },
      ],
      failures: [{ id: "f", genome: "", parentIds: [], error: "unusable", status: "invalid", arm: "a", armCostUsd: 0.3 }],
    });
    // a: a new cell at fitness 7 (offset 2); b: beat an elite of 4 with 9.
    const d = armDeltas(b, [["a", 7, null], ["b", 9, 4]], 2);
    expect(d).toEqual([
      { model: "a", pulls: 2, costUsd: 0.6, gain: 5, improvements: 1 },
      { model: "b", pulls: 1, costUsd: 0.1, gain: 5, improvements: 1 },
    ]);
  });

  it("a new cell below the QD offset still counts as an improvement, with no negative gain", () => {
    expect(armDeltas(batch({ extras: [{ arm: "a" }] }), [["a", -3, null]], 0)).toEqual([{ model: "a", pulls: 1, costUsd: 0, gain: 0, improvements: 1 }]);
  });

  it("a batch without models moves nothing", () => {
    expect(armDeltas(batch({ extras: [{ operator: "seed" }] }), [], 0)).toEqual([]);
  });
});
