import { expect } from "vitest";
import { createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { jobPlan, type ExperimentConfig, type ExperimentSpec } from "@/lib/experiments/config";
import { POLL_CEILING_MS, waitForStatus, type TestStack } from "./stack";

/** Creates and starts an experiment on the stack's workers; returns its row once it stops in one of `statuses` (a run that pauses, e.g. because every candidate failed, ends the wait too, so the test fails on its status at once). */
export async function runToEnd(stack: TestStack, config: ExperimentConfig | ExperimentSpec, statuses = ["completed", "failed", "paused"], ms = POLL_CEILING_MS) {
  const exp = await createExperiment(stack.prisma, config);
  await startExperiment(stack.prisma, stack.queues, exp.id);
  return waitForStatus(stack.prisma, exp.id, ms, `experiment ${exp.id} to finish`, statuses);
}

/** What the Elite rows of a run hold: how many, and the sum of their fitness. */
export async function eliteTotals(stack: TestStack, id: string) {
  const [row] = await stack.prisma.$queryRawUnsafe<{ n: number; s: number }[]>(
    `SELECT count(*)::int AS n, coalesce(sum(fitness), 0)::float8 AS s FROM "Elite" WHERE "experimentId" = $1::uuid`,
    id,
  );
  return row!;
}

/** What the batch ledger of a run holds: jobs committed, and the evaluations they counted. */
export async function ledgerTotals(stack: TestStack, id: string) {
  const [row] = await stack.prisma.$queryRawUnsafe<{ n: number; ev: number }[]>(
    `SELECT count(*)::int AS n, coalesce(sum(evaluations), 0)::int AS ev FROM "ProcessedBatch" WHERE "experimentId" = $1::uuid`,
    id,
  );
  return row!;
}

/**
 * The run's counters, its Elite rows and its batch ledger agree with each other and with the budget:
 * exactly `budget` evaluations, in exactly the jobs the plan has. Returns the experiment row.
 */
export async function expectCountersConsistent(stack: TestStack, id: string, budget: number) {
  const e = await stack.prisma.experiment.findUniqueOrThrow({ where: { id } });
  const [elites, ledger] = await Promise.all([eliteTotals(stack, id), ledgerTotals(stack, id)]);
  expect(e.evaluations).toBe(budget);
  expect(ledger).toEqual({ n: jobPlan(e.config as unknown as ExperimentConfig).totalJobs, ev: budget });
  expect(e.numElites).toBe(elites.n);
  expect(e.qdScore).toBeCloseTo(elites.s - e.qdOffset * elites.n, 6);
  return e;
}
