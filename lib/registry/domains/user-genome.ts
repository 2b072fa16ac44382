/**
 * The genome fields every user-evaluated domain (command, webhook, javascript) adds to its
 * evaluator's config: a vector (dim, bounds), or the starting population of JSON or text genomes.
 */
import { z } from "zod";
import { finiteNumber, positiveInt } from "../params";
import { vectorBounds } from "./external";

export const userGenome = {
  /** Vector genomes (Gaussian / Iso+LineDD emitters): length and box. */
  dim: positiveInt("domain.dim", 10_000).optional(),
  bounds: vectorBounds.optional(),
  qdScoreOffset: finiteNumber("domain.qdScoreOffset").default(0),
  /** JSON genomes (javascript-mutation emitter) or programs/texts (llm emitter): the starting population. */
  seeds: z.array(z.unknown(), { error: "domain.seeds must be an array" }).min(1, "domain.seeds must not be empty").max(100, "at most 100 seeds").optional(),
  /** What the LLM is asked to improve (llm emitter): the problem, the contract of the program or text. */
  description: z.string().max(20_000, "domain.description must be at most 20,000 characters").optional(),
};
