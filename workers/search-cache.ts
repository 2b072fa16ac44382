import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { ArchiveBase } from "@/lib/qd";
import { loadSearchChanges, type SearchCommit } from "@/lib/db/search-store";
import type { ExperimentSpec } from "@/lib/experiments/config";
import { applySearchChanges, newSearchArchive } from "@/lib/experiments/search-state";
import type { StatefulSearchArchive } from "@/lib/registry/archives";
import type { SearchView } from "./search-batch";

/**
 * A worker's copy of one run's search archive (proximity, density), at `revision`. Before a job it
 * applies only what other workers committed since (their deltas; a snapshot when those were
 * compacted away); the job inserts into it and its commit leaves it at the revision it stored.
 * One job at a time holds it (lock): between its inserts and its commit the archive holds changes
 * that are not stored yet.
 */
export class SearchArchiveCache implements SearchView {
  archive: StatefulSearchArchive;
  revision = 0;
  lastUsed = Date.now();
  private tail: Promise<void> = Promise.resolve();

  /** `result`: the worker's result grid of the run, which a discount archive anchors at. */
  constructor(readonly experimentId: string, readonly config: ExperimentSpec, readonly seed: number, readonly result?: ArchiveBase) {
    this.archive = this.fresh();
  }

  fresh(): StatefulSearchArchive {
    return newSearchArchive(this.config, this.seed, this.result);
  }

  /** Waits for the jobs before this one to finish with the archive; call the returned function when done. */
  async lock(): Promise<() => void> {
    let release!: () => void;
    const before = this.tail;
    this.tail = new Promise<void>((r) => (release = r));
    await before;
    return release;
  }

  /** Applies the changes committed since `revision`. */
  async refresh(prisma: PrismaClient): Promise<void> {
    this.lastUsed = Date.now();
    let changes = await loadSearchChanges(prisma, this.experimentId, this.revision);
    // Behind us (the stored archive was deleted or reset): start over from what is stored.
    if (this.revision > 0 && (!changes || changes.revision < this.revision)) {
      this.reset();
      changes = await loadSearchChanges(prisma, this.experimentId, 0);
    }
    if (!changes || changes.revision === this.revision) return;
    applySearchChanges(this.archive, changes);
    this.revision = changes.revision;
  }

  /** After a commit that stored `revision` from this archive. */
  committed(revision: number): void {
    this.revision = revision;
  }

  /** Forgets everything (a job's inserts that never landed): the next refresh loads the snapshot and deltas. */
  reset(): void {
    this.archive = this.fresh();
    this.revision = 0;
  }
}

/** Search-archive caches of the runs this worker has touched recently. */
export class SearchCacheStore {
  private readonly caches = new Map<string, SearchArchiveCache>();

  constructor(private readonly idleMs = 10 * 60_000) {}

  get(experimentId: string, config: ExperimentSpec, seed: number, result: ArchiveBase): SearchArchiveCache {
    const cutoff = Date.now() - this.idleMs;
    for (const [id, c] of this.caches) if (c.lastUsed < cutoff) this.caches.delete(id);
    let cache = this.caches.get(experimentId);
    // A result grid rebuilt since: start over on it from what is stored (rare; a discount archive holds the grid).
    if (!cache || cache.result !== result) this.caches.set(experimentId, (cache = new SearchArchiveCache(experimentId, config, seed, result)));
    return cache;
  }

  drop(experimentId: string): void {
    this.caches.delete(experimentId);
  }
}

/**
 * A delta job whose base is no longer the newest revision, replayed on the newest before its commit
 * (the commit replays again only if another commit lands in between). Full-state jobs and jobs
 * whose deltas were compacted away are left to the commit.
 */
export async function rebaseSearch(prisma: PrismaClient, experimentId: string, c: SearchCommit): Promise<void> {
  if (!c.delta) return;
  const changes = await loadSearchChanges(prisma, experimentId, c.baseRevision);
  if (!changes || changes.revision <= c.baseRevision || changes.snapshot) return;
  c.delta = c.replay({ deltas: changes.deltas });
  c.baseRevision = changes.revision;
}
