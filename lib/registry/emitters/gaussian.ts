/** Gaussian mutation (pyribs GaussianEmitter): a uniformly chosen elite plus σ·N(0, I). */
import { z } from "zod";
import { GaussianEmitter } from "@/lib/qd/emitters/mutation";
import { nonNegative } from "../params";
import { emitterKind } from "./types";

export const gaussian = emitterKind({
  type: "gaussian",
  label: "Gaussian mutation",
  help: "Each child is a random elite plus Gaussian noise of standard deviation σ (MAP-Elites).",
  schema: z.object({ type: z.literal("gaussian"), sigma: nonNegative("emitter.sigma").default(0.5) }).strict(),
  fields: [{ key: "sigma", label: "Sigma (σ)", control: "number", help: "Standard deviation of the noise added to each gene." }],
  distributed: "jobs",
  create: (c, ctx) => new GaussianEmitter(ctx.archive, { x0: ctx.x0, bounds: ctx.bounds, batchSize: ctx.batchSize, rng: ctx.rng, sigma: c.sigma }),
});
