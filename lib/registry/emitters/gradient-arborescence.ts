/**
 * Gradient arborescence (pyribs GradientArborescenceEmitter): CMA-MEGA, and CMA-MAEGA with an archive
 * learning rate. The engine runs it (`qd-studio run --emitter gradient-arborescence`); experiments
 * reject it until the workers run its gradient phase inside CMA-style emitter chains.
 */
import { z } from "zod";
import { GradientArborescenceEmitter } from "@/lib/qd/emitters/gradient-arborescence";
import { GRADIENT_OPTS } from "@/lib/qd/emitters/gradient-optimizers";
import { positive } from "../params";
import { cmaRanker, cmaRestart, cmaSelection, cmaShape } from "./cma-shared";
import { emitterKind } from "./types";

export const gradientArborescence = emitterKind({
  type: "gradient-arborescence",
  label: "Gradient arborescence (CMA-MEGA)",
  help: "CMA-ES over gradient coefficients (CMA-MEGA); in-process engine only for now.",
  schema: z
    .object({
      type: z.literal("gradient-arborescence"),
      ...cmaShape,
      sigma0: positive("emitter.sigma0").default(10),
      lr: positive("emitter.lr").default(1),
      gradOpt: z.enum(GRADIENT_OPTS, { error: `emitter.gradOpt must be one of ${GRADIENT_OPTS.map((o) => `"${o}"`).join(", ")}` }).default("gradient_ascent"),
      ranker: cmaRanker.default("2imp"),
      selectionRule: cmaSelection.default("mu"),
      restartRule: cmaRestart.default("no_improvement"),
      normalizeGrad: z.boolean({ error: "emitter.normalizeGrad must be true or false" }).default(true),
    })
    .strict(),
  fields: [],
  distributed: "in-process",
  inProcessReason:
    'emitter "gradient-arborescence" (CMA-MEGA) runs in the engine only for now (`qd-studio run --emitter gradient-arborescence`): distributed runs do not yet keep its CMA-ES and gradient-optimizer state per emitter chain. Use "gradient-operator" (OG-MAP-Elites / OMG-MEGA) in an experiment',
  builtInDomainsOnly: true,
  needsGradients: true,
  chains: (c) => c.count,
  create: (c, ctx) =>
    new GradientArborescenceEmitter(ctx.archive, {
      x0: ctx.x0,
      bounds: ctx.bounds,
      batchSize: ctx.batchSize,
      rng: ctx.rng,
      sigma0: c.sigma0,
      lr: c.lr,
      gradOpt: c.gradOpt,
      ranker: c.ranker,
      selectionRule: c.selectionRule,
      restartRule: c.restartRule,
      normalizeGrad: c.normalizeGrad,
    }),
});
