import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlgorithm, runAlgorithm, type AlgorithmConfig } from "@/lib/qd";
import { ProximityArchive } from "@/lib/qd/archive/proximity";
import { unpackState } from "@/lib/qd/archive/state-codec";
import { commitBatch } from "@/lib/db/archive-store";
import { loadSearchChanges } from "@/lib/db/search-store";
import { loadSearchState, newSearchArchive } from "@/lib/experiments/search-state";
import type { StatefulSearchArchive } from "@/lib/registry/archives";
import { ExperimentConfig, jobPlan, type ExperimentConfigInput } from "@/lib/experiments/config";
import { createExperiment } from "@/lib/experiments/lifecycle";
import { ArchiveCache } from "@/workers/archive-cache";
import { generateSearchBatch, type SearchView } from "@/workers/search-batch";
import { SearchArchiveCache, rebaseSearch } from "@/workers/search-cache";
import { searchArchiveReport } from "@/lib/api/search-archive";
import { SearchArchiveReport } from "@/lib/api/responses";
import { createTestStack, type TestStack } from "../helpers/stack";
import { runToEnd } from "../helpers/runs";

/**
 * Proximity (NSLC) and density (DDS) archives on workers: each worker keeps the search archive in
 * memory; a job's commit appends its delta (under the SearchArchive row's lock) and now and then a
 * snapshot of the whole state; the result grid is in the Elite table.
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
  const stored = await loadSearchState(stack.prisma, id, e.config as unknown as ExperimentConfig);
  expect(stored!.revision).toBe(plan.totalJobs);
  // Cost proportional to the change: on average a commit wrote well under the state's size.
  const [row] = await stack.prisma.$queryRawUnsafe<{ written: number; snap: number; deltas: number }[]>(
    `SELECT "bytesWritten"::float8 AS written, "snapshotRevision" AS snap, (SELECT count(*)::int FROM "SearchArchiveDelta" d WHERE d."experimentId" = s."experimentId") AS deltas
     FROM "SearchArchive" s WHERE "experimentId" = $1::uuid`,
    id,
  );
  const perCommit = row!.written / plan.totalJobs;
  console.log(`search archive: ${stored!.state.length} bytes at the end, ${Math.round(perCommit)} written per commit, snapshot at ${row!.snap}, ${row!.deltas} delta rows`);
  expect(perCommit).toBeLessThan(stored!.state.length / 3);
  expect(row!.deltas).toBeLessThan(plan.totalJobs);
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
    expect(Buffer.from((await loadSearchState(stack.prisma, done.id, config))!.state).equals(Buffer.from(stored.state))).toBe(true);
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

  const running = async (config: ExperimentConfig) => {
    const exp = await createExperiment(stack.prisma, config);
    await stack.prisma.experiment.update({ where: { id: exp.id }, data: { status: "running" } });
    return exp.id;
  };
  /** Job k on a worker's cache (as workers/processors/batch.ts runs it, minus the queue): brought up to date, then generated. */
  const generate = async (id: string, config: ExperimentConfig, view: SearchArchiveCache, k: number) => {
    await view.refresh(stack.prisma);
    return generateSearchBatch(new ArchiveCache(id, config), k, 360, config.seed, `b:${k}`, null, view);
  };
  const commit = async (view: SearchArchiveCache, batch: ReturnType<typeof generateSearchBatch>) => {
    const r = await commitBatch(stack.prisma, batch, 1e9);
    if (r.duplicate) view.reset();
    else view.committed(r.searchRevision!);
    return r;
  };
  const bytes = (a: StatefulSearchArchive) => Buffer.from(a.exportState()).toString("base64");
  const storedBytes = async (id: string, config: ExperimentConfig) => Buffer.from((await loadSearchState(stack.prisma, id, config))!.state).toString("base64");
  const searchRow = async (id: string) =>
    (
      await stack.prisma.$queryRawUnsafe<{ revision: number; snap: number; deltas: number[] }[]>(
        `SELECT revision, "snapshotRevision" AS snap, ARRAY(SELECT revision FROM "SearchArchiveDelta" d WHERE d."experimentId" = s."experimentId" ORDER BY revision) AS deltas
         FROM "SearchArchive" s WHERE "experimentId" = $1::uuid`,
        id,
      )
    )[0]!;

  it("a retried job is a no-op; a job that raced another is replayed on the newer revision, so neither update is lost", async () => {
    const config = nslc({ iterationsPerJob: 4 });
    const id = await running(config);
    // Two workers start jobs 0 and 1 from the same (empty) stored state.
    const wa = new SearchArchiveCache(id, config, config.seed);
    const wb = new SearchArchiveCache(id, config, config.seed);
    const a = await generate(id, config, wa, 0);
    const b = await generate(id, config, wb, 1);
    let replays = 0;
    const replay = b.search!.replay;
    b.search!.replay = (s) => (replays++, replay(s));
    const onlyA = (wa.archive as ProximityArchive).numElites;
    const onlyB = (wb.archive as ProximityArchive).numElites;

    expect((await commit(wa, a)).duplicate).toBe(false);
    expect(wa.revision).toBe(1);
    expect(await storedBytes(id, config)).toBe(bytes(wa.archive));

    // The same batch again (a retried job): the ledger stops it before the search archive moves.
    expect((await commitBatch(stack.prisma, a, 1e9)).duplicate).toBe(true);
    expect((await searchRow(id)).revision).toBe(1);

    // Job 1 ran against revision 0: its steps are replayed on job 0's revision, in worker b's memory.
    expect((await commit(wb, b)).duplicate).toBe(false);
    expect(replays).toBe(1);
    expect(wb.revision).toBe(2);
    expect(await storedBytes(id, config)).toBe(bytes(wb.archive));
    // Job 0's points are all kept (local competition only replaces them) and job 1 added its novel ones.
    const both = (wb.archive as ProximityArchive).numElites;
    expect(both).toBeGreaterThan(onlyA);
    expect(both).toBeLessThan(onlyA + onlyB);
    // Worker a catches up by job 1's delta alone and holds the same archive.
    const changes = await loadSearchChanges(stack.prisma, id, 1);
    expect(changes).toMatchObject({ revision: 2, snapshot: null });
    expect(changes!.deltas).toHaveLength(1);
    await wa.refresh(stack.prisma);
    expect(bytes(wa.archive)).toBe(bytes(wb.archive));
    expect((await commitBatch(stack.prisma, b, 1e9)).duplicate).toBe(true);
    expect(replays).toBe(1);
  });

  it("a job rebased on the newest revision before its commit commits without a replay under the lock", async () => {
    const config = nslc({ iterationsPerJob: 4 });
    const id = await running(config);
    const wa = new SearchArchiveCache(id, config, config.seed);
    const wb = new SearchArchiveCache(id, config, config.seed);
    const a = await generate(id, config, wa, 0);
    const b = await generate(id, config, wb, 1);
    await commit(wa, a);
    let replays = 0;
    const replay = b.search!.replay;
    b.search!.replay = (s) => (replays++, replay(s));
    await rebaseSearch(stack.prisma, id, b.search!);
    expect(replays).toBe(1);
    expect(b.search!.baseRevision).toBe(1);
    await commit(wb, b);
    expect(replays).toBe(1); // the commit found its base current
    expect(await storedBytes(id, config)).toBe(bytes(wb.archive));
    await wa.refresh(stack.prisma);
    expect(bytes(wa.archive)).toBe(bytes(wb.archive));
  });

  it("workers that race, restart or lag all hold the stored archive; compaction keeps a snapshot and the recent deltas", async () => {
    const config = nslc({ iterationsPerJob: 2 });
    const id = await running(config);
    const wa = new SearchArchiveCache(id, config, config.seed);
    const wb = new SearchArchiveCache(id, config, config.seed);
    const lagging = new SearchArchiveCache(id, config, config.seed);
    const stale = new SearchArchiveCache(id, config, config.seed);
    let staleJob: ReturnType<typeof generateSearchBatch> | null = null;
    const JOBS = 24;
    for (let k = 0; k < JOBS; k += 2) {
      // Both workers generate from the same revision: b's commit is always a replay.
      const a = await generate(id, config, wa, k);
      const b = await generate(id, config, wb, k + 1);
      await commit(wa, a);
      await commit(wb, b);
      if (k === 2) await lagging.refresh(stack.prisma);
      if (k === 2) staleJob = await generate(id, config, stale, JOBS);
      // Worker b restarts mid-run: its memory is gone, it reloads snapshot + deltas.
      if (k === 12) wb.reset();
    }
    const row = await searchRow(id);
    expect(row.revision).toBe(JOBS);
    // Compacted: a snapshot past the start, the deltas since the previous snapshot, none older.
    expect(row.snap).toBeGreaterThan(4);
    expect(row.deltas[row.deltas.length - 1]).toBe(JOBS);
    expect(row.deltas.length).toBeLessThan(JOBS);
    expect(lagging.revision).toBe(4);
    expect(row.deltas[0]).toBeGreaterThan(5); // the lagging worker's next delta is gone
    expect(row.deltas).toEqual(Array.from({ length: row.deltas.length }, (_, i) => JOBS - row.deltas.length + 1 + i));
    // A fresh worker starts from the snapshot; a lagging one whose deltas are gone does too.
    expect((await loadSearchChanges(stack.prisma, id, 0))!.snapshot?.revision).toBe(row.snap);
    const fresh = new SearchArchiveCache(id, config, config.seed);
    for (const w of [wa, wb, lagging, fresh]) await w.refresh(stack.prisma);
    const truth = await storedBytes(id, config);
    for (const w of [wa, wb, lagging, fresh]) {
      expect(w.revision).toBe(JOBS);
      expect(bytes(w.archive)).toBe(truth);
    }
    // A job based on a revision whose deltas were compacted away fails as a whole (nothing lands), and its retry goes through.
    await expect(commitBatch(stack.prisma, staleJob!, 1e9)).rejects.toThrow(/compacted/);
    expect((await searchRow(id)).revision).toBe(JOBS);
    stale.reset();
    const retried = await generate(id, config, stale, JOBS);
    expect((await commit(stale, retried)).duplicate).toBe(false);
    expect(stale.revision).toBe(JOBS + 1);
    await wa.refresh(stack.prisma);
    expect(bytes(wa.archive)).toBe(bytes(stale.archive));
    const [ledger] = await stack.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "ProcessedBatch" WHERE "experimentId" = $1::uuid`, id);
    expect(ledger!.n).toBe(JOBS + 1);
  });

  it("a kind without deltas (full state, e.g. a model retrained every batch) stores its whole state each commit, replayed when it raced", async () => {
    const config = dds({ iterationsPerJob: 2 });
    const id = await running(config);
    // The density archive with its delta methods hidden: what a full-state kind looks like to the pipeline.
    const fullState = () =>
      Object.assign(newSearchArchive(config, config.seed), { beginDelta: undefined, exportDelta: undefined, applyDelta: undefined, rollbackDelta: undefined });
    class FullStateCache extends SearchArchiveCache {
      override fresh() {
        return fullState();
      }
    }
    const wa: SearchView & SearchArchiveCache = new FullStateCache(id, config, config.seed);
    const wb = new FullStateCache(id, config, config.seed);
    for (let k = 0; k < 6; k += 2) {
      const a = await generate(id, config, wa, k);
      const b = await generate(id, config, wb, k + 1);
      expect(a.search!.delta).toBeUndefined();
      await commit(wa, a);
      await commit(wb, b);
    }
    const row = await searchRow(id);
    expect(row).toEqual({ revision: 6, snap: 6, deltas: [] });
    const truth = await storedBytes(id, config);
    expect(bytes(wb.archive)).toBe(truth);
    await wa.refresh(stack.prisma);
    expect(bytes(wa.archive)).toBe(truth);
  });
});
