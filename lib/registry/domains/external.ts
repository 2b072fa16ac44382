/**
 * Vector genomes evaluated by the client over ask/tell (`POST /api/experiments/:id/ask | tell`).
 * No built-in measures: the experiment's descriptors are required.
 */
import { z } from "zod";
import { finiteNumber, positiveInt } from "../params";
import { domainKind } from "./types";

export const vectorBounds = z
  .tuple([finiteNumber("domain.bounds[0]"), finiteNumber("domain.bounds[1]")], { error: "domain.bounds must be [lo, hi]" })
  .refine((b) => b[1] > b[0], { message: "domain.bounds: hi must be greater than lo" });

export const external = domainKind({
  type: "external",
  label: "External evaluator (ask/tell)",
  help: "Your code asks for candidates and tells their fitness and descriptors over the REST API.",
  schema: z
    .object({
      type: z.literal("external"),
      dim: positiveInt("domain.dim", 10_000),
      bounds: vectorBounds,
      /** Subtracted from each elite's fitness in the QD score (pyribs qd_score_offset). */
      qdScoreOffset: finiteNumber("domain.qdScoreOffset").default(0),
    })
    .strict(),
  fields: [{ key: "dim", label: "Dimensions", control: "integer", help: "Genome length n." }],
  sizeKey: "dim",
  evaluation: "external",
});
