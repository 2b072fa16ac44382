-- How an LLM child's parents were chosen (parent-selection policy per parent, crossover).
ALTER TABLE "Solution" ADD COLUMN "selection" JSONB;
