import type { Job } from "bullmq";
import { commitBatch } from "@/lib/db/archive-store";
import { autoDimensions } from "@/lib/db/auto-range-store";
import { isSearchArchiveConfig } from "@/lib/registry/archives";
import { emitterChains, islandOfJob, jobPlan, jobsInFlight, type ExperimentConfig } from "@/lib/experiments/config";
import { batchKey, enqueueBatches, type BatchJobData } from "@/lib/experiments/jobs";
import { ArchiveCacheStore } from "../archive-cache";
import { SearchCacheStore, rebaseSearch } from "../search-cache";
import { generateBatch } from "../generate-batch";
import { generateCmaBatch } from "../cma-batch";
import { generateSearchBatch } from "../search-batch";
import { chainJobOf } from "../chain-job";
import { keepSurvivors } from "@/lib/db/survivors";
import { JobCostLog } from "../job-costs";
import type { WorkerContext } from "../context";

/** Curves get about this many points over a run. */
const SNAPSHOTS_PER_RUN = 400;

export function createBatchProcessor(ctx: WorkerContext) {
  const caches = new ArchiveCacheStore();
  const searchCaches = new SearchCacheStore();
  const costs = new JobCostLog();
  const processBatch = async function processBatch(job: Job<BatchJobData>) {
    const { experimentId, k } = job.data;
    const time = <T>(phase: Parameters<typeof costs.time>[1], fn: () => Promise<T> | T) => costs.time(experimentId, phase, fn);
    // One round trip: the run's state and whether this batch already landed (a retried job, or one
    // re-enqueued by the reconciler in a race).
    const [exp] = await time("load", () =>
      ctx.prisma.$queryRawUnsafe<{ status: string; config: unknown; seed: number; islandCount: number; landed: boolean }[]>(
        `SELECT status, config, seed, "islandCount",
                EXISTS (SELECT 1 FROM "ProcessedBatch" WHERE "experimentId" = $1::uuid AND "batchId" = $2) AS landed
         FROM "Experiment" WHERE id = $1::uuid`,
        experimentId,
        batchKey(k),
      ),
    );
    if (!exp) return { skipped: "deleted" };
    // Paused or cancelled: drop the job; resume re-enqueues whatever is missing.
    if (exp.status !== "running") return { skipped: exp.status };
    const config = exp.config as unknown as ExperimentConfig;
    const plan = jobPlan(config);
    // Re-binning ("range": "auto") needs the Prisma transaction: do not take the row twice per commit.
    const direct = autoDimensions(config) ? undefined : ctx.directPool;
    if (k >= plan.totalJobs) return { skipped: "beyond budget" };

    if (exp.landed) return { skipped: "already processed" };

    // CMA runs: job k continues an emitter chain from the state its previous job committed.
    const chains = emitterChains(config);
    const chainJob = chains ? await chainJobOf(ctx.prisma, experimentId, config, chains, k) : null;
    if (chainJob && "skipped" in chainJob) return chainJob;

    // Islands: job k mutates (and commits to) island k mod the islands that exist now.
    const island = islandOfJob(k, exp.islandCount);
    const cache = caches.get(experimentId, config, island);
    await time("refresh", () => cache.refresh(ctx.prisma, ctx.directPool));
    // Proximity / density archives: the job ranks against this worker's copy of the search archive,
    // brought to the newest stored revision; it holds the copy until its commit.
    const search = isSearchArchiveConfig(config.archive) ? searchCaches.get(experimentId, config, exp.seed, cache.archive) : null;
    const release = search ? await search.lock() : null;
    try {
      if (search) await time("refresh", () => search.refresh(ctx.prisma));
      const batch = await time("generate", () => {
        // Stateless emitters' jobs hold only the rows to store already (workers/job-log.ts).
        if (!search && !chainJob) return generateBatch(cache, k, plan.sizeOf(k), exp.seed, batchKey(k));
        const generated = search
          ? generateSearchBatch(cache, k, plan.sizeOf(k), exp.seed, batchKey(k), chainJob?.state, search)
          : generateCmaBatch(cache, k, plan.sizeOf(k), exp.seed, batchKey(k), chainJob!);
        return keepSurvivors(generated, (cell) => cache.solutionIds[cell]);
      });
      if (island !== null) batch.island = island;
      const snapshotEvery = Math.max(config.batchSize, Math.ceil(config.budget.evaluations / SNAPSHOTS_PER_RUN));
      // Search archives: take what others committed during generation now, outside the commit's locks,
      // so the commit rarely has to replay the job while every other writer waits.
      if (search && batch.search) await time("refresh", () => rebaseSearch(ctx.prisma, experimentId, batch.search!));
      let result;
      try {
        result = await time("commit", () => commitBatch(ctx.prisma, batch, snapshotEvery, undefined, direct));
      } catch (error) {
        caches.drop(experimentId); // it holds local inserts that never landed
        throw error;
      }
      // The next refresh pulls what others committed and skips our own rows (the cache holds them). A duplicate
      // leaves local inserts that were never stored: rebuild the cache from the database.
      if (result.duplicate) {
        caches.drop(experimentId);
        search?.reset();
      } else {
        cache.committed(result.revision);
        if (search && result.searchRevision !== undefined) search.committed(result.searchRevision);
      }
      const c = costs.of(experimentId);
      c.jobs++;
      c.evaluations += batch.evaluations;
      c.rowsStored += batch.cells.length;
      c.ms.held += result.heldMs ?? 0;

      if (result.completed) {
        ctx.log(`experiment ${experimentId} completed at ${result.evaluations} evaluations`);
        caches.drop(experimentId);
        searchCaches.drop(experimentId);
        const line = costs.flush(experimentId);
        if (line) ctx.log(line);
      } else if (result.status === "running" && k + jobsInFlight(config) < plan.totalJobs) {
        // Steady state: each finished batch starts the one maxInFlight ahead of it (CMA: its emitter's next job).
        await time("queue", () => enqueueBatches(ctx.queues, experimentId, [k + jobsInFlight(config)]));
      }
      return { duplicate: result.duplicate, evaluations: result.evaluations, improved: result.improved.length };
    } catch (error) {
      search?.reset(); // it may hold inserts that never landed
      throw error;
    } finally {
      release?.();
    }
  };
  /** Shutdown: the cost lines of experiments this worker did not see complete. */
  return Object.assign(processBatch, { flushCosts: () => costs.flushAll() });
}
