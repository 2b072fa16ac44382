import { describe, expect, it } from "vitest";
import { ExperimentSpec } from "@/lib/experiments/config";
import { createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { createTestStack, startPrivatePostgres, startPrivateRedis, waitFor, waitForStatus, POLL_CEILING_MS, TEST_CEILING_MS } from "../helpers/stack";

/**
 * One run meets the three faults a deployment sees: its PostgreSQL restarts, its Redis restarts
 * and loses every key, and a worker is killed with SIGKILL. The run must end at exactly its budget,
 * with every batch counted once, no elite beaten by a stored solution of its own cell, and worker
 * logs that say why jobs failed (once per reason, not once per job).
 */
describe("a run survives a PostgreSQL restart, a Redis restart that loses every key and kill -9 of a worker", () => {
  it("ends at its exact budget with a consistent archive and readable worker logs", async () => {
    const postgres = await startPrivatePostgres();
    const redis = await startPrivateRedis();
    const stack = await createTestStack({ redisUrl: redis.url, databaseServerUrl: postgres.serverUrl });
    try {
      const workers = [stack.startWorker(), stack.startWorker()];
      // Each candidate costs ~1 ms in the sandbox, so the run lasts long enough for three faults.
      const config = ExperimentSpec.parse({
        name: "three faults",
        domain: {
          type: "javascript",
          dim: 4,
          bounds: [-1, 1],
          code: `export function evaluate(x) {
            const t = Date.now(); while (Date.now() - t < 1) {}
            return { fitness: -x.reduce((s, v) => s + v * v, 0), descriptors: [x[0], x[1]] };
          }`,
        },
        descriptors: [
          { name: "x0", min: -1, max: 1, bins: 20 },
          { name: "x1", min: -1, max: 1, bins: 20 },
        ],
        emitter: { type: "gaussian", sigma: 0.2 },
        batchSize: 20,
        maxInFlight: 2,
        budget: { evaluations: 16_000 },
        seed: 5,
      });
      const exp = await createExperiment(stack.prisma, config);
      await startExperiment(stack.prisma, stack.queues, exp.id);
      // Reads go through a fresh query each time: the test's own client also sees the restart.
      const evaluations = async () => {
        try {
          return (await stack.prisma.experiment.findUnique({ where: { id: exp.id } }))!.evaluations;
        } catch {
          return -1;
        }
      };
      const progressPast = (n: number, what: string) => waitFor(async () => (await evaluations()) > n || null, POLL_CEILING_MS, what);

      const recovery: Record<string, number> = {};
      const fault = async (name: string, inject: () => Promise<void>) => {
        const before = await evaluations();
        await inject();
        const t0 = Date.now();
        await progressPast(Math.max(before, await evaluations()) + 200, `progress after ${name}`);
        recovery[name] = Date.now() - t0;
      };

      await progressPast(2_000, "the run to get going");
      await fault("postgresRestart", () => postgres.restart(2000));
      await fault("redisRestart", () => redis.restart());
      await fault("workerKill9", async () => {
        workers[0]!.child.kill("SIGKILL");
        await workers[0]!.exited;
        workers.push(stack.startWorker());
      });
      console.log(`[recovery] ms until the run moved again: ${JSON.stringify(recovery)}`);

      const done = await waitForStatus(stack.prisma, exp.id, POLL_CEILING_MS, "completion after the three faults");
      expect(done.status).toBe("completed");
      expect(done.evaluations).toBe(16_000);
      const [ledger] = await stack.prisma.$queryRawUnsafe<{ ev: number }[]>(`SELECT sum(evaluations)::int AS ev FROM "ProcessedBatch" WHERE "experimentId" = $1::uuid`, exp.id);
      expect(ledger!.ev).toBe(16_000);
      const beaten = await stack.prisma.$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM "Elite" e JOIN "Solution" s ON s."experimentId" = e."experimentId" AND s.cell = e.cell
          WHERE e."experimentId" = $1::uuid AND s.status = 'evaluated' AND s.fitness > e.fitness`,
        exp.id,
      );
      expect(beaten[0]!.n).toBe(0);
      expect(done.numElites).toBe(await stack.prisma.elite.count({ where: { experimentId: exp.id } }));

      // Every failure line names its reason; the database outage is said a few times, not once per job.
      const logs = workers.map((w) => w.output()).join("\n");
      const failureLines = logs.split("\n").filter((l) => / failed:/.test(l));
      console.log(`[recovery] worker failure lines:\n${failureLines.join("\n")}`);
      for (const line of failureLines) expect(line, line).toMatch(/ failed: \S/);
      for (const w of workers) {
        const outage = w.output().split("\n").filter((l) => / failed: the database is unreachable/.test(l));
        expect(outage.length, w.output()).toBeLessThanOrEqual(6);
      }
    } finally {
      await stack.stop();
      await redis.stop();
      await postgres.stop();
    }
  }, TEST_CEILING_MS);
});
