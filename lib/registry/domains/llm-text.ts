/** QDAIF-style text evolution: quality and descriptors judged by the model from the user's rubrics. */
import { z } from "zod";
import { seedText } from "./llm-code";
import { domainKind } from "./types";

export const llmText = domainKind({
  type: "llm-text",
  label: "LLM text",
  help: "The LLM writes variations of texts; a judge model scores quality and places each text on the descriptors' rubrics.",
  schema: z
    .object({
      type: z.literal("llm-text"),
      /** What to write, e.g. "A short poem about the sea". */
      description: z.string({ error: "domain.description is required: what should the texts be?" }).trim().min(1, "domain.description must not be empty").max(20_000),
      /** How the judge rates quality (default: how well the text fulfils the description). */
      qualityRubric: z.string().trim().min(1).max(2000, "domain.qualityRubric must be at most 2,000 characters").optional(),
      seeds: z.array(seedText("each seed text"), { error: "domain.seeds must be an array of texts" }).min(1, "domain.seeds must not be empty: give at least one starting text").max(32, "at most 32 seeds"),
      /** Judge with another model of the same provider (default: the emitter's model, temperature 0). */
      judgeModel: z.string().min(1).max(200).optional(),
    })
    .strict(),
  fields: [],
  evaluation: "llm",
});
