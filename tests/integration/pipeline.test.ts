import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlgorithm, runAlgorithm } from "@/lib/qd";
import { ExperimentConfig, jobPlan, type ExperimentConfigInput } from "@/lib/experiments/config";
import { cancelExperiment, createExperiment, pauseExperiment, resumeExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack, waitFor, waitForDrainedQueues, waitForStatus, type TestStack, POLL_CEILING_MS } from "../helpers/stack";
import { expectCountersConsistent, runToEnd } from "../helpers/runs";

const sphere = (over: Partial<ExperimentConfigInput> = {}) =>
  ExperimentConfig.parse({
    name: "sphere",
    domain: { type: "sphere", dim: 20 },
    emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2 },
    batchSize: 100,
    budget: { evaluations: 30_000 },
    seed: 7,
    ...over,
  });

/** The archive's own consistency: counters equal what the Elite rows say, the ledger sums to the count. */
async function expectConsistent(stack: TestStack, id: string, budget: number) {
  const e = await expectCountersConsistent(stack, id, budget);
  // Every elite's lineage resolves: parents of stored solutions are stored too.
  const [orphans] = await stack.prisma.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM "Solution" s, unnest(s."parentIds") p
     WHERE s."experimentId" = $1::uuid AND NOT EXISTS (SELECT 1 FROM "Solution" q WHERE q.id = p)`,
    id,
  );
  expect(orphans!.n).toBe(0);
  // ...and walking first parents from every elite ends at a first ancestor (a stored solution without
  // parents), although jobs store only their surviving candidates and those candidates' ancestors.
  const [walks] = await stack.prisma.$queryRawUnsafe<{ elites: number; rooted: number }[]>(
    `WITH RECURSIVE walk(start, id, depth) AS (
       SELECT "solutionId", "solutionId", 0 FROM "Elite" WHERE "experimentId" = $1::uuid
       UNION ALL
       SELECT w.start, s."parentIds"[1], w.depth + 1 FROM walk w JOIN "Solution" s ON s.id = w.id
       WHERE cardinality(s."parentIds") > 0 AND w.depth < 100000
     )
     SELECT (SELECT count(*)::int FROM "Elite" WHERE "experimentId" = $1::uuid) AS elites,
            count(DISTINCT w.start)::int AS rooted
     FROM walk w JOIN "Solution" s ON s.id = w.id WHERE cardinality(s."parentIds") = 0`,
    id,
  );
  expect(walks!.rooted).toBe(walks!.elites);
  return e;
}

describe("distributed runs on Redis", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
    stack.startWorker();
    stack.startWorker();
  });
  afterAll(async () => stack?.stop());

  it("stops at exactly the budget and matches the in-process engine", async () => {
    // 30,017 is not a multiple of the batch: the last job is shorter, never longer.
    const config = sphere({ budget: { evaluations: 30_017 } });
    const done = await runToEnd(stack, config);
    expect(done.status).toBe("completed");
    await expectConsistent(stack, done.id, 30_017);

    const alg = createAlgorithm({
      domain: config.domain,
      archive: { type: "grid" },
      emitter: { type: "iso-line", isoSigma: 0.5, lineSigma: 0.2, batchSize: 100 },
      seed: 7,
    });
    const local = runAlgorithm(alg, 300);
    const distributedNormQd = done.qdScore / done.cells;
    // Different random streams and asynchronous parents: equal within noise, not bit for bit.
    expect(Math.abs(distributedNormQd - local.normQdScore) / local.normQdScore).toBeLessThan(0.1);
    expect(Math.abs(done.numElites / done.cells - local.coverage) / local.coverage).toBeLessThan(0.1);
  });

  it("records metric snapshots and events as the run goes", async () => {
    const done = await runToEnd(stack, sphere({ budget: { evaluations: 10_000 }, iterationsPerJob: 1 }));
    const snaps = await stack.prisma.metricSnapshot.findMany({ where: { experimentId: done.id }, orderBy: { evaluations: "asc" } });
    expect(snaps.length).toBeGreaterThan(3);
    expect(snaps.at(-1)!.evaluations).toBe(10_000);
    expect(snaps.at(-1)!.coverage).toBeCloseTo(done.numElites / done.cells, 9);
    for (let i = 1; i < snaps.length; i++) expect(snaps[i]!.qdScore).toBeGreaterThanOrEqual(snaps[i - 1]!.qdScore - 1e-9);
    const events = await stack.prisma.experimentEvent.findMany({ where: { experimentId: done.id }, orderBy: { id: "asc" } });
    expect(events.filter((e) => e.type === "batch").length).toBe(jobPlan(done.config as unknown as ExperimentConfig).totalJobs);
    expect(events.filter((e) => e.type === "status").map((e) => (e.payload as { status: string }).status)).toEqual(["running", "completed"]);
    const snapEvents = events.filter((e) => e.type === "snapshot").map((e) => e.payload as { evaluations: number; coverage: number });
    expect(snapEvents.map((p) => p.evaluations).sort((a, b) => a - b)).toEqual(snaps.map((s) => s.evaluations));
  });

  it("pauses (in-flight work finishes, nothing new starts), resumes and cancels", async () => {
    const config = sphere({ budget: { evaluations: 400_000 }, batchSize: 200, iterationsPerJob: 5 });
    const exp = await createExperiment(stack.prisma, config);
    await startExperiment(stack.prisma, stack.queues, exp.id);
    await waitFor(async () => (await stack.prisma.experiment.findUnique({ where: { id: exp.id } }))!.evaluations > 10_000, POLL_CEILING_MS, "progress");
    await pauseExperiment(stack.prisma, exp.id);
    await waitForDrainedQueues(stack, "in-flight batches to land after the pause");
    const paused = (await stack.prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } })).evaluations;
    // An observation window, not a wait: nothing new may start while paused (the reconciler runs every 500 ms).
    await new Promise((r) => setTimeout(r, 1500));
    const stillPaused = await stack.prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } });
    expect(stillPaused.status).toBe("paused");
    expect(stillPaused.evaluations).toBe(paused);
    await expect(startExperiment(stack.prisma, stack.queues, exp.id)).rejects.toThrow(/cannot start an experiment that is paused/);

    await resumeExperiment(stack.prisma, stack.queues, exp.id);
    await waitFor(async () => (await stack.prisma.experiment.findUnique({ where: { id: exp.id } }))!.evaluations > paused + 10_000, POLL_CEILING_MS, "progress after resume");
    await cancelExperiment(stack.prisma, exp.id);
    await waitForDrainedQueues(stack, "in-flight batches to land after the cancel");
    const cancelled = await stack.prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } });
    await new Promise((r) => setTimeout(r, 1000)); // observation window: nothing runs once cancelled
    const later = await stack.prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } });
    expect(later.status).toBe("cancelled");
    expect(later.evaluations).toBe(cancelled.evaluations);
    expect(later.evaluations).toBeLessThan(400_000);
    expect(later.finishedAt).not.toBeNull();
    await expect(resumeExperiment(stack.prisma, stack.queues, exp.id)).rejects.toThrow(/cannot resume an experiment that is cancelled/);
  });

  it("a worker stopped with SIGTERM finishes its job and exits cleanly; the run completes", async () => {
    const config = sphere({ budget: { evaluations: 60_000 }, batchSize: 200, iterationsPerJob: 5 });
    const exp = await createExperiment(stack.prisma, config);
    const leaving = stack.startWorker();
    await waitFor(async () => leaving.output().includes("ready on"), POLL_CEILING_MS, "the worker to be ready");
    await startExperiment(stack.prisma, stack.queues, exp.id);
    await waitFor(async () => (await stack.prisma.experiment.findUnique({ where: { id: exp.id } }))!.evaluations > 5_000, POLL_CEILING_MS, "progress");
    leaving.child.kill("SIGTERM");
    expect(await leaving.exited).toBe(0);
    expect(leaving.output()).toMatch(/SIGTERM: finishing active jobs[\s\S]*stopped/);
    const done = await waitForStatus(stack.prisma, exp.id, POLL_CEILING_MS, "completion");
    await expectConsistent(stack, done.id, 60_000);
  });

  it("survives kill -9 of a worker mid-run with nothing lost or double-counted", async () => {
    const config = sphere({ budget: { evaluations: 120_000 }, batchSize: 200, iterationsPerJob: 5 });
    const exp = await createExperiment(stack.prisma, config);
    const victim = stack.startWorker();
    await startExperiment(stack.prisma, stack.queues, exp.id);
    await waitFor(async () => (await stack.prisma.experiment.findUnique({ where: { id: exp.id } }))!.evaluations > 20_000, POLL_CEILING_MS, "progress");
    victim.child.kill("SIGKILL");
    await victim.exited;
    const done = await waitForStatus(stack.prisma, exp.id, POLL_CEILING_MS, "completion after kill");
    await expectConsistent(stack, done.id, 120_000);
  });
});

describe("reproducibility", () => {
  it("one worker and a fixed seed give the same archive twice", async () => {
    const stack = await createTestStack();
    try {
      stack.startWorker();
      const a = await runToEnd(stack, sphere({ budget: { evaluations: 8_000 }, seed: 3 }));
      const b = await runToEnd(stack, sphere({ budget: { evaluations: 8_000 }, seed: 3 }));
      const archive = (id: string) =>
        stack.prisma.elite.findMany({ where: { experimentId: id }, orderBy: { cell: "asc" }, select: { cell: true, fitness: true, descriptors: true } });
      expect(await archive(b.id)).toEqual(await archive(a.id));
      expect(b.qdScore).toBe(a.qdScore);
    } finally {
      await stack.stop();
    }
  });
});

describe("PostgreSQL queue backend (no Redis)", () => {
  it("runs an experiment to its budget", async () => {
    const stack = await createTestStack({ backend: "postgres" });
    try {
      stack.startWorker();
      const done = await runToEnd(stack, sphere({ budget: { evaluations: 6_000 } }));
      expect(done.status).toBe("completed");
      await expectConsistent(stack, done.id, 6_000);
    } finally {
      await stack.stop();
    }
  });
});
