-- Proximity / density archives of distributed runs: one row per experiment holding the search
-- archive's state, updated under this row's lock in each job's commit transaction.
CREATE TABLE IF NOT EXISTS "SearchArchive" (
    "experimentId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "state" BYTEA NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SearchArchive_pkey" PRIMARY KEY ("experimentId"),
    CONSTRAINT "SearchArchive_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- The state is float64 arrays that do not compress: store it out of line without trying (pglz on
-- megabytes of doubles costs more than it saves, on every commit).
ALTER TABLE "SearchArchive" ALTER COLUMN "state" SET STORAGE EXTERNAL;
