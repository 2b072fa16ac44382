-- Experiments with islands: the island whose job made the candidate (null for seeds, which go to every
-- island, and for runs without islands), so the budget can be split per island.
ALTER TABLE "Solution" ADD COLUMN IF NOT EXISTS "island" INTEGER;
