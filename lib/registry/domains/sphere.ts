/** Linear-projection sphere (pyribs / icaros-usc cma_mae), n-D. */
import { z } from "zod";
import { sphereDomain } from "@/lib/qd/domains/linear-projection";
import { positiveInt } from "../params";
import { domainKind } from "./types";

export const sphere = domainKind({
  type: "sphere",
  label: "Sphere (linear projection)",
  help: "pyribs' linear-projection sphere: measures are the sums of each half of the genome.",
  schema: z.object({ type: z.literal("sphere"), dim: positiveInt("domain.dim", 10_000).default(100) }).strict(),
  fields: [{ key: "dim", label: "Dimensions", control: "integer", help: "Genome length n." }],
  sizeKey: "dim",
  evaluation: "built-in",
  engine: (c) => sphereDomain(c.dim),
});
