import { makeArchive, getDomain, type ArchiveBase, type Domain } from "@/lib/qd";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type pg from "pg";
import { elitesSince } from "@/lib/db/archive-store";
import { islandElitesSince } from "@/lib/db/island-store";
import { thresholdsSince } from "@/lib/db/emitter-store";
import type { ThresholdStore } from "@/lib/qd";
import { decodeVector } from "@/lib/db/vector-codec";
import { chainLearning } from "@/lib/experiments/cma";
import { autoDimensions, currentBounds } from "@/lib/db/auto-range-store";
import { effectiveDescriptors, hasBuiltInMeasures, vectorSpace, type DomainConfig, type ExperimentSpec } from "@/lib/experiments/config";

/**
 * A worker's local copy of one experiment's archive, for parent selection.
 * Refreshed incrementally (`revision > lastSeen`), never reloaded per job.
 * PostgreSQL stays the truth: elites only ever improve, so a stale cache can
 * only under-estimate a cell, and filtering candidates against it is safe.
 */
export class ArchiveCache {
  /** The built-in benchmark, when the experiment has one (workers evaluate it in place). */
  readonly domain: Domain | null;
  readonly space: ReturnType<typeof vectorSpace>;
  /** Rebuilt when "range": "auto" bounds grew (the archive was re-binned in PostgreSQL). */
  archive: ArchiveBase;
  /** Solution id of each cell's elite, as far as this worker knows. */
  solutionIds: (string | undefined)[];
  /** CMA-MAE / CMA-MAEGA: each cell's threshold as last stored in PostgreSQL (NaN: never beaten), moved locally during a job. */
  readonly thresholds: Float64Array | null;
  private revision = -1n;
  private thresholdRevision = -1n;
  /** The last write this worker committed from this cache: its rows are here already. */
  private ownRevision = -1n;
  lastUsed = Date.now();

  constructor(readonly experimentId: string, readonly config: ExperimentSpec, readonly island: number | null = null) {
    this.domain = hasBuiltInMeasures(config.domain) ? getDomain(config.domain as DomainConfig) : null;
    this.space = vectorSpace(config);
    const archiveSpec = config.archive.type === "cvt" ? { type: "cvt" as const, cells: config.archive.cells, samples: config.archive.samples } : { type: "grid" as const };
    // CVT centroids come from the experiment seed, so every worker builds the same cells.
    // Programs, texts and JSON stay in PostgreSQL (read by id when needed): the archive keeps a 1-wide placeholder.
    this.archive = makeArchive(archiveSpec, effectiveDescriptors(config), Math.max(1, this.space.dim), { qdScoreOffset: this.space.qdScoreOffset, seed: config.seed });
    this.solutionIds = new Array(this.archive.cells);
    this.thresholds = chainLearning(config) ? new Float64Array(this.archive.cells).fill(NaN) : null;
  }

  /** "range": "auto": when the stored bounds moved, start over with an empty archive of the new grid and reload every elite. */
  private async followBounds(prisma: PrismaClient) {
    const b = await currentBounds(prisma, this.experimentId);
    const a = this.archive;
    if (b.lower.every((lo, k) => lo === a.lowerBounds[k] && b.upper[k] === a.upperBounds[k])) return;
    const rows = effectiveDescriptors(this.config).map((d, k) => ({ ...d, min: b.lower[k]!, max: b.upper[k]! }));
    this.archive = makeArchive({ type: "grid" }, rows, Math.max(1, this.space.dim), { qdScoreOffset: this.space.qdScoreOffset, seed: this.config.seed });
    this.solutionIds = new Array(this.archive.cells);
    this.revision = -1n;
  }

  /** The thresholds as the rule in lib/experiments/cma.ts reads and moves them. */
  get thresholdStore(): ThresholdStore {
    const t = this.thresholds;
    if (!t) throw new Error("this experiment has no thresholds (CMA-MAE only)");
    return { get: (c) => (t[c] !== t[c] ? undefined : t[c]), set: (c, v) => void (t[c] = v) };
  }

  /**
   * Notes a write this worker just committed from this cache: the next refresh skips its rows instead
   * of a refresh right after the commit (one query per job instead of two).
   */
  committed(revision: bigint) {
    if (revision > this.ownRevision) this.ownRevision = revision;
  }

  /**
   * Pulls elites committed since the last refresh. `ownRevision`: a write this
   * worker committed from this cache, whose rows it already holds. `direct`: read through the
   * worker's node-postgres pool (lib/db/direct-pool.ts) instead of Prisma.
   */
  async refresh(prisma: PrismaClient, direct?: pg.Pool, ownRevision = this.ownRevision): Promise<void> {
    this.lastUsed = Date.now();
    if (autoDimensions(this.config)) await this.followBounds(prisma);
    const rows =
      this.island === null
        ? await elitesSince(prisma, this.experimentId, this.revision, ownRevision, direct)
        : await islandElitesSince(prisma, this.experimentId, this.island, this.revision, ownRevision);
    // Revisions commit in order, so everything up to our own write is now visible too.
    if (ownRevision > this.revision) this.revision = ownRevision;
    const a = this.archive;
    for (const r of rows) {
      // Equal fitness: the row is the committed copy of our own local insert; adopt its id.
      if (a.occupied[r.cell] !== 1 || r.fitness >= a.objective[r.cell]) {
        a.import([{ cell: r.cell, objective: r.fitness, measures: r.descriptors, solution: r.genomeVector ? (decodeVector(r.genomeVector) as unknown as number[]) : PLACEHOLDER }]);
        this.solutionIds[r.cell] = r.solutionId;
      }
      if (r.revision > this.revision) this.revision = r.revision;
    }
    if (this.thresholds) {
      // Own writes included: the commit rewrote every threshold this worker moved locally.
      for (const r of await thresholdsSince(prisma, this.experimentId, this.thresholdRevision)) {
        this.thresholds[r.cell] = r.threshold;
        if (r.revision > this.thresholdRevision) this.thresholdRevision = r.revision;
      }
    }
  }
}

const PLACEHOLDER = [0];


/** Caches of the experiments this worker has touched recently. */
export class ArchiveCacheStore {
  private readonly caches = new Map<string, ArchiveCache>();

  constructor(private readonly idleMs = 10 * 60_000) {}

  /** `island`: the island's archive (experiments with islands), else the experiment's. */
  get(experimentId: string, config: ExperimentSpec, island: number | null = null): ArchiveCache {
    this.evictIdle();
    const key = island === null ? experimentId : `${experimentId}#${island}`;
    let cache = this.caches.get(key);
    if (!cache) this.caches.set(key, (cache = new ArchiveCache(experimentId, config, island)));
    return cache;
  }

  /** Drops the experiment's caches (every island's). */
  drop(experimentId: string) {
    for (const [key, c] of this.caches) if (c.experimentId === experimentId) this.caches.delete(key);
  }

  private evictIdle() {
    const cutoff = Date.now() - this.idleMs;
    for (const [id, c] of this.caches) if (c.lastUsed < cutoff) this.caches.delete(id);
  }
}
