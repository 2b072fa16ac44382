import { describe, expect, it } from "vitest";
import { ExperimentConfig } from "@/lib/experiments/config";
import { ArchiveCache } from "@/workers/archive-cache";
import { generateBatch } from "@/workers/generate-batch";
import { decodeVector } from "./vector-codec";
import { keepSurvivors } from "./survivors";

function run(iterations: number) {
  const config = ExperimentConfig.parse({ name: "s", domain: { type: "sphere", dim: 10 }, emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2 }, batchSize: 50, budget: { evaluations: 1_000_000 }, seed: 3 });
  const cache = new ArchiveCache("00000000-0000-0000-0000-000000000001", config);
  const batch = generateBatch(cache, 0, 50 * iterations, 3, "job-0");
  return { cache, batch, kept: keepSurvivors(batch, (c) => cache.solutionIds[c]) };
}

describe("keepSurvivors", () => {
  it("keeps every cell's final elite and every same-job ancestor of a kept row, and drops the rest", () => {
    const { cache, batch, kept } = run(40);
    expect(kept.solutionIds.length).toBeLessThan(batch.solutionIds.length);
    const keptIds = new Set(kept.solutionIds);
    const jobIds = new Set(batch.solutionIds);
    // Every elite of the worker's archive that this job produced is stored.
    for (const cell of Array.from(cache.archive.occupiedList).slice(0, cache.archive.numElites)) expect(keptIds.has(cache.solutionIds[cell]!)).toBe(true);
    // Lineage: a kept row's parent is either from before the job or a kept row of this job.
    for (const p of kept.parentIds) if (p && jobIds.has(p)) expect(keptIds.has(p)).toBe(true);
    // Dropped rows are exactly the replaced candidates no kept row descends from.
    const parents = new Set(kept.parentIds.filter((p): p is string => !!p));
    batch.solutionIds.forEach((id, i) => {
      if (keptIds.has(id)) return;
      expect(cache.solutionIds[batch.cells[i]!]).not.toBe(id);
      expect(parents.has(id)).toBe(false);
    });
  });

  it("moves each kept row's genome, fitness, descriptors and parents with it", () => {
    const { batch, kept } = run(40);
    const at = new Map(batch.solutionIds.map((id, i) => [id, i]));
    const g = decodeVector(batch.genomes);
    const gk = decodeVector(kept.genomes);
    const dim = batch.genomeDim;
    kept.solutionIds.forEach((id, o) => {
      const i = at.get(id)!;
      expect(kept.cells[o]).toBe(batch.cells[i]);
      expect(kept.fitness[o]).toBe(batch.fitness[i]);
      expect(kept.descriptors.slice(o * 2, o * 2 + 2)).toEqual(batch.descriptors.slice(i * 2, i * 2 + 2));
      expect(kept.parentIds.slice(o * 2, o * 2 + 2)).toEqual(batch.parentIds.slice(i * 2, i * 2 + 2));
      expect(Array.from(gk.subarray(o * dim, (o + 1) * dim))).toEqual(Array.from(g.subarray(i * dim, (i + 1) * dim)));
    });
    expect(kept.evaluations).toBe(batch.evaluations);
  });
});
