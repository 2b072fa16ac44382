-- CreateEnum
CREATE TYPE "ExperimentStatus" AS ENUM ('draft', 'queued', 'running', 'paused', 'completed', 'cancelled', 'failed');

-- CreateEnum
CREATE TYPE "SolutionStatus" AS ENUM ('pending', 'evaluated', 'failed', 'invalid');

-- CreateTable
CREATE TABLE "Experiment" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "status" "ExperimentStatus" NOT NULL DEFAULT 'draft',
    "statusReason" TEXT,
    "config" JSONB NOT NULL,
    "domainType" TEXT NOT NULL,
    "archiveType" TEXT NOT NULL,
    "emitterType" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "batchSize" INTEGER NOT NULL,
    "budgetEvaluations" INTEGER NOT NULL,
    "budgetCostUsd" DOUBLE PRECISION,
    "cells" INTEGER NOT NULL,
    "evaluations" INTEGER NOT NULL DEFAULT 0,
    "failedEvaluations" INTEGER NOT NULL DEFAULT 0,
    "batchesDone" INTEGER NOT NULL DEFAULT 0,
    "numElites" INTEGER NOT NULL DEFAULT 0,
    "qdScore" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "qdOffset" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "sumFitness" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "maxFitness" DOUBLE PRECISION,
    "promptTokens" INTEGER NOT NULL DEFAULT 0,
    "completionTokens" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "archiveRevision" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Descriptor" (
    "experimentId" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "min" DOUBLE PRECISION NOT NULL,
    "max" DOUBLE PRECISION NOT NULL,
    "bins" INTEGER NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'domain',
    "metricKey" TEXT,
    "rubric" TEXT,

    CONSTRAINT "Descriptor_pkey" PRIMARY KEY ("experimentId","index")
);

-- CreateTable
CREATE TABLE "Solution" (
    "id" UUID NOT NULL,
    "experimentId" UUID NOT NULL,
    "status" "SolutionStatus" NOT NULL DEFAULT 'evaluated',
    "genomeKind" TEXT NOT NULL,
    "genomeVector" BYTEA,
    "genomeText" TEXT,
    "genomeJson" JSONB,
    "fitness" DOUBLE PRECISION,
    "descriptors" DOUBLE PRECISION[],
    "cell" INTEGER,
    "parentIds" UUID[],
    "operator" TEXT NOT NULL,
    "error" TEXT,
    "logs" TEXT,
    "metrics" JSONB,
    "evalMs" DOUBLE PRECISION,
    "model" TEXT,
    "promptTokens" INTEGER,
    "completionTokens" INTEGER,
    "costUsd" DOUBLE PRECISION,
    "eliteRevision" BIGINT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Solution_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Elite" (
    "experimentId" UUID NOT NULL,
    "cell" INTEGER NOT NULL,
    "solutionId" UUID NOT NULL,
    "fitness" DOUBLE PRECISION NOT NULL,
    "descriptors" DOUBLE PRECISION[],
    "genomeVector" BYTEA,
    "revision" BIGINT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Elite_pkey" PRIMARY KEY ("experimentId","cell")
);

-- CreateTable
CREATE TABLE "MetricSnapshot" (
    "experimentId" UUID NOT NULL,
    "evaluations" INTEGER NOT NULL,
    "coverage" DOUBLE PRECISION NOT NULL,
    "qdScore" DOUBLE PRECISION NOT NULL,
    "normQdScore" DOUBLE PRECISION NOT NULL,
    "maxFitness" DOUBLE PRECISION,
    "meanFitness" DOUBLE PRECISION,
    "numElites" INTEGER NOT NULL,
    "promptTokens" INTEGER NOT NULL DEFAULT 0,
    "completionTokens" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MetricSnapshot_pkey" PRIMARY KEY ("experimentId","evaluations")
);

-- CreateTable
CREATE TABLE "ProcessedBatch" (
    "experimentId" UUID NOT NULL,
    "batchId" TEXT NOT NULL,
    "evaluations" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedBatch_pkey" PRIMARY KEY ("experimentId","batchId")
);

-- CreateTable
CREATE TABLE "ExperimentEvent" (
    "id" BIGSERIAL NOT NULL,
    "experimentId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExperimentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkerHeartbeat" (
    "id" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "queues" TEXT[],
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkerHeartbeat_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Experiment_status_createdAt_idx" ON "Experiment"("status", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Experiment_createdAt_idx" ON "Experiment"("createdAt" DESC);

-- CreateIndex
CREATE INDEX "Solution_experimentId_createdAt_idx" ON "Solution"("experimentId", "createdAt");

-- CreateIndex
CREATE INDEX "Solution_experimentId_status_idx" ON "Solution"("experimentId", "status");

-- CreateIndex
CREATE INDEX "Elite_experimentId_revision_idx" ON "Elite"("experimentId", "revision");

-- CreateIndex
CREATE INDEX "ExperimentEvent_experimentId_id_idx" ON "ExperimentEvent"("experimentId", "id");

-- CreateIndex
CREATE INDEX "WorkerHeartbeat_lastSeenAt_idx" ON "WorkerHeartbeat"("lastSeenAt");

-- AddForeignKey
ALTER TABLE "Descriptor" ADD CONSTRAINT "Descriptor_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Solution" ADD CONSTRAINT "Solution_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Elite" ADD CONSTRAINT "Elite_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricSnapshot" ADD CONSTRAINT "MetricSnapshot_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProcessedBatch" ADD CONSTRAINT "ProcessedBatch_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ExperimentEvent" ADD CONSTRAINT "ExperimentEvent_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
