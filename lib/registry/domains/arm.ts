/** Planar arm repertoire: n joint angles, the end effector's position as descriptors. */
import { z } from "zod";
import { armDomain } from "@/lib/qd/domains/arm";
import { positiveInt } from "../params";
import { domainKind } from "./types";

export const arm = domainKind({
  type: "arm",
  label: "Planar arm repertoire",
  help: "n joints with links of length 1/n; fitness −std(angles), descriptors the end effector's x and y.",
  schema: z.object({ type: z.literal("arm"), joints: positiveInt("domain.joints", 10_000).default(12) }).strict(),
  fields: [{ key: "joints", label: "Joints", control: "integer", help: "Links have length 1/n." }],
  sizeKey: "joints",
  evaluation: "built-in",
  engine: (c) => armDomain(c.joints),
});
