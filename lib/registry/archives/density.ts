/**
 * Density archive (pyribs DensityArchive; Density Descent Search): a reservoir of measures and a
 * kernel density estimate over it; emitters descend the density. Stores no solutions: the grid of
 * the descriptors keeps them and gives the metrics.
 */
import { z } from "zod";
import { DensityArchive } from "@/lib/qd/archive/density";
import { positive, positiveInt } from "../params";
import { archiveKind, widestRange } from "./types";

/** pyribs sphere.py's DDS bandwidth (25.6) over its 512-wide measure box. */
export const BANDWIDTH_FRACTION = 25.6 / 512;

export const density = archiveKind({
  type: "density",
  label: "Density (density descent)",
  help: "Density Descent Search: a kernel density estimate over a uniform sample of all measures seen; emitters move to sparse regions. Metrics come from a grid of the descriptors.",
  schema: z
    .object({
      type: z.literal("density"),
      method: z.enum(["kde", "kde_sklearn"], { error: 'archive.method must be "kde" or "kde_sklearn"' }).default("kde"),
      /** Default: 5% of the widest descriptor range (pyribs sphere DDS: 25.6 over 512). */
      bandwidth: positive("archive.bandwidth").optional(),
      bufferSize: positiveInt("archive.bufferSize", 1_000_000).default(10_000),
    })
    .strict(),
  fields: [
    {
      key: "method",
      label: "Estimator",
      control: "select",
      help: "kde: pyribs' Gaussian KDE; kde_sklearn: scikit-learn's log density.",
      options: [
        { value: "kde", label: "kde" },
        { value: "kde_sklearn", label: "kde_sklearn" },
      ],
    },
    { key: "bandwidth", label: "Bandwidth (h)", control: "number", optional: true, help: "Kernel width in descriptor units (default: 5% of the widest descriptor range)." },
    { key: "bufferSize", label: "Buffer size", control: "integer", help: "Measures kept by reservoir sampling for the estimate." },
  ],
  distributed: "search",
  rankers: ["density"],
  check: (_a, c) =>
    c.emitter.ranker === "nov" || c.emitter.ranker === "nslc"
      ? [{ path: ["emitter", "ranker"], message: `ranker "${c.emitter.ranker}" needs a proximity archive; a density archive reports density (ranker "density")` }]
      : [],
  createSearch: (a, ctx) =>
    new DensityArchive({
      solutionDim: ctx.domain.dim,
      measureDim: ctx.descriptors.length,
      bandwidth: a.bandwidth ?? BANDWIDTH_FRACTION * widestRange(ctx.descriptors),
      bufferSize: a.bufferSize,
      method: a.method,
      rng: ctx.rng,
    }),
});
