/**
 * Proximity archive (pyribs ProximityArchive): novelty search, and with local competition NSLC.
 * Keeps a point when its mean distance to the k nearest stored points reaches the novelty threshold.
 */
import { z } from "zod";
import { ProximityArchive } from "@/lib/qd/archive/proximity";
import { positive, positiveInt } from "../params";
import { archiveKind, widestRange } from "./types";

/** pyribs sphere.py's NSLC threshold (3.7) over its 512-wide measure box. */
export const NOVELTY_THRESHOLD_FRACTION = 0.037 * 100 / 512;

export const proximity = archiveKind({
  type: "proximity",
  label: "Proximity (novelty search)",
  help: "Novelty search: keeps points far from their k nearest neighbours; with local competition (NSLC) a close point replaces a worse neighbour. Metrics come from a grid of the descriptors.",
  schema: z
    .object({
      type: z.literal("proximity"),
      kNeighbors: positiveInt("archive.kNeighbors", 1000).default(15),
      /** Default: 0.72% of the widest descriptor range (pyribs sphere NSLC: 3.7 over 512). */
      noveltyThreshold: positive("archive.noveltyThreshold").optional(),
      localCompetition: z.boolean({ error: "archive.localCompetition must be true or false" }).default(false),
      initialCapacity: positiveInt("archive.initialCapacity", 10_000_000).optional(),
    })
    .strict(),
  fields: [
    { key: "kNeighbors", label: "Neighbours (k)", control: "integer", help: "Novelty is the mean distance to this many nearest stored points." },
    { key: "noveltyThreshold", label: "Novelty threshold", control: "number", optional: true, help: "A point this novel is kept (default: 0.72% of the widest descriptor range)." },
    { key: "localCompetition", label: "Local competition (NSLC)", control: "boolean", help: "A point that is not novel enough replaces its nearest neighbour when it is better." },
  ],
  distributed: "search",
  rankers: ["nov", "nslc"],
  check: (a, c) => {
    const issues: { path: (string | number)[]; message: string }[] = [];
    if (c.emitter.ranker === "nslc" && !a.localCompetition) issues.push({ path: ["emitter", "ranker"], message: 'ranker "nslc" ranks by local competition: set archive.localCompetition to true (or use ranker "nov")' });
    if (c.emitter.ranker === "density") issues.push({ path: ["emitter", "ranker"], message: 'ranker "density" needs a density archive; a proximity archive reports novelty (rankers "nov", "nslc")' });
    return issues;
  },
  createSearch: (a, ctx) =>
    new ProximityArchive({
      solutionDim: ctx.domain.dim,
      measureDim: ctx.descriptors.length,
      kNeighbors: a.kNeighbors,
      noveltyThreshold: a.noveltyThreshold ?? NOVELTY_THRESHOLD_FRACTION * widestRange(ctx.descriptors),
      localCompetition: a.localCompetition,
      initialCapacity: a.initialCapacity,
      ranges: ctx.descriptors.map((d) => [d.min, d.max]),
    }),
});
