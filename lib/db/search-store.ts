import type { PrismaClient } from "@/lib/generated/prisma/client";

/**
 * Search archives of distributed runs (proximity, density): their state is one SearchArchive row
 * per experiment. A job reads it, runs its steps against that view (for ranking), and its commit
 * moves the stored state inside the batch's transaction, under this row's lock (taken here,
 * explicitly, whatever the shared commit does with the experiment row):
 *  - nobody committed since the job read it (same revision): the job's own final state is the
 *    state after its inserts, stored as is;
 *  - otherwise the job's inserts are replayed, step by step, on the state as stored now.
 * So no worker's update is ever lost, and the batch ledger (checked before this runs) keeps a
 * retried job from applying its inserts twice.
 */
export interface SearchCommit {
  kind: string;
  /** Revision of the state the job started from (0: none stored yet). */
  baseRevision: number;
  /** The job's state after its inserts. */
  state: Uint8Array;
  /** The job's inserts applied to another state (the stored one, or an empty archive when `stored` is null). */
  replay(stored: Uint8Array | null): Uint8Array;
}

export interface StoredSearchState {
  kind: string;
  revision: number;
  state: Uint8Array;
}

export async function loadSearchState(prisma: PrismaClient, experimentId: string): Promise<StoredSearchState | null> {
  // As base64 text: about twice as fast as a bytea column through the driver for megabyte states (measured).
  const [row] = await prisma.$queryRawUnsafe<{ kind: string; revision: number; state: string }[]>(
    `SELECT kind, revision, encode(state, 'base64') AS state FROM "SearchArchive" WHERE "experimentId" = $1::uuid`,
    experimentId,
  );
  return row ? { kind: row.kind, revision: row.revision, state: Buffer.from(row.state, "base64") } : null;
}

/** Inside the batch's transaction, after the ledger said the batch is new. Returns the new revision. */
export async function commitSearchState(tx: PrismaClient, experimentId: string, c: SearchCommit): Promise<number> {
  // The first job of a run creates the row; FOR UPDATE then serialises every writer on it.
  await tx.$executeRawUnsafe(
    `INSERT INTO "SearchArchive" ("experimentId", kind, revision, state) VALUES ($1::uuid, $2, 0, ''::bytea) ON CONFLICT DO NOTHING`,
    experimentId,
    c.kind,
  );
  const [cur] = await tx.$queryRawUnsafe<{ revision: number }[]>(`SELECT revision FROM "SearchArchive" WHERE "experimentId" = $1::uuid FOR UPDATE`, experimentId);
  let state = c.state;
  if (cur!.revision !== c.baseRevision) {
    state = c.replay(cur!.revision === 0 ? null : (await loadSearchState(tx, experimentId))!.state);
  }
  await tx.$executeRawUnsafe(
    `UPDATE "SearchArchive" SET state = $2, revision = revision + 1, "updatedAt" = now() WHERE "experimentId" = $1::uuid`,
    experimentId,
    state,
  );
  return cur!.revision + 1;
}
