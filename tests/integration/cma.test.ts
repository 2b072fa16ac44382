import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlgorithm, GridArchive, runAlgorithm } from "@/lib/qd";
import { commitBatch, type CandidateBatch } from "@/lib/db/archive-store";
import { EmitterChainConflict, type CmaCommit } from "@/lib/db/emitter-store";
import { ExperimentConfig, jobPlan, type ExperimentConfigInput } from "@/lib/experiments/config";
import { createExperiment, pauseExperiment, resumeExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack, waitFor, waitForDrainedQueues, waitForStatus, type TestStack, POLL_CEILING_MS, TEST_CEILING_MS } from "../helpers/stack";
import { expectCountersConsistent, runToEnd } from "../helpers/runs";
import { useApiSuite } from "../helpers/api-suite";

/** CMA-ME / CMA-MAE runs on workers: emitter chains, state and thresholds in PostgreSQL. */

const cmaMae = (over: Partial<ExperimentConfigInput> = {}) =>
  ExperimentConfig.parse({
    name: "sphere cma-mae",
    domain: { type: "sphere", dim: 10 },
    emitter: { type: "cma-mae", count: 5 },
    batchSize: 36,
    budget: { evaluations: 36_000 },
    seed: 5,
    ...over,
  });

const thresholdsOf = (stack: TestStack, id: string) =>
  stack.prisma.cellThreshold.findMany({ where: { experimentId: id }, orderBy: { cell: "asc" }, select: { cell: true, threshold: true } });

/** Counters, ledger and chains agree with each other and with the budget. */
async function expectConsistent(stack: TestStack, id: string, budget: number) {
  const e = await expectCountersConsistent(stack, id, budget);
  expect(e.status).toBe("completed");
  const config = e.config as unknown as ExperimentConfig;
  const plan = jobPlan(config);
  // Every chain advanced once per job it owns.
  const count = (config.emitter as { count: number }).count;
  const states = await stack.prisma.emitterState.findMany({ where: { experimentId: id }, orderBy: { emitter: "asc" } });
  expect(states.map((s) => s.generation)).toEqual(Array.from({ length: count }, (_, c) => Math.ceil((plan.totalJobs - c) / count)));
  return e;
}

describe("CMA runs on two workers", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
    stack.startWorker();
    stack.startWorker();
  });
  afterAll(async () => stack?.stop());

  it("CMA-MAE on sphere: exact budget, thresholds consistent with the archive, normQD as in-process", async () => {
    const config = cmaMae();
    const done = await runToEnd(stack, config);
    await expectConsistent(stack, done.id, 36_000);

    // Thresholds: above thresholdMin (0 for sphere), never above the best ever seen in the cell.
    const rows = await stack.prisma.$queryRawUnsafe<{ cell: number; threshold: number; fitness: number | null }[]>(
      `SELECT t.cell, t.threshold, e.fitness FROM "CellThreshold" t LEFT JOIN "Elite" e ON e."experimentId" = t."experimentId" AND e.cell = t.cell
       WHERE t."experimentId" = $1::uuid`,
      done.id,
    );
    expect(rows.length).toBeGreaterThan(0.9 * done.numElites);
    for (const r of rows) {
      expect(r.threshold).toBeGreaterThan(0);
      expect(r.fitness).not.toBeNull();
      expect(r.threshold).toBeLessThanOrEqual(r.fitness!);
    }

    const alg = createAlgorithm({ domain: config.domain, archive: { type: "grid" }, emitter: { type: "cma-mae", sigma0: 0.5, batchSize: 36, count: 5, learningRate: 0.01 }, seed: 5 });
    const local = runAlgorithm(alg, 36_000 / (5 * 36));
    const normQd = done.qdScore / done.cells;
    expect(Math.abs(normQd - local.normQdScore) / local.normQdScore).toBeLessThan(0.1);
    expect(Math.abs(done.numElites / done.cells - local.coverage) / local.coverage).toBeLessThan(0.1);
  });

  it("CMA-ME (2imp, filter, no_improvement restarts) with a budget that ends mid-step", async () => {
    const config = cmaMae({ emitter: { type: "cma-me", count: 3, ranker: "2imp" }, budget: { evaluations: 20_017 }, iterationsPerJob: 4 });
    const done = await runToEnd(stack, config);
    await expectConsistent(stack, done.id, 20_017);
    expect(await stack.prisma.cellThreshold.count({ where: { experimentId: done.id } })).toBe(0);
    const alg = createAlgorithm({ domain: config.domain, archive: { type: "grid" }, emitter: { type: "cma-me", sigma0: 0.5, batchSize: 36, count: 3 }, seed: 5 });
    const local = runAlgorithm(alg, Math.round(20_017 / (3 * 36)));
    expect(Math.abs(done.qdScore / done.cells - local.normQdScore) / local.normQdScore).toBeLessThan(0.15);
  });
});

describe("CMA runs survive pauses and killed workers", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
    stack.startWorker();
  });
  afterAll(async () => stack?.stop());

  it("pause, resume and kill -9 of a worker mid-run: every chain resumes where it committed", async () => {
    const config = cmaMae({ budget: { evaluations: 43_200 }, iterationsPerJob: 4 });
    const exp = await createExperiment(stack.prisma, config);
    const victim = stack.startWorker();
    await startExperiment(stack.prisma, stack.queues, exp.id);
    const progress = (n: number) => waitFor(async () => (await stack.prisma.experiment.findUnique({ where: { id: exp.id } }))!.evaluations > n, POLL_CEILING_MS, `${n} evaluations`);
    await progress(8_000);
    await pauseExperiment(stack.prisma, exp.id);
    await waitForDrainedQueues(stack, "in-flight CMA jobs to land after the pause");
    const paused = await stack.prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } });
    await resumeExperiment(stack.prisma, stack.queues, exp.id);
    await progress(paused.evaluations + 8_000);
    victim.child.kill("SIGKILL");
    await victim.exited;
    const done = await waitForStatus(stack.prisma, exp.id, POLL_CEILING_MS, "completion after kill");
    await expectConsistent(stack, done.id, 43_200);
  });
});

describe("CMA reproducibility", () => {
  it("one worker and a fixed seed give the same archive, thresholds and emitter states twice", async () => {
    const stack = await createTestStack();
    try {
      stack.startWorker();
      const config = cmaMae({ budget: { evaluations: 10_800 }, seed: 9, iterationsPerJob: 2 });
      const a = await runToEnd(stack, config);
      const b = await runToEnd(stack, config);
      const archive = (id: string) =>
        stack.prisma.elite.findMany({ where: { experimentId: id }, orderBy: { cell: "asc" }, select: { cell: true, fitness: true, descriptors: true } });
      const states = (id: string) => stack.prisma.emitterState.findMany({ where: { experimentId: id }, orderBy: { emitter: "asc" }, select: { emitter: true, generation: true, state: true } });
      expect((await archive(a.id)).length).toBeGreaterThan(10);
      expect(await archive(b.id)).toEqual(await archive(a.id));
      expect(await thresholdsOf(stack, b.id)).toEqual(await thresholdsOf(stack, a.id));
      expect(await states(b.id)).toEqual(await states(a.id));
      expect(b.qdScore).toBe(a.qdScore);
    } finally {
      await stack.stop();
    }
  });
});

describe("CMA commits", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
  });
  afterAll(async () => stack?.stop());

  /** A job's commit carrying only CMA state and threshold steps (no elites). */
  const job = (experimentId: string, batchId: string, cma: CmaCommit): CandidateBatch => ({
    experimentId,
    batchId,
    evaluations: cma.thresholds ? cma.thresholds.steps.reduce((n, s) => n + s.cells.length, 0) : 1,
    failed: 0,
    generated: true,
    operator: "cma-mae",
    cells: [],
    fitness: [],
    descriptors: [],
    measureDim: 2,
    genomes: new Uint8Array(0),
    genomeDim: 10,
    parentIds: [],
    parentsPer: 0,
    solutionIds: [],
    cma,
  });

  it("thresholds follow pyribs' batch rule exactly, as the in-process archive does", async () => {
    const config = cmaMae({ emitter: { type: "cma-mae", count: 1, learningRate: 0.3, thresholdMin: -1 }, budget: { evaluations: 1_000_000 } });
    const exp = await createExperiment(stack.prisma, config);
    await stack.prisma.experiment.update({ where: { id: exp.id }, data: { status: "running" } });
    // A hand-made sequence of steps over a 4-cell grid (cell = bin of the first measure).
    const reference = new GridArchive({ solutionDim: 1, dims: [4], ranges: [[0, 4]], learningRate: 0.3, thresholdMin: -1 });
    const steps = [
      [[0, 2.0], [0, 1.0], [1, -2.0], [2, 0.5]],
      [[0, 1.5], [0, 3.0], [0, 0.1], [1, -0.5], [3, 7.0]],
      [[2, 0.4], [2, 0.6], [2, 9.0], [1, -0.99]],
      [[0, 2.2], [3, 6.0], [3, 7.5]],
    ];
    for (const [g, step] of steps.entries()) {
      const cells = step.map((s) => s[0]!);
      const objectives = step.map((s) => s[1]!);
      reference.add(new Float64Array(step.length), objectives, cells.map((c) => c + 0.5), step.length);
      const r = await commitBatch(stack.prisma, job(exp.id, `j${g}`, { emitter: 0, generation: g, state: { g }, thresholds: { learningRate: 0.3, thresholdMin: -1, steps: [{ cells, objectives }] } }), 1e9);
      expect(r.duplicate).toBe(false);
    }
    const expected = [0, 1, 2, 3].filter((c) => reference.occupied[c] === 1).map((c) => ({ cell: c, threshold: reference.threshold[c] }));
    expect(expected.length).toBe(4);
    expect(await thresholdsOf(stack, exp.id)).toEqual(expected);
  });

  it("a replayed job changes nothing twice; a second job at the same chain position is refused whole", async () => {
    const config = cmaMae({ emitter: { type: "cma-mae", count: 2 }, budget: { evaluations: 1_000_000 } });
    const exp = await createExperiment(stack.prisma, config);
    await stack.prisma.experiment.update({ where: { id: exp.id }, data: { status: "running" } });
    const step = (g: number, objective: number): CmaCommit => ({
      emitter: 1,
      generation: g,
      state: { g },
      thresholds: { learningRate: 0.01, thresholdMin: 0, steps: [{ cells: [7, 7, 8], objectives: [objective, objective + 1, objective] }] },
    });
    const snapshot = async () => ({
      exp: await stack.prisma.experiment.findUniqueOrThrow({ where: { id: exp.id }, select: { evaluations: true, batchesDone: true, archiveRevision: true } }),
      thresholds: await thresholdsOf(stack, exp.id),
      state: await stack.prisma.emitterState.findMany({ where: { experimentId: exp.id }, select: { emitter: true, generation: true, state: true } }),
    });
    await commitBatch(stack.prisma, job(exp.id, "j1", step(0, 5)), 1e9);
    await commitBatch(stack.prisma, job(exp.id, "j3", step(1, 6)), 1e9);
    const after = await snapshot();
    expect(after.state).toEqual([{ emitter: 1, generation: 2, state: { g: 1 } }]);
    expect(after.exp.evaluations).toBe(6);

    // The same job delivered again (a retry after its commit landed): a no-op.
    const replay = await commitBatch(stack.prisma, job(exp.id, "j1", step(0, 5)), 1e9);
    expect(replay.duplicate).toBe(true);
    const again = await commitBatch(stack.prisma, job(exp.id, "j3", step(1, 6)), 1e9);
    expect(again.duplicate).toBe(true);
    expect(await snapshot()).toEqual(after);

    // A job that ran from a stale state (chain position 1 again, under another id) cannot roll the chain back:
    // the compare-and-set fails and the whole commit (ledger row, counters, thresholds) rolls back.
    await expect(commitBatch(stack.prisma, job(exp.id, "j5", step(1, 50)), 1e9)).rejects.toBeInstanceOf(EmitterChainConflict);
    expect(await snapshot()).toEqual(after);
    expect(await stack.prisma.processedBatch.count({ where: { experimentId: exp.id, batchId: "j5" } })).toBe(0);
  });
});

describe("CMA experiments over the REST API", () => {
  const api = useApiSuite();
  const post = api.createExperiment;

  it("POST /api/experiments with cma-me and cma-mae: 201 with the defaults filled", async () => {
    const me = await post({ name: "me", domain: { type: "sphere", dim: 20 }, emitter: { type: "cma-me" }, batchSize: 36, budget: { evaluations: 54_000 } });
    expect(me.status).toBe(201);
    expect(me.body.emitterType).toBe("cma-me");
    expect(me.body.config.emitter).toEqual({ type: "cma-me", sigma0: 0.5, count: 15, ranker: "2imp", selectionRule: "filter", restartRule: "no_improvement" });
    const mae = await post({ name: "mae", domain: { type: "arm", joints: 8 }, emitter: { type: "cma-mae", sigma0: 0.2, learningRate: 0.05 }, batchSize: 36, budget: { evaluations: 54_000 } });
    expect(mae.status).toBe(201);
    expect(mae.body.config.emitter).toEqual({ type: "cma-mae", sigma0: 0.2, count: 15, ranker: "imp", selectionRule: "mu", restartRule: "basic", learningRate: 0.05 });
  });
});
