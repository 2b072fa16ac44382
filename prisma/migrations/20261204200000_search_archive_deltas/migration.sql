-- Search archives as a snapshot plus append-only deltas: a commit appends what its job changed
-- (points added or replaced, reservoir slots) instead of rewriting the whole state, and the
-- SearchArchive row's state becomes a periodic snapshot (at "snapshotRevision").
ALTER TABLE "SearchArchive" ADD COLUMN IF NOT EXISTS "snapshotRevision" INTEGER NOT NULL DEFAULT 0;
-- Bytes of the deltas written since the snapshot (compaction compares them with the snapshot's size).
ALTER TABLE "SearchArchive" ADD COLUMN IF NOT EXISTS "deltaBytes" BIGINT NOT NULL DEFAULT 0;
-- Every byte a commit wrote to the search archive, deltas and snapshots (benches report it per commit).
ALTER TABLE "SearchArchive" ADD COLUMN IF NOT EXISTS "bytesWritten" BIGINT NOT NULL DEFAULT 0;
-- Existing rows hold their whole state: that is a snapshot at their revision.
UPDATE "SearchArchive" SET "snapshotRevision" = revision;

CREATE TABLE IF NOT EXISTS "SearchArchiveDelta" (
    "experimentId" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "delta" BYTEA NOT NULL,
    CONSTRAINT "SearchArchiveDelta_pkey" PRIMARY KEY ("experimentId", "revision"),
    CONSTRAINT "SearchArchiveDelta_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- Float64 arrays: compressing them costs more than it saves.
ALTER TABLE "SearchArchiveDelta" ALTER COLUMN "delta" SET STORAGE EXTERNAL;
