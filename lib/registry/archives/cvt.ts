/** CVT archive (pyribs CVTArchive): k centroids from k-means over the descriptor box, seeded by the experiment. */
import { z } from "zod";
import { positiveInt } from "../params";
import { archiveKind } from "./types";

export const cvt = archiveKind({
  type: "cvt",
  label: "CVT",
  help: "Cells are the Voronoi regions of k centroids spread over the descriptor box (k-means, from the run's seed).",
  schema: z
    .object({
      type: z.literal("cvt"),
      cells: positiveInt("archive.cells", 100_000),
      samples: positiveInt("archive.samples", 1_000_000).optional(),
    })
    .strict(),
  fields: [
    { key: "cells", label: "CVT cells", control: "integer", help: "Number of centroids (cells)." },
    { key: "samples", label: "k-means samples", control: "integer", optional: true, help: "Uniform points k-means clusters into the cells (default 100,000, as pyribs)." },
  ],
  distributed: "cells",
});
