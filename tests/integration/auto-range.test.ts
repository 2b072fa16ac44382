import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitBatch, type CandidateBatch } from "@/lib/db/archive-store";
import { cellOfValues } from "@/lib/qd/archive/auto-range";
import { ExperimentSpec } from "@/lib/experiments/config";
import { createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { Rng } from "@/lib/qd";
import { createTestStack, waitForStatus, type TestStack } from "../helpers/stack";
import { geometryJson } from "@/lib/api/archive";

/**
 * `"range": "auto"` against the real PostgreSQL: the bounds grow as values arrive, the archive is
 * re-binned under the experiment's row lock, and no elite is ever lost, with many writers at once.
 */

const spec = (over: Record<string, unknown> = {}) =>
  ExperimentSpec.parse({
    name: "auto range",
    domain: {
      type: "javascript",
      // The measure drifts with |x|: it leaves any range the first candidates suggest.
      code: "function evaluate(x) { const r = Math.abs(x[0]) + Math.abs(x[1]); return { fitness: -((x[0] - 0.3) ** 2) - x[1] * x[1], metrics: { spread: r * r * 100, tilt: x[0] - x[1] } }; }",
      dim: 2,
      bounds: [-5, 5],
    },
    emitter: { type: "gaussian", sigma: 0.8 },
    descriptors: [
      { name: "spread", metric: "spread", range: "auto", bins: 8 },
      { name: "tilt", metric: "tilt", min: -2, max: 2, bins: 4 },
    ],
    keepAllSolutions: true,
    batchSize: 4,
    budget: { evaluations: 120 },
    maxInFlight: 4,
    seed: 3,
    ...over,
  });

/** Stored solutions, bounds and elites of a run, and what the elites must be: the best stored solution of each cell under the final bounds. */
async function archiveState(stack: TestStack, id: string) {
  const bounds = await stack.prisma.descriptor.findMany({ where: { experimentId: id }, orderBy: { index: "asc" } });
  const grid = { lower: bounds.map((d) => d.min), upper: bounds.map((d) => d.max), bins: bounds.map((d) => d.bins) };
  const solutions = await stack.prisma.solution.findMany({ where: { experimentId: id, status: "evaluated" }, select: { id: true, fitness: true, descriptors: true, cell: true } });
  const elites = await stack.prisma.elite.findMany({ where: { experimentId: id } });
  const best = new Map<number, number>();
  for (const s of solutions) {
    const c = cellOfValues(grid, s.descriptors);
    best.set(c, Math.max(best.get(c) ?? -Infinity, s.fitness!));
  }
  return { bounds, grid, solutions, elites, best };
}

describe("descriptor range auto", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("concurrent commits grow the bounds, re-bin, and keep the best solution of every cell as its elite", async () => {
    const exp = await createExperiment(stack.prisma, spec());
    const rng = new Rng(11);
    // 24 batches from 6 writers at once; values spread further out batch after batch.
    const batches: CandidateBatch[] = Array.from({ length: 24 }, (_, b) => {
      const n = 5;
      const descriptors: number[] = [];
      const fitness: number[] = [];
      for (let i = 0; i < n; i++) {
        descriptors.push(rng.random() * (b + 1) * 10 - b, rng.random() * 3 - 1.5);
        fitness.push(Math.round(rng.random() * 1000) / 10);
      }
      return {
        experimentId: exp.id,
        batchId: `b${b}`,
        evaluations: n,
        failed: 0,
        generated: false,
        operator: "test",
        cells: new Array(n).fill(0), // a worker with stale bounds: the commit must recompute them
        fitness,
        descriptors,
        measureDim: 2,
        genomes: new Uint8Array(0),
        genomeDim: 0,
        genomeKind: "json",
        genomeTexts: Array.from({ length: n }, (_, i) => JSON.stringify({ b, i })),
        parentIds: new Array(n).fill(null),
        parentsPer: 1,
        solutionIds: Array.from({ length: n }, () => randomUUID()),
      };
    });
    const all = batches.flatMap((b) => b.solutionIds.map((id, i) => ({ id, fitness: b.fitness[i]!, d: b.descriptors.slice(2 * i, 2 * i + 2) })));
    await Promise.all(Array.from({ length: 6 }, async (_, w) => {
      for (let b = w; b < batches.length; b += 6) await commitBatch(stack.prisma, batches[b]!, 1e9);
    }));

    const { bounds, grid, solutions, elites, best } = await archiveState(stack, exp.id);
    // The auto row covers every value; the fixed row kept its range.
    const spread = all.map((s) => s.d[0]!);
    expect(bounds[0]!.min).toBeLessThanOrEqual(Math.min(...spread));
    expect(bounds[0]!.max).toBeGreaterThanOrEqual(Math.max(...spread));
    expect([bounds[1]!.min, bounds[1]!.max]).toEqual([-2, 2]);
    // Nothing is lost: every candidate is stored, with its cell under the current bounds.
    expect(solutions.length).toBe(all.length);
    for (const s of solutions) expect(s.cell).toBe(cellOfValues(grid, s.descriptors));
    // Each cell's elite is the best candidate ever inserted there, and only filled cells have elites.
    expect(new Map(elites.map((e) => [e.cell, e.fitness]))).toEqual(best);
    for (const e of elites) expect(e.fitness).toBe(solutions.find((s) => s.id === e.solutionId)!.fitness);
    expect(Math.max(...elites.map((e) => e.fitness))).toBe(Math.max(...all.map((s) => s.fitness)));
    // Counters agree with the archive after the re-binnings.
    const x = await stack.prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } });
    expect(x.numElites).toBe(elites.length);
    expect(x.sumFitness).toBeCloseTo(elites.reduce((s, e) => s + e.fitness, 0), 6);
    expect(x.evaluations).toBe(all.length);
    const rebins = await stack.prisma.experimentEvent.count({ where: { experimentId: exp.id, type: "rebin" } });
    expect(rebins).toBeGreaterThan(1);
  });

  it("a run on two workers ends with its range covering every value and no elite lost", async () => {
    stack.startWorker();
    stack.startWorker();
    const exp = await createExperiment(stack.prisma, spec());
    await startExperiment(stack.prisma, stack.queues, exp.id);
    const done = await waitForStatus(stack.prisma, exp.id, 300_000, `experiment ${exp.id} to finish`, ["completed", "failed", "paused"]);
    expect(done.status).toBe("completed");
    const { bounds, grid, solutions, elites, best } = await archiveState(stack, exp.id);
    expect(solutions.length).toBeGreaterThan(60);
    const spread = solutions.map((s) => s.descriptors[0]!);
    expect(bounds[0]!.min).toBeLessThanOrEqual(Math.min(...spread));
    expect(bounds[0]!.max).toBeGreaterThanOrEqual(Math.max(...spread));
    // The range followed the values instead of staying at the [0, 1] placeholder.
    expect(bounds[0]!.max).toBeGreaterThan(1);
    for (const s of solutions) expect(s.cell).toBe(cellOfValues(grid, s.descriptors));
    expect(new Map(elites.map((e) => [e.cell, e.fitness]))).toEqual(best);
    const x = await stack.prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } });
    expect(x.numElites).toBe(elites.length);
    // GET /api/experiments/:id/archive gives the current range too (not the [0, 1] placeholder of the config).
    process.env.DATABASE_URL = stack.db.url; // the API's pool, created on first use
    const geometry = JSON.parse(await geometryJson(exp.id, x.config as unknown as ExperimentSpec)) as { ranges: [number, number][] };
    expect(geometry.ranges).toEqual(bounds.map((d) => [d.min, d.max]));
  });
});
