import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExperimentSpec } from "@/lib/experiments/config";
import { createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack, waitForStatus, type TestStack } from "../helpers/stack";
import { listElites } from "@/lib/api/elite-table";
import { EliteListQuery } from "@/lib/api/schemas";

/**
 * `evaluation.reevaluate` with a noisy command evaluator (tests/fixtures/noisy_eval.py): genomes with
 * x0 > 0 score their exact value + k on their k-th evaluation, the others score it exactly. With three
 * re-evaluations, a noisy elite's fitness is exact + (0 + 1 + 2 + 3) / 4 with a spread of 3 (not
 * verified), and an exact one keeps its value with a spread of 0 (verified).
 */
const root = path.join(__dirname, "../..");

describe("re-evaluation of new elites (noisy evaluators)", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
    stack.startWorker();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("every elite was re-evaluated; fitness is the mean, the spread is stored, verified only when the evaluations agree", async () => {
    const config = ExperimentSpec.parse({
      name: "noisy",
      domain: { type: "command", command: `python3 ${path.join(root, "tests/fixtures/noisy_eval.py")}`, dim: 2, bounds: [-1, 1], timeoutMs: 20_000 },
      emitter: { type: "gaussian", sigma: 0.5 },
      descriptors: [
        { name: "x0", min: -1, max: 1, bins: 4 },
        { name: "x1", min: -1, max: 1, bins: 4 },
      ],
      evaluation: { reevaluate: 3, tolerance: 0.01 },
      batchSize: 4,
      budget: { evaluations: 40 },
      maxInFlight: 2,
      seed: 9,
    });
    const exp = await createExperiment(stack.prisma, config);
    await startExperiment(stack.prisma, stack.queues, exp.id);
    const done = await waitForStatus(stack.prisma, exp.id, 300_000, `experiment ${exp.id} to finish`, ["completed", "failed", "paused"]);
    expect(done.status, done.statusReason ?? "").toBe("completed");
    // Re-evaluations are not candidates: the budget counts 40.
    expect(done.evaluations).toBe(40);

    const elites = await stack.prisma.elite.findMany({ where: { experimentId: exp.id } });
    const solutions = await stack.prisma.solution.findMany({ where: { id: { in: elites.map((e) => e.solutionId) } }, select: { id: true, fitness: true, metrics: true, descriptors: true } });
    const byId = new Map(solutions.map((s) => [s.id, s]));
    const noisy = elites.filter((e) => e.descriptors[0]! > 0);
    const exact = elites.filter((e) => e.descriptors[0]! <= 0);
    expect(noisy.length).toBeGreaterThan(0);
    expect(exact.length).toBeGreaterThan(0);
    for (const e of elites) {
      const m = byId.get(e.solutionId)!.metrics as Record<string, number>;
      expect(m.reevaluations, `elite of cell ${e.cell}`).toBe(3);
      if (e.descriptors[0]! > 0) {
        expect(e.fitness).toBeCloseTo(m.exact! + 1.5, 9);
        expect(m.fitnessSpread).toBeCloseTo(3, 9);
        expect(m.verified).toBe(0);
      } else {
        expect(e.fitness).toBeCloseTo(m.exact!, 9);
        expect(m.fitnessSpread).toBe(0);
        expect(m.verified).toBe(1);
      }
    }

    // The elite table (GET /api/experiments/:id/elites) says which elites are verified, with their spread.
    process.env.DATABASE_URL = stack.db.url; // the API's process-wide client, created on first use
    const page = await listElites(exp.id, EliteListQuery.parse({ limit: "500" }));
    expect(page.elites).toHaveLength(elites.length);
    for (const row of page.elites) {
      expect(row.verified, `cell ${row.cell}`).toBe(row.descriptors[0]! <= 0);
      expect(row.fitnessSpread).toBeCloseTo(row.descriptors[0]! > 0 ? 3 : 0, 9);
    }
  });
});
