/** A JavaScript evaluate(genome), run in the workers' sandbox. */
import { JavaScriptEvaluatorConfig } from "@/lib/evaluators/schemas";
import { domainKind } from "./types";
import { userGenome } from "./user-genome";

export const javascript = domainKind({
  type: "javascript",
  label: "JavaScript function",
  help: "Your evaluate(genome) runs in a sandbox with no network, files or process.",
  schema: JavaScriptEvaluatorConfig.extend(userGenome),
  fields: [],
  evaluation: "user",
});
