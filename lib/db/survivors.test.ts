import { describe, expect, it } from "vitest";
import { ExperimentConfig } from "@/lib/experiments/config";
import { ArchiveCache } from "@/workers/archive-cache";
import { generateBatch } from "@/workers/generate-batch";
import type { CandidateBatch } from "./archive-store";
import { decodeVector, encodeVector } from "./vector-codec";
import { keepSurvivors } from "./survivors";

/**
 * Five candidates of one job, 2-D genomes, two parents each: r0 and r1 are replaced in their cells by r2 and r4,
 * r3 descends from r0 (so r0 stays), nothing descends from r1 (so it goes).
 */
function handmade(): CandidateBatch {
  return {
    experimentId: "00000000-0000-0000-0000-000000000001",
    batchId: "job-0",
    evaluations: 100,
    failed: 0,
    generated: true,
    operator: "iso-line",
    cells: [1, 2, 1, 3, 2],
    fitness: [1, 2, 3, 4, 5],
    descriptors: [0, 0.1, 1, 1.1, 2, 2.1, 3, 3.1, 4, 4.1],
    measureDim: 2,
    genomes: encodeVector([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]),
    genomeDim: 2,
    parentIds: ["before", null, "before", null, "before", null, "r0", "before", "before", "r2"],
    parentsPer: 2,
    solutionIds: ["r0", "r1", "r2", "r3", "r4"],
  };
}

describe("keepSurvivors", () => {
  it("keeps every cell's final elite and every same-job ancestor of a kept row, with their fields, and drops the rest", () => {
    const final: Record<number, string> = { 1: "r2", 2: "r4", 3: "r3" };
    const kept = keepSurvivors(handmade(), (c) => final[c]);
    expect(kept.solutionIds).toEqual(["r0", "r2", "r3", "r4"]);
    expect(kept.cells).toEqual([1, 1, 3, 2]);
    expect(kept.fitness).toEqual([1, 3, 4, 5]);
    expect(kept.descriptors).toEqual([0, 0.1, 2, 2.1, 3, 3.1, 4, 4.1]);
    expect(Array.from(decodeVector(kept.genomes))).toEqual([0, 0, 2, 2, 3, 3, 4, 4]);
    expect(kept.parentIds).toEqual(["before", null, "before", null, "r0", "before", "before", "r2"]);
    expect(kept.evaluations).toBe(100);
  });

  it("returns the batch itself when every row is kept", () => {
    const all: CandidateBatch = { ...handmade(), cells: [1, 2, 3, 4, 5] };
    expect(keepSurvivors(all, (c) => `r${c - 1}`)).toBe(all);
  });
});

function job(k: number, cache = newCache(), size = 50 * 40) {
  return { cache, batch: generateBatch(cache, k, size, 3, `job-${k}`) };
}
function newCache(dim = 10, emitter: object = { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2 }) {
  const config = ExperimentConfig.parse({ name: "s", domain: { type: "sphere", dim }, emitter, batchSize: 50, budget: { evaluations: 1_000_000 }, seed: 3 });
  return new ArchiveCache("00000000-0000-0000-0000-000000000001", config);
}
const shape = (x: CandidateBatch) => ({
  cells: x.cells,
  fitness: x.fitness,
  genomes: Array.from(decodeVector(x.genomes)),
  parents: x.parentIds.map((p) => (p === null ? null : x.solutionIds.indexOf(p))),
});

describe("a numbered job's stored rows (generateBatch)", () => {
  it("are the job's final elites plus their same-job ancestors, each stored after its parents, with ids the cache now holds", () => {
    const { cache, batch: first } = job(0);
    const before = new Set(first.solutionIds);
    const { batch } = job(1, cache);
    const ids = new Set(batch.solutionIds);
    const finals = new Set<string>();
    for (const cell of Array.from(cache.archive.occupiedCells())) {
      const id = cache.solutionIds[cell]!;
      // Every elite of the worker's archive comes from a stored row of one of the two jobs.
      expect(ids.has(id) || before.has(id)).toBe(true);
      finals.add(id);
    }
    const parents = new Set(batch.parentIds.filter((p): p is string => !!p));
    const seen = new Set<string>();
    batch.solutionIds.forEach((id, i) => {
      // Nothing else is stored: a row that is not a final elite has a stored descendant.
      expect(finals.has(id) || parents.has(id)).toBe(true);
      for (const p of batch.parentIds.slice(i * 2, i * 2 + 2)) if (p && !before.has(p)) expect(seen.has(p)).toBe(true);
      seen.add(id);
    });
    expect(batch.solutionIds.length).toBeLessThan(batch.evaluations);
    // The processor's filter finds nothing more to drop.
    expect(keepSurvivors(batch, (c) => cache.solutionIds[c])).toBe(batch);
  });

  it("are the same for the same seed and job (fresh ids aside)", () => {
    const a = job(0).batch;
    const b = job(0).batch;
    expect(shape(b)).toEqual(shape(a));
    expect(b.descriptors).toEqual(a.descriptors);
    expect(new Set(b.solutionIds).size).toBe(b.solutionIds.length);
    expect(b.solutionIds.some((id) => a.solutionIds.includes(id))).toBe(false);
  });

  it("do not depend on the jobs of other experiments the worker ran in between", () => {
    const a = newCache();
    const expected = [0, 1, 2].map((k) => shape(generateBatch(a, k, 2000, 3, `job-${k}`)));
    const b = newCache();
    const other = newCache(20, { type: "gaussian", sigma: 0.5 });
    const same = newCache();
    const got = [0, 1, 2].map((k) => {
      generateBatch(other, k, 777, 5, `other-${k}`); // another shape of job
      generateBatch(same, k + 7, 1500, 9, `same-${k}`); // the same shape, another archive
      return shape(generateBatch(b, k, 2000, 3, `job-${k}`));
    });
    expect(got).toEqual(expected);
  });

  it("carry the job's evaluations, failures and shape", () => {
    const { batch } = job(0, newCache(), 1234);
    expect(batch).toMatchObject({ evaluations: 1234, failed: 0, generated: true, operator: "iso-line", measureDim: 2, genomeDim: 10, parentsPer: 2, batchId: "job-0" });
    expect(batch.genomes.byteLength).toBe(batch.cells.length * 10 * 8);
    expect(batch.parentIds.length).toBe(batch.cells.length * 2);
  });
});
