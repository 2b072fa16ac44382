-- CreateTable
CREATE TABLE "CellThreshold" (
    "experimentId" UUID NOT NULL,
    "cell" INTEGER NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "revision" BIGINT NOT NULL,

    CONSTRAINT "CellThreshold_pkey" PRIMARY KEY ("experimentId","cell")
);

-- CreateTable
CREATE TABLE "EmitterState" (
    "experimentId" UUID NOT NULL,
    "emitter" INTEGER NOT NULL,
    "generation" INTEGER NOT NULL,
    "state" JSONB NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmitterState_pkey" PRIMARY KEY ("experimentId","emitter")
);

-- CreateIndex
CREATE INDEX "CellThreshold_experimentId_revision_idx" ON "CellThreshold"("experimentId", "revision");

-- AddForeignKey
ALTER TABLE "CellThreshold" ADD CONSTRAINT "CellThreshold_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmitterState" ADD CONSTRAINT "EmitterState_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
