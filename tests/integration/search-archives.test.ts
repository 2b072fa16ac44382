import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlgorithm, runAlgorithm, type AlgorithmConfig } from "@/lib/qd";
import { ProximityArchive } from "@/lib/qd/archive/proximity";
import { unpackState } from "@/lib/qd/archive/state-codec";
import { commitBatch } from "@/lib/db/archive-store";
import { loadSearchState } from "@/lib/db/search-store";
import { ExperimentConfig, jobPlan, type ExperimentConfigInput } from "@/lib/experiments/config";
import { createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { ArchiveCache } from "@/workers/archive-cache";
import { generateSearchBatch } from "@/workers/search-batch";
import { searchArchiveReport } from "@/lib/api/search-archive";
import { SearchArchiveReport } from "@/lib/api/responses";
import { createTestStack, waitFor, type TestStack, POLL_CEILING_MS } from "../helpers/stack";

/**
 * Proximity (NSLC) and density (DDS) archives on workers: the search archive's state in PostgreSQL,
 * moved once per job under its row lock; the result grid in the Elite table.
 */

const BUDGET = 36_000;
/** Sphere-10's descriptor box is ±25.6: the registry's defaults scale pyribs' sphere settings to it. */
const WIDTH = 51.2;

const nslc = (over: Partial<ExperimentConfigInput> = {}) =>
  ExperimentConfig.parse({
    name: "sphere nslc",
    domain: { type: "sphere", dim: 10 },
    archive: { type: "proximity", kNeighbors: 15, localCompetition: true },
    emitter: { type: "cma-me", count: 5, ranker: "nslc", selectionRule: "filter", restartRule: "no_improvement" },
    batchSize: 36,
    budget: { evaluations: BUDGET },
    seed: 1,
    ...over,
  });

const dds = (over: Partial<ExperimentConfigInput> = {}) =>
  nslc({ name: "sphere dds", archive: { type: "density", method: "kde", bufferSize: 10_000 }, emitter: { type: "cma-me", count: 5, sigma0: 1.5, ranker: "density", selectionRule: "mu", restartRule: "basic" }, ...over });

/** The same run in one process (pyribs' scheduler: 5 emitters × 36 per step). */
function inProcess(config: ExperimentConfig) {
  const e = config.emitter as unknown as { sigma0: number; count: number; ranker: never; selectionRule: never; restartRule: never };
  const archive: AlgorithmConfig["archive"] =
    config.archive.type === "proximity"
      ? { type: "proximity", kNeighbors: 15, noveltyThreshold: (0.037 * 100 * WIDTH) / 512, localCompetition: true }
      : { type: "density", method: "kde", bandwidth: (25.6 * WIDTH) / 512, bufferSize: 10_000 };
  const alg = createAlgorithm({ domain: config.domain, archive, emitter: { type: "cma-me", sigma0: e.sigma0, batchSize: 36, count: e.count, ranker: e.ranker, selectionRule: e.selectionRule, restartRule: e.restartRule }, seed: config.seed });
  return runAlgorithm(alg, BUDGET / (e.count * 36));
}

async function runToEnd(stack: TestStack, config: ExperimentConfig) {
  const exp = await createExperiment(stack.prisma, config);
  await startExperiment(stack.prisma, stack.queues, exp.id);
  return waitFor(async () => {
    const e = await stack.prisma.experiment.findUnique({ where: { id: exp.id } });
    return e && ["completed", "failed"].includes(e.status) ? e : null;
  }, POLL_CEILING_MS, `experiment ${exp.id} to finish`);
}

/** Exact budget, one ledger row per job, and the search archive moved exactly once per job. */
async function expectConsistent(stack: TestStack, id: string) {
  const e = await stack.prisma.experiment.findUniqueOrThrow({ where: { id } });
  const plan = jobPlan(e.config as unknown as ExperimentConfig);
  const [ledger] = await stack.prisma.$queryRawUnsafe<{ n: number; ev: number }[]>(
    `SELECT count(*)::int AS n, coalesce(sum(evaluations), 0)::int AS ev FROM "ProcessedBatch" WHERE "experimentId" = $1::uuid`,
    id,
  );
  expect(e.status).toBe("completed");
  expect(e.evaluations).toBe(BUDGET);
  expect(ledger).toEqual({ n: plan.totalJobs, ev: BUDGET });
  const stored = await loadSearchState(stack.prisma, id);
  expect(stored!.revision).toBe(plan.totalJobs);
  return { e, stored: stored! };
}

describe("search archives on two workers", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
    stack.startWorker();
    stack.startWorker();
  });
  afterAll(async () => stack?.stop());

  it("NSLC (proximity, local competition) on sphere: exact budget, metrics as in-process", async () => {
    const config = nslc();
    const done = await runToEnd(stack, config);
    const { e, stored } = await expectConsistent(stack, done.id);
    const points = unpackState(stored.state).meta.n as number;
    expect(points).toBeGreaterThan(100);
    const local = inProcess(config);
    expect(Math.abs(e.qdScore / e.cells - local.normQdScore) / local.normQdScore).toBeLessThan(0.15);
    expect(Math.abs(e.numElites / e.cells - local.coverage) / local.coverage).toBeLessThan(0.15);

    // What the dashboard's scatter reads: every stored point (or an even sample), inside the descriptor box.
    process.env.DATABASE_URL = stack.db.url; // the API's process-wide client, created on first use
    const report = SearchArchiveReport.parse(await searchArchiveReport(done.id));
    expect(report).toMatchObject({ type: "proximity", revision: stored.revision, total: points });
    expect(report.measures.length).toBe(Math.min(points, 5000));
    expect(report.objective).toHaveLength(report.measures.length);
    expect(report.measures.every((m) => m.length === 2 && m.every(Number.isFinite))).toBe(true);
  });

  it("DDS (density, KDE) on sphere: exact budget, coverage as in-process, reservoir full", async () => {
    const config = dds();
    const done = await runToEnd(stack, config);
    const { e, stored } = await expectConsistent(stack, done.id);
    expect(unpackState(stored.state).meta.occupied).toBe(10_000);
    const local = inProcess(config);
    expect(Math.abs(e.numElites / e.cells - local.coverage) / local.coverage).toBeLessThan(0.15);
    // Not the QD-score: at this budget DDS's ranges from 5 to 27 between seeds in-process alone (the sphere's
    // objective is taken before clipping, so how far the emitters wander decides it), and distributed runs
    // have landed between −0.7 and 7.7 for seed 1 (in-process 5.1): not comparable within 15%.
  });
});

describe("search archive commits", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await createTestStack();
  });
  afterAll(async () => stack?.stop());

  it("a retried job is a no-op; a job that raced another is replayed on the newer state, so neither update is lost", async () => {
    const config = nslc({ iterationsPerJob: 4 });
    const exp = await createExperiment(stack.prisma, config);
    await stack.prisma.experiment.update({ where: { id: exp.id }, data: { status: "running" } });
    // Two workers start jobs 0 and 1 from the same (empty) stored state.
    const a = generateSearchBatch(new ArchiveCache(exp.id, config), 0, 144, config.seed, "b:0", null, null);
    const b = generateSearchBatch(new ArchiveCache(exp.id, config), 1, 144, config.seed, "b:1", null, null);
    let replays = 0;
    const replay = b.search!.replay;
    b.search!.replay = (s) => (replays++, replay(s));

    expect((await commitBatch(stack.prisma, a, 1e9)).duplicate).toBe(false);
    const afterA = await loadSearchState(stack.prisma, exp.id);
    expect(afterA!.revision).toBe(1);
    expect(Buffer.from(afterA!.state).equals(Buffer.from(a.search!.state))).toBe(true);

    // The same batch again (a retried job): the ledger stops it before the search archive moves.
    expect((await commitBatch(stack.prisma, a, 1e9)).duplicate).toBe(true);
    expect((await loadSearchState(stack.prisma, exp.id))!.revision).toBe(1);

    // Job 1 ran against revision 0: its steps are replayed on job 0's state.
    expect((await commitBatch(stack.prisma, b, 1e9)).duplicate).toBe(false);
    expect(replays).toBe(1);
    const final = await loadSearchState(stack.prisma, exp.id);
    expect(final!.revision).toBe(2);
    const both = new ProximityArchive({ solutionDim: 10, measureDim: 2, kNeighbors: 15, noveltyThreshold: (0.037 * 100 * WIDTH) / 512, localCompetition: true });
    both.importState(final!.state);
    const onlyA = unpackState(a.search!.state).meta.n as number;
    const onlyB = unpackState(b.search!.state).meta.n as number;
    // Job 0's points are all kept (local competition only replaces them) and job 1 added its novel ones.
    expect(both.numElites).toBeGreaterThan(onlyA);
    expect(both.numElites).toBeLessThan(onlyA + onlyB);
    expect((await commitBatch(stack.prisma, b, 1e9)).duplicate).toBe(true);
    expect(replays).toBe(1);
  });
});
