-- Evolving prompts (emitter.prompts.evolve): the system-message variants of an LLM run, each with the
-- record of the children it produced (the prompt bandit's arms), and on every solution the variant that wrote it.
CREATE TABLE "PromptVariant" (
    "experimentId" UUID NOT NULL,
    "variant" INTEGER NOT NULL,
    "parentVariant" INTEGER,
    "text" TEXT NOT NULL,
    "jobKey" TEXT,
    "pulls" INTEGER NOT NULL DEFAULT 0,
    "gain" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "improvements" INTEGER NOT NULL DEFAULT 0,
    "model" TEXT,
    "promptTokens" INTEGER NOT NULL DEFAULT 0,
    "completionTokens" INTEGER NOT NULL DEFAULT 0,
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "metaPrompt" TEXT,
    "reply" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PromptVariant_pkey" PRIMARY KEY ("experimentId","variant")
);

CREATE UNIQUE INDEX "PromptVariant_experimentId_jobKey_key" ON "PromptVariant"("experimentId", "jobKey");

ALTER TABLE "PromptVariant" ADD CONSTRAINT "PromptVariant_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Solution" ADD COLUMN "promptVariant" INTEGER;
