/** The user's own mutation of JSON genomes, `function mutate(parent, rng)`, run in the sandbox. */
import { z } from "zod";
import { JavaScriptMutationConfig } from "@/lib/evaluators/schemas";
import { emitterKind } from "./types";

export const javascriptMutation = emitterKind({
  type: "javascript-mutation",
  label: "JavaScript mutation",
  help: "Your `mutate(parent, rng)` function varies JSON genomes, sandboxed (its own form section).",
  schema: JavaScriptMutationConfig.extend({ type: z.literal("javascript-mutation") }),
  fields: [],
  distributed: "staged",
});
