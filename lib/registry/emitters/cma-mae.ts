/** CMA-MAE: CMA-ME ranking by improvement over per-cell thresholds that rise with learning rate α. */
import { z } from "zod";
import { EvolutionStrategyEmitter } from "@/lib/qd/emitters/evolution-strategy";
import { finiteNumber } from "../params";
import { cmaFields, cmaRanker, cmaRestart, cmaSelection, cmaShape } from "./cma-shared";
import { emitterKind } from "./types";

export const cmaMae = emitterKind({
  type: "cma-mae",
  label: "CMA-MAE",
  help: "CMA-ME with soft archive acceptance (thresholds annealed by the archive learning rate α; built-in domains).",
  schema: z
    .object({
      type: z.literal("cma-mae"),
      ...cmaShape,
      ranker: cmaRanker.default("imp"),
      selectionRule: cmaSelection.default("mu"),
      restartRule: cmaRestart.default("basic"),
      /** Archive learning rate α of the thresholds (1: CMA-ME-like elitist acceptance). */
      learningRate: z.number({ error: "emitter.learningRate must be a number" }).finite("emitter.learningRate must be finite").gt(0, "emitter.learningRate must be > 0").max(1, "emitter.learningRate must be <= 1").default(0.01),
      /** Initial threshold of every cell; default: the domain's lowest objective (pyribs threshold_min: 0 for sphere and rastrigin, -π for arm). */
      thresholdMin: finiteNumber("emitter.thresholdMin").optional(),
    })
    .strict(),
  fields: [
    ...cmaFields,
    { key: "learningRate", label: "Archive learning rate (α)", control: "number", help: "1 behaves like CMA-ME; pyribs uses 0.01." },
    { key: "thresholdMin", label: "Threshold min", control: "number", optional: true, help: "Initial threshold of every cell (default: the domain's lowest objective)." },
  ],
  distributed: "chains",
  builtInDomainsOnly: true,
  chains: (c) => c.count,
  create: (c, ctx) =>
    new EvolutionStrategyEmitter(ctx.archive, { x0: ctx.x0, bounds: ctx.bounds, batchSize: ctx.batchSize, rng: ctx.rng, sigma0: c.sigma0, ranker: c.ranker, selectionRule: c.selectionRule, restartRule: c.restartRule }),
});
