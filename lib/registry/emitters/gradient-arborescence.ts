/**
 * Gradient arborescence (pyribs GradientArborescenceEmitter): CMA-MEGA, and CMA-MAEGA with an archive
 * learning rate. Like CMA-ME it runs as `count` emitter chains in experiments: each step evaluates the
 * chain's solution point θ with its gradients (1 evaluation), then `batchSize` branches from it; the
 * CMA-ES over the coefficients, θ's optimizer and the restart counters live in PostgreSQL between jobs.
 */
import { z } from "zod";
import { GradientArborescenceEmitter } from "@/lib/qd/emitters/gradient-arborescence";
import { GRADIENT_OPTS } from "@/lib/qd/emitters/gradient-optimizers";
import { finiteNumber, positive } from "../params";
import { cmaFields, cmaRanker, cmaRestart, cmaSelection, cmaShape } from "./cma-shared";
import { emitterKind } from "./types";

export const gradientArborescence = emitterKind({
  type: "gradient-arborescence",
  label: "Gradient arborescence (CMA-MEGA / CMA-MAEGA)",
  help: "CMA-ES over the coefficients of the objective's and measures' gradients (CMA-MEGA; with an archive learning rate, CMA-MAEGA). Each step evaluates 1 + batch size per emitter; sphere only.",
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
      /** CMA-MAEGA: archive learning rate α of per-cell thresholds (absent: elitist CMA-MEGA). */
      learningRate: z.number({ error: "emitter.learningRate must be a number" }).finite("emitter.learningRate must be finite").gt(0, "emitter.learningRate must be > 0").max(1, "emitter.learningRate must be <= 1").optional(),
      /** CMA-MAEGA: initial threshold of every cell; default the domain's lowest objective. */
      thresholdMin: finiteNumber("emitter.thresholdMin").optional(),
    })
    .strict(),
  fields: [
    { key: "sigma0", label: "Initial coefficient σ₀", control: "number", help: "CMA-ES step size over the gradient coefficients (pyribs sphere: 10)." },
    cmaFields.find((f) => f.key === "count")!,
    { key: "lr", label: "θ learning rate", control: "number", help: "Step size of the solution point's optimizer (pyribs: 1)." },
    {
      key: "gradOpt",
      label: "θ optimizer",
      control: "select",
      help: "How the solution point moves towards the best branches.",
      options: GRADIENT_OPTS.map((o) => ({ value: o, label: o })),
    },
    cmaFields.find((f) => f.key === "ranker")!,
    cmaFields.find((f) => f.key === "selectionRule")!,
    {
      key: "restartRule",
      label: "Restart rule",
      control: "select",
      help: "When θ jumps to a random elite and CMA-ES restarts: no_improvement (CMA-MEGA) or basic, on CMA-ES' own stop criteria (CMA-MAEGA). An iteration count can be set in JSON.",
      options: [
        { value: "no_improvement", label: "no_improvement" },
        { value: "basic", label: "basic" },
      ],
    },
    { key: "normalizeGrad", label: "Normalize gradients", control: "boolean", help: "Unit-length gradients before branching (pyribs: yes)." },
    { key: "learningRate", label: "Archive learning rate (α, CMA-MAEGA)", control: "number", optional: true, help: "Blank: CMA-MEGA (elitist). pyribs CMA-MAEGA: 0.01 with ranker imp, restart basic." },
    { key: "thresholdMin", label: "Threshold min (CMA-MAEGA)", control: "number", optional: true, help: "Initial threshold of every cell (default: the domain's lowest objective)." },
  ],
  distributed: "chains",
  builtInDomainsOnly: true,
  needsGradients: true,
  chains: (c) => c.count,
  stepEvaluations: (_c, batchSize) => batchSize + 1,
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
