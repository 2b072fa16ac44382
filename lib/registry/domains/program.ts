/** The user's program in any language, evolved by the LLM and scored by the user's evaluator (OpenEvolve-style). */
import { ProgramDomainConfig } from "@/lib/evaluators/program-schema";
import { domainKind } from "./types";

export const program = domainKind({
  type: "program",
  label: "Your program (LLM, any language)",
  help: "The LLM edits your program; your evaluator (a command, evaluate(program_path) or a cascade) scores it with feedback.",
  schema: ProgramDomainConfig,
  fields: [],
  evaluation: "llm",
});
