-- LLM ensembles: the model bandit's record per experiment and model, and its curves.
CREATE TABLE "ModelArm" (
    "experimentId" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "pulls" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "gain" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "improvements" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelArm_pkey" PRIMARY KEY ("experimentId","model")
);

CREATE TABLE "ModelArmSnapshot" (
    "experimentId" UUID NOT NULL,
    "evaluations" INTEGER NOT NULL,
    "model" TEXT NOT NULL,
    "pulls" INTEGER NOT NULL,
    "costUsd" DOUBLE PRECISION NOT NULL,
    "gain" DOUBLE PRECISION NOT NULL,
    "improvements" INTEGER NOT NULL,

    CONSTRAINT "ModelArmSnapshot_pkey" PRIMARY KEY ("experimentId","evaluations","model")
);

ALTER TABLE "ModelArm" ADD CONSTRAINT "ModelArm_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "ModelArmSnapshot" ADD CONSTRAINT "ModelArmSnapshot_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;
