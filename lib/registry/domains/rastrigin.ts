/** Linear-projection Rastrigin (pyribs / icaros-usc cma_mae), n-D. */
import { z } from "zod";
import { rastriginDomain } from "@/lib/qd/domains/linear-projection";
import { positiveInt } from "../params";
import { domainKind } from "./types";

export const rastrigin = domainKind({
  type: "rastrigin",
  label: "Rastrigin (linear projection)",
  help: "pyribs' linear-projection Rastrigin: a multimodal objective over the sphere's measures.",
  schema: z.object({ type: z.literal("rastrigin"), dim: positiveInt("domain.dim", 10_000).default(100) }).strict(),
  fields: [{ key: "dim", label: "Dimensions", control: "integer", help: "Genome length n." }],
  sizeKey: "dim",
  evaluation: "built-in",
  engine: (c) => rastriginDomain(c.dim),
});
