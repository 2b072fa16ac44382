/** The LLM rewrites programs or texts (llm-code, llm-text, program, or text genomes of a user evaluator). */
import { z } from "zod";
import { DedupeConfig, operatorShape, providerSchema } from "@/lib/llm/schemas";
import { parentSelectionShape } from "@/lib/llm/parent-selection";
import { promptEvolutionShape } from "@/lib/llm/prompt-evolution";
import { emitterKind } from "./types";

export const llm = emitterKind({
  type: "llm",
  label: "LLM operator",
  help: "A language model rewrites elites (its own form section: model, prompts, parent selection, duplicate rejection).",
  // The API key stays in the worker's environment (`apiKeyEnv`).
  schema: providerSchema({
    ...operatorShape,
    ...parentSelectionShape,
    ...promptEvolutionShape,
    type: z.literal("llm"),
    /** Duplicate rejection before evaluation; absent = exact + MinHash at the default threshold. */
    dedupe: DedupeConfig.optional(),
  }),
  fields: [],
  distributed: "staged",
});
