/** Iso+LineDD (Vassiliades & Mouret; pyribs IsoLineEmitter): x_a + σ_iso·N(0, I) + σ_line·N(0, 1)·(x_b − x_a). */
import { z } from "zod";
import { IsoLineEmitter } from "@/lib/qd/emitters/mutation";
import { nonNegative } from "../params";
import { emitterKind } from "./types";

export const isoLine = emitterKind({
  type: "iso-line",
  label: "Iso+LineDD",
  help: "Each child moves a random elite isotropically and along the line to a second random elite (line MAP-Elites).",
  schema: z
    .object({
      type: z.literal("iso-line"),
      isoSigma: nonNegative("emitter.isoSigma").default(0.01),
      lineSigma: nonNegative("emitter.lineSigma").default(0.2),
    })
    .strict(),
  fields: [
    { key: "isoSigma", label: "Iso sigma (σ_iso)", control: "number", help: "Isotropic noise per gene." },
    { key: "lineSigma", label: "Line sigma (σ_line)", control: "number", help: "Spread along the line between the two parents." },
  ],
  distributed: "jobs",
  create: (c, ctx) => new IsoLineEmitter(ctx.archive, { x0: ctx.x0, bounds: ctx.bounds, batchSize: ctx.batchSize, rng: ctx.rng, isoSigma: c.isoSigma, lineSigma: c.lineSigma }),
});
