import type { PrismaClient } from "@/lib/generated/prisma/client";

/**
 * Search archives of distributed runs (proximity, density, ...): a SearchArchive row per experiment
 * (its revision, and a snapshot of the whole state at `snapshotRevision`) and, for kinds whose change
 * is small, one SearchArchiveDelta row per commit after the snapshot. Workers keep the archive in
 * memory and apply the deltas newer than theirs before each job (workers/search-cache.ts).
 *
 * A job's commit moves the search archive inside the batch's transaction, under the SearchArchive
 * row's lock (taken here, explicitly, whatever the shared commit does with the experiment row):
 *  - nobody committed since the job's base revision: its delta (or state) is stored as is;
 *  - otherwise its steps are replayed on the newest revision (`replay`), and that is stored.
 * So no worker's update is ever lost, and the batch ledger (checked before this runs) keeps a retried
 * job from applying its inserts twice. Kinds without deltas ("full state") store their whole state
 * every commit: snapshotRevision = revision, no delta rows.
 *
 * Compaction: once the deltas since the snapshot weigh as much as the snapshot (or number
 * MAX_DELTAS), the committing job also writes the whole state as the new snapshot, so a worker that
 * starts (or lost its cache) loads at most about twice the state. Deltas up to the previous snapshot
 * are deleted then; those since it stay, so a worker a few commits behind still catches up by deltas.
 */
export interface SearchCommit {
  kind: string;
  /** Revision of the state the job started from (0: none stored yet). */
  baseRevision: number;
  /** Delta kinds: what the job changed from its base revision. */
  delta?: Uint8Array;
  /** Full-state kinds: the job's state after its inserts. */
  state?: Uint8Array;
  /**
   * The job rebased on the newest stored revision: delta kinds get the deltas after the base (in
   * order) and return the job's delta from the newest; full-state kinds get the stored state (null:
   * none yet) and return the state after the job's steps.
   */
  replay(newer: { deltas: Uint8Array[] } | { state: Uint8Array | null }): Uint8Array;
  /** Delta kinds: the whole state after this commit (called when a snapshot is due). */
  snapshot?(): Uint8Array;
}

/** A snapshot plus the deltas after it is loaded by at most this many rows. */
export const MAX_DELTAS = 200;

export interface SearchChanges {
  kind: string;
  /** The newest revision; the changes below bring a reader there. */
  revision: number;
  /** Set when the reader must start over from the snapshot (its deltas were compacted away, or it had none). */
  snapshot: { revision: number; state: Uint8Array } | null;
  /** Deltas after the snapshot's revision (or after the reader's), in order. */
  deltas: Uint8Array[];
}

/**
 * What a reader at revision `since` needs to reach the newest revision, in one statement (one
 * consistent view): the deltas after `since`, or the snapshot and the deltas after it when those
 * are gone (or the kind has none). Null: nothing stored yet.
 */
export async function loadSearchChanges(prisma: PrismaClient, experimentId: string, since: number): Promise<SearchChanges | null> {
  // As base64 text: about twice as fast as a bytea column through the driver for megabyte states (measured).
  const [row] = await prisma.$queryRawUnsafe<{ kind: string; revision: number; snap: number; state: string | null; deltas: string[] }[]>(
    `WITH s AS (
       SELECT kind, revision, "snapshotRevision" AS snap, state,
              ($2 < "snapshotRevision" AND NOT EXISTS (SELECT 1 FROM "SearchArchiveDelta" d WHERE d."experimentId" = $1::uuid AND d.revision = $2 + 1)) AS reload
       FROM "SearchArchive" WHERE "experimentId" = $1::uuid)
     SELECT kind, revision, snap, CASE WHEN reload THEN encode(state, 'base64') END AS state,
            ARRAY(SELECT encode(d.delta, 'base64') FROM "SearchArchiveDelta" d
                  WHERE d."experimentId" = $1::uuid AND d.revision > (CASE WHEN reload THEN snap ELSE $2 END) AND d.revision <= s.revision
                  ORDER BY d.revision) AS deltas
     FROM s`,
    experimentId,
    since,
  );
  if (!row) return null;
  const snapshot = row.state === null ? null : { revision: row.snap, state: Buffer.from(row.state, "base64") };
  const deltas = row.deltas.map((d) => Buffer.from(d, "base64"));
  const from = snapshot ? snapshot.revision : since;
  if (from + deltas.length !== row.revision && row.revision > since) {
    throw new Error(`search archive of experiment ${experimentId}: deltas ${from + 1}..${row.revision} are incomplete (${deltas.length} found)`);
  }
  return { kind: row.kind, revision: row.revision, snapshot, deltas };
}

/** Inside the batch's transaction, after the ledger said the batch is new. Returns the new revision. */
export async function commitSearchState(tx: PrismaClient, experimentId: string, c: SearchCommit): Promise<number> {
  // The first job of a run creates the row; FOR UPDATE then serialises every writer on it.
  await tx.$executeRawUnsafe(
    `INSERT INTO "SearchArchive" ("experimentId", kind, revision, state) VALUES ($1::uuid, $2, 0, ''::bytea) ON CONFLICT DO NOTHING`,
    experimentId,
    c.kind,
  );
  const [cur] = await tx.$queryRawUnsafe<{ revision: number; snap: number; deltaBytes: number; stateBytes: number }[]>(
    `SELECT revision, "snapshotRevision" AS snap, "deltaBytes"::float8 AS "deltaBytes", octet_length(state) AS "stateBytes"
     FROM "SearchArchive" WHERE "experimentId" = $1::uuid FOR UPDATE`,
    experimentId,
  );
  const revision = cur!.revision + 1;
  const newer = cur!.revision !== c.baseRevision;

  if (!c.delta) {
    // Full state: the job's state, or its steps replayed on the stored one.
    let state = c.state!;
    if (newer) state = c.replay({ state: cur!.revision === 0 ? null : await loadSnapshot(tx, experimentId) });
    await writeSnapshot(tx, experimentId, revision, state, null);
    return revision;
  }

  let delta = c.delta;
  if (newer) {
    const rows = await tx.$queryRawUnsafe<{ d: string }[]>(
      `SELECT encode(delta, 'base64') AS d FROM "SearchArchiveDelta" WHERE "experimentId" = $1::uuid AND revision > $2 AND revision <= $3 ORDER BY revision`,
      experimentId,
      c.baseRevision,
      cur!.revision,
    );
    // Only a job based before the previous snapshot finds its deltas gone: it fails and is retried (its worker reloads).
    if (rows.length !== cur!.revision - c.baseRevision) {
      throw new Error(`search archive of experiment ${experimentId}: the deltas after revision ${c.baseRevision} were compacted; the job is retried on the newest state`);
    }
    delta = c.replay({ deltas: rows.map((r) => Buffer.from(r.d, "base64")) });
  }
  await tx.$executeRawUnsafe(`INSERT INTO "SearchArchiveDelta" ("experimentId", revision, delta) VALUES ($1::uuid, $2, $3)`, experimentId, revision, delta);
  const deltaBytes = cur!.deltaBytes + delta.length;
  if (deltaBytes >= cur!.stateBytes || revision - cur!.snap >= MAX_DELTAS) {
    await writeSnapshot(tx, experimentId, revision, c.snapshot!(), `DELETE FROM "SearchArchiveDelta" WHERE "experimentId" = $1::uuid AND revision <= ${cur!.snap}`, delta.length);
  } else {
    await tx.$executeRawUnsafe(
      `UPDATE "SearchArchive" SET revision = $2, "deltaBytes" = "deltaBytes" + $3, "bytesWritten" = "bytesWritten" + $3, "updatedAt" = now() WHERE "experimentId" = $1::uuid`,
      experimentId,
      revision,
      delta.length,
    );
  }
  return revision;
}

/** The stored snapshot's bytes (the whole state for full-state kinds). */
async function loadSnapshot(tx: PrismaClient, experimentId: string): Promise<Uint8Array> {
  const [row] = await tx.$queryRawUnsafe<{ state: string }[]>(`SELECT encode(state, 'base64') AS state FROM "SearchArchive" WHERE "experimentId" = $1::uuid`, experimentId);
  return Buffer.from(row!.state, "base64");
}

/** The whole state as the snapshot at `revision`, then `prune` (a statement on $1, the experiment), if any. */
async function writeSnapshot(tx: PrismaClient, experimentId: string, revision: number, state: Uint8Array, prune: string | null, alsoWritten = 0): Promise<void> {
  await tx.$executeRawUnsafe(
    `UPDATE "SearchArchive" SET state = $2, revision = $3, "snapshotRevision" = $3, "deltaBytes" = 0, "bytesWritten" = "bytesWritten" + $4, "updatedAt" = now()
     WHERE "experimentId" = $1::uuid`,
    experimentId,
    state,
    revision,
    state.length + alsoWritten,
  );
  if (prune) await tx.$executeRawUnsafe(prune, experimentId);
}
