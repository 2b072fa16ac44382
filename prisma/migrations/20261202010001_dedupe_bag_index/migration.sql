-- Near-duplicate candidates are found by the line-bag hash (one index probe), not by LSH bands.
DROP TABLE "DedupeBand";

-- CreateIndex
CREATE INDEX "DedupeEntry_experimentId_bag_idx" ON "DedupeEntry"("experimentId", "bag");
