-- Ask/tell storage: one row per asked batch instead of one pending Solution row per candidate.
CREATE TABLE "AskBatch" (
    "id" UUID NOT NULL,
    "experimentId" UUID NOT NULL,
    "count" INTEGER NOT NULL,
    "dim" INTEGER NOT NULL,
    "genomes" BYTEA NOT NULL,
    "parents" BYTEA NOT NULL,
    "parentsPer" INTEGER NOT NULL,
    "operator" TEXT NOT NULL,
    "seed" BIGINT,
    "outcomes" BYTEA NOT NULL,
    "cells" BYTEA NOT NULL,
    "fitness" BYTEA NOT NULL,
    "told" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "AskBatch_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "AskBatch_experimentId_expiresAt_idx" ON "AskBatch"("experimentId", "expiresAt");
ALTER TABLE "AskBatch" ADD CONSTRAINT "AskBatch_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- Random float64 genomes do not compress: store them uncompressed, so tell's substring() reads
-- only the TOAST chunks of the candidates it keeps, and ask spends no CPU on pglz.
ALTER TABLE "AskBatch" ALTER COLUMN "genomes" SET STORAGE EXTERNAL;
ALTER TABLE "AskBatch" ALTER COLUMN "parents" SET STORAGE EXTERNAL;
ALTER TABLE "AskBatch" ALTER COLUMN "fitness" SET STORAGE EXTERNAL;
ALTER TABLE "AskBatch" ALTER COLUMN "cells" SET STORAGE EXTERNAL;
