import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlgorithm, runAlgorithm } from "@/lib/qd";
import { ExperimentConfig, jobPlan } from "@/lib/experiments/config";
import { createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack, waitFor, type TestStack, POLL_CEILING_MS } from "../helpers/stack";

/** Kinds added through the registry, run by the workers: OMG-MEGA (gradient operator) on sphere. */

describe("registry kinds on workers", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
    stack.startWorker();
  });
  afterAll(async () => stack?.stop());

  it("OMG-MEGA (gradient-operator) on sphere: exact budget, gradient elites recorded, coverage as in-process", async () => {
    const budget = 20_000;
    const config = ExperimentConfig.parse({
      name: "omg-mega",
      domain: { type: "sphere", dim: 10 },
      emitter: { type: "gradient-operator", sigma: 0, sigmaG: 10, measureGradients: true, normalizeGrad: true },
      batchSize: 50,
      budget: { evaluations: budget },
      seed: 4,
    });
    const exp = await createExperiment(stack.prisma, config);
    await startExperiment(stack.prisma, stack.queues, exp.id);
    const done = await waitFor(async () => {
      const e = await stack.prisma.experiment.findUnique({ where: { id: exp.id } });
      return e && ["completed", "failed"].includes(e.status) ? e : null;
    }, POLL_CEILING_MS, "the OMG-MEGA run to finish");
    expect(done.status).toBe("completed");
    expect(done.evaluations).toBe(budget);
    const [ledger] = await stack.prisma.$queryRawUnsafe<{ n: number; ev: number }[]>(
      `SELECT count(*)::int AS n, coalesce(sum(evaluations), 0)::int AS ev FROM "ProcessedBatch" WHERE "experimentId" = $1::uuid`,
      exp.id,
    );
    expect(ledger).toEqual({ n: jobPlan(config).totalJobs, ev: budget });
    const ops = await stack.prisma.solution.groupBy({ by: ["operator"], where: { experimentId: exp.id }, _count: true });
    expect(ops.map((o) => o.operator)).toEqual(["gradient-operator"]);

    // The same algorithm in-process (2 × 50 evaluations per iteration): the distributed run covers as much.
    const local = runAlgorithm(
      createAlgorithm({ domain: config.domain, archive: { type: "grid" }, emitter: { type: "gradient-operator", sigma: 0, sigmaG: 10, measureGradients: true, normalizeGrad: true, batchSize: 50 }, seed: 4 }),
      budget / 100,
    );
    const coverage = done.numElites / done.cells;
    expect(local.coverage).toBeGreaterThan(0.05);
    expect(Math.abs(coverage - local.coverage) / local.coverage).toBeLessThan(0.15);
  });
});
