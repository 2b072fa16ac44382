/** A command in any language, run by the workers without a shell: candidate JSON in, result JSON out. */
import { CommandEvaluatorConfig } from "@/lib/evaluators/schemas";
import { domainKind } from "./types";
import { userGenome } from "./user-genome";

export const command = domainKind({
  type: "command",
  label: "Command (any language)",
  help: 'Reads {"id", "genome"} on stdin, prints {"fitness", "descriptors"?, "metrics"?}; batch mode takes a whole batch.',
  schema: CommandEvaluatorConfig.extend(userGenome),
  fields: [],
  evaluation: "user",
});
