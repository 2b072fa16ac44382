/** Programs evolved by the LLM operator for a shipped task, scored in the sandbox (lib/tasks). */
import { z } from "zod";
import { TASK_NAMES } from "@/lib/tasks/catalog";
import { domainKind } from "./types";

export const seedText = (label: string) => z.string({ error: `${label} must be a string` }).min(1, `${label} must not be empty`).max(256 * 1024, `${label} must be at most 256 KiB`);

export const llmCode = domainKind({
  type: "llm-code",
  label: "LLM code (task)",
  help: "The LLM writes programs for a shipped task (circle packing, bin packing), scored in the sandbox.",
  schema: z
    .object({
      type: z.literal("llm-code"),
      task: z.enum(TASK_NAMES, { error: `domain.task must be one of ${TASK_NAMES.map((t) => `"${t}"`).join(", ")}` }),
      /** Starting programs; default: the task's starter program. */
      seeds: z.array(seedText("each seed program"), { error: "domain.seeds must be an array of programs" }).min(1, "domain.seeds must not be empty").max(32, "at most 32 seeds").optional(),
      timeoutMs: z.number({ error: "domain.timeoutMs must be a number" }).int().min(100, "domain.timeoutMs must be at least 100").max(120_000, "domain.timeoutMs must be at most 120,000").default(5_000),
      memoryMb: z.number({ error: "domain.memoryMb must be a number" }).int().min(16, "domain.memoryMb must be at least 16").max(2048, "domain.memoryMb must be at most 2,048").default(128),
    })
    .strict(),
  fields: [],
  evaluation: "llm",
});
