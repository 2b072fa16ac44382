-- AlterEnum
ALTER TYPE "SolutionStatus" ADD VALUE 'duplicate';

-- AlterTable
ALTER TABLE "Experiment" ADD COLUMN "duplicates" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Solution" ADD COLUMN "duplicateOf" UUID, ADD COLUMN "similarity" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "DedupeEntry" (
    "seq" BIGSERIAL NOT NULL,
    "experimentId" UUID NOT NULL,
    "solutionId" UUID NOT NULL,
    "hash" BIGINT NOT NULL,
    "literals" BIGINT NOT NULL DEFAULT 0,
    "bag" BIGINT NOT NULL DEFAULT 0,
    "signature" BYTEA,
    "embedding" BYTEA,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DedupeEntry_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "DedupeBand" (
    "experimentId" UUID NOT NULL,
    "key" BIGINT NOT NULL,
    "solutionId" UUID NOT NULL,

    CONSTRAINT "DedupeBand_pkey" PRIMARY KEY ("experimentId","key","solutionId")
);

-- CreateIndex
CREATE UNIQUE INDEX "DedupeEntry_experimentId_solutionId_key" ON "DedupeEntry"("experimentId", "solutionId");
CREATE INDEX "DedupeEntry_experimentId_hash_idx" ON "DedupeEntry"("experimentId", "hash");
CREATE INDEX "DedupeEntry_experimentId_seq_idx" ON "DedupeEntry"("experimentId", "seq");

-- AddForeignKey
ALTER TABLE "DedupeEntry" ADD CONSTRAINT "DedupeEntry_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "DedupeBand" ADD CONSTRAINT "DedupeBand_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
