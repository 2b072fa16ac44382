import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitBatch } from "@/lib/db/archive-store";
import { createPrismaClient } from "@/lib/db/client";
import { ExperimentConfig } from "@/lib/experiments/config";
import { createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { BATCH_JOB_OPTIONS, evaluationQueue } from "@/lib/experiments/jobs";
import { cellBatch } from "../helpers/batches";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { createTestStack, startPrivateRedis, waitFor, waitForStatus, POLL_CEILING_MS } from "../helpers/stack";

describe("concurrent archive writes", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ prefix: "qd_hammer" });
  });
  afterAll(async () => db?.drop());

  it("N writers hammering the same cells never lose an improvement", async () => {
    const clients = Array.from({ length: 6 }, () => createPrismaClient(db.url));
    try {
      const config = ExperimentConfig.parse({ name: "hammer", domain: { type: "sphere", dim: 4 }, batchSize: 10, budget: { evaluations: 1_000_000 } });
      const exp = await createExperiment(clients[0]!, config);
      const CELLS = 8;
      const best = new Map<number, number>();
      let batches = 0;
      // 6 connections × 40 batches × 25 candidates, all into 8 cells, all at once.
      await Promise.all(
        clients.map(async (prisma, w) => {
          for (let b = 0; b < 40; b++) {
            const n = 25;
            const cells = Array.from({ length: n }, () => Math.floor(Math.random() * CELLS));
            const fitness = cells.map(() => Math.random() * 100);
            cells.forEach((c, i) => best.set(c, Math.max(best.get(c) ?? -Infinity, fitness[i]!)));
            const batch = cellBatch(exp.id, `w${w}-b${b}`, cells, fitness, n);
            await commitBatch(prisma, batch, 1000);
            batches++;
          }
        }),
      );
      expect(batches).toBe(240);
      const elites = await clients[0]!.elite.findMany({ where: { experimentId: exp.id } });
      expect(elites).toHaveLength(best.size);
      for (const e of elites) expect(e.fitness).toBe(best.get(e.cell));
      const after = await clients[0]!.experiment.findUniqueOrThrow({ where: { id: exp.id } });
      expect(after.evaluations).toBe(240 * 25);
      expect(after.numElites).toBe(best.size);
      expect(after.maxFitness).toBe(Math.max(...best.values()));
      expect(after.sumFitness).toBeCloseTo([...best.values()].reduce((a, b) => a + b, 0), 6);
      // A replayed batch (a retried job) is a no-op.
      const replay = await commitBatch(clients[0]!, cellBatch(exp.id, "w0-b0", [0], [1e9], 25), 1000);
      expect(replay.duplicate).toBe(true);
      const again = await clients[0]!.experiment.findUniqueOrThrow({ where: { id: exp.id } });
      expect(again.evaluations).toBe(240 * 25);
      expect(again.maxFitness).toBe(after.maxFitness);
    } finally {
      await Promise.all(clients.map((c) => c.$disconnect()));
    }
  });
});

describe("every worker process dies", () => {
  it("a worker started later resumes the run where it was", async () => {
    const stack = await createTestStack();
    try {
      const config = ExperimentConfig.parse({ name: "restart all", domain: { type: "sphere", dim: 20 }, batchSize: 200, iterationsPerJob: 5, budget: { evaluations: 100_000 }, seed: 5 });
      const exp = await createExperiment(stack.prisma, config);
      const first = [stack.startWorker(), stack.startWorker()];
      await startExperiment(stack.prisma, stack.queues, exp.id);
      await waitFor(async () => (await stack.prisma.experiment.findUnique({ where: { id: exp.id } }))!.evaluations > 20_000, POLL_CEILING_MS, "progress");
      for (const w of first) w.child.kill("SIGKILL");
      await Promise.all(first.map((w) => w.exited));
      const frozen = (await stack.prisma.experiment.findUniqueOrThrow({ where: { id: exp.id } })).evaluations;
      expect(frozen).toBeLessThan(100_000);
      stack.startWorker();
      const done = await waitForStatus(stack.prisma, exp.id, POLL_CEILING_MS, "completion by the new worker");
      expect(done.evaluations).toBe(100_000);
      const [ledger] = await stack.prisma.$queryRawUnsafe<{ n: number; ev: number }[]>(
        `SELECT count(*)::int AS n, sum(evaluations)::int AS ev FROM "ProcessedBatch" WHERE "experimentId" = $1::uuid`,
        exp.id,
      );
      expect(ledger).toEqual({ n: 100, ev: 100_000 });
    } finally {
      await stack.stop();
    }
  });
});

describe("Redis restart mid-run", () => {
  it("re-enqueues lost batches and completes with nothing lost or double-counted", async () => {
    const redis = await startPrivateRedis();
    const stack = await createTestStack({ redisUrl: redis.url });
    try {
      stack.startWorker();
      stack.startWorker();
      const config = ExperimentConfig.parse({
        name: "redis restart",
        domain: { type: "sphere", dim: 20 },
        batchSize: 200,
        iterationsPerJob: 5,
        budget: { evaluations: 150_000 },
        seed: 11,
      });
      const exp = await createExperiment(stack.prisma, config);
      await startExperiment(stack.prisma, stack.queues, exp.id);
      await waitFor(async () => (await stack.prisma.experiment.findUnique({ where: { id: exp.id } }))!.evaluations > 20_000, POLL_CEILING_MS, "progress");
      // No persistence: every queued job is gone after the restart.
      await redis.restart();
      const done = await waitForStatus(stack.prisma, exp.id, POLL_CEILING_MS, "completion after the Redis restart");
      const [ledger] = await stack.prisma.$queryRawUnsafe<{ n: number; ev: number }[]>(
        `SELECT count(*)::int AS n, sum(evaluations)::int AS ev FROM "ProcessedBatch" WHERE "experimentId" = $1::uuid`,
        exp.id,
      );
      expect(done.evaluations).toBe(150_000);
      expect(ledger).toEqual({ n: 150, ev: 150_000 });
      const elites = await stack.prisma.elite.count({ where: { experimentId: exp.id } });
      expect(done.numElites).toBe(elites);
    } finally {
      await stack.stop();
      await redis.stop();
    }
  });
});

describe("a job with a malformed payload", () => {
  it("fails once, saying what is wrong, and the worker goes on with the run next to it", async () => {
    const stack = await createTestStack();
    try {
      const worker = stack.startWorker();
      // A job no version of QD Studio writes (e.g. put into Redis by hand, or by a future version).
      const queue = evaluationQueue(stack.queues);
      await queue.add("batch", { experimentId: 42, k: "first" }, { ...BATCH_JOB_OPTIONS, jobId: "malformed-1" });
      const failed = await waitFor(async () => {
        const job = await queue.getJob("malformed-1");
        return job && (await job.isFailed()) ? job : null;
      }, POLL_CEILING_MS, "the malformed job to fail");
      expect(failed.failedReason).toBe("job batch#malformed-1 has a malformed payload: experimentId: experimentId must be a string");
      expect(failed.attemptsMade).toBe(1); // not retried: the same payload would fail again

      const config = ExperimentConfig.parse({ name: "next to it", domain: { type: "sphere", dim: 4 }, batchSize: 20, budget: { evaluations: 200 } });
      const exp = await createExperiment(stack.prisma, config);
      await startExperiment(stack.prisma, stack.queues, exp.id);
      await waitForStatus(stack.prisma, exp.id, POLL_CEILING_MS, "the run next to it to complete");
      expect(worker.output()).toContain("has a malformed payload");
      expect(worker.child.exitCode).toBeNull();
    } finally {
      await stack.stop();
    }
  });
});
