/** Grid archive (pyribs GridArchive): the product of the descriptors' bins, one elite per cell. */
import { z } from "zod";
import { archiveKind } from "./types";

export const grid = archiveKind({
  type: "grid",
  label: "Grid",
  help: "One cell per combination of descriptor bins; each keeps its best solution (MAP-Elites).",
  schema: z.object({ type: z.literal("grid") }).strict(),
  fields: [],
  distributed: "cells",
});
