-- Islands: per-island archives next to the union archive ("Elite"), and the counters that make
-- migration rounds and island spawns happen exactly once (moved under the experiment's row lock).
ALTER TABLE "Experiment" ADD COLUMN "islandCount" INTEGER NOT NULL DEFAULT 0,
                         ADD COLUMN "migrations" INTEGER NOT NULL DEFAULT 0,
                         ADD COLUMN "migrantsAccepted" INTEGER NOT NULL DEFAULT 0,
                         ADD COLUMN "lastImprovementAt" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "IslandElite" (
    "experimentId" UUID NOT NULL,
    "island" INTEGER NOT NULL,
    "cell" INTEGER NOT NULL,
    "solutionId" UUID NOT NULL,
    "fitness" DOUBLE PRECISION NOT NULL,
    "descriptors" DOUBLE PRECISION[],
    "revision" BIGINT NOT NULL,

    CONSTRAINT "IslandElite_pkey" PRIMARY KEY ("experimentId","island","cell")
);

-- CreateIndex
CREATE INDEX "IslandElite_experimentId_island_revision_idx" ON "IslandElite"("experimentId", "island", "revision");

-- AddForeignKey
ALTER TABLE "IslandElite" ADD CONSTRAINT "IslandElite_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
