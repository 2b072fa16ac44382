/**
 * Gradient operator (pyribs GradientOperatorEmitter): OG-MAP-Elites (step along the objective's
 * gradient) and OMG-MEGA (random combination of objective and measure gradients). Each step has a
 * gradient phase (batchSize perturbed elites, evaluated with their Jacobians) and a main phase
 * (batchSize gradient steps): 2 × batchSize evaluations. No state between steps but its RNG, so a
 * distributed job is a fresh emitter seeded for the job, like Gaussian. Needs analytic gradients.
 */
import { z } from "zod";
import { GradientOperatorEmitter } from "@/lib/qd/emitters/gradient-operator";
import { nonNegative } from "../params";
import { emitterKind } from "./types";

const bool = (label: string) => z.boolean({ error: `${label} must be true or false` });

export const gradientOperator = emitterKind({
  type: "gradient-operator",
  label: "Gradient operator (OG-MAP-Elites / OMG-MEGA)",
  help: "Steps elites along analytic gradients (sphere): the objective's (OG-MAP-Elites), or objective and measures' (OMG-MEGA). Each step evaluates 2 × batch size.",
  schema: z
    .object({
      type: z.literal("gradient-operator"),
      sigma: nonNegative("emitter.sigma").default(0.5),
      sigmaG: nonNegative("emitter.sigmaG").default(0.5),
      measureGradients: bool("emitter.measureGradients").default(false),
      normalizeGrad: bool("emitter.normalizeGrad").default(false),
      operator: z.enum(["isotropic", "iso-line"], { error: 'emitter.operator must be "isotropic" or "iso-line"' }).default("isotropic"),
      lineSigma: nonNegative("emitter.lineSigma").default(0),
    })
    .strict(),
  fields: [
    { key: "sigma", label: "Sigma (σ)", control: "number", help: "Perturbation of the gradient phase's parents (OMG-MEGA on sphere: 0)." },
    { key: "sigmaG", label: "Gradient step (σ_g)", control: "number", help: "OG: step size; OMG: σ of the gradient coefficients (pyribs sphere: 0.5 / 10)." },
    { key: "measureGradients", label: "Measure gradients (OMG-MEGA)", control: "boolean", help: "Also step along the measures' gradients." },
    { key: "normalizeGrad", label: "Normalize gradients", control: "boolean", help: "Unit-length gradients (OMG-MEGA: yes)." },
  ],
  distributed: "jobs",
  builtInDomainsOnly: true,
  needsGradients: true,
  create: (c, ctx) =>
    new GradientOperatorEmitter(ctx.archive, {
      x0: ctx.x0,
      bounds: ctx.bounds,
      batchSize: ctx.batchSize,
      rng: ctx.rng,
      sigma: c.sigma,
      sigmaG: c.sigmaG,
      measureGradients: c.measureGradients,
      normalizeGrad: c.normalizeGrad,
      operator: c.operator,
      lineSigma: c.lineSigma,
    }),
});
