/**
 * Shipped LLM code-evolution tasks (`llm-code` domain): what the program must do, the seed
 * program, the prompt text, and an evaluator that scores a program (a string genome) in the sandbox.
 */
import type { Evaluator } from "../evaluators/types";
import type { DescriptorInfo, PromptTask } from "../llm/prompts";
import type { SandboxHost } from "../sandbox/index";

export interface CodeTaskEvaluatorOptions {
  /** Sandbox host (default: the shared one). */
  host?: SandboxHost;
  /** Per-program wall-time limit. */
  timeoutMs?: number;
  /** Isolate heap limit. */
  memoryMb?: number;
  /** Programs evaluated at once (each in its own isolate). Default 2. */
  concurrency?: number;
}

export interface CodeTask<O extends CodeTaskEvaluatorOptions = CodeTaskEvaluatorOptions> {
  /** Registry name, e.g. "circle-packing" (the API's `domain.task`). */
  name: string;
  title: string;
  language: "javascript";
  /** The function the program must define. */
  entry: string;
  /** Task description for prompts (contract, scoring, limits). */
  description: string;
  /** What fitness means (for prompts and the UI). */
  objective: string;
  /** A valid starting program. */
  seed: string;
  /** Keys of the evaluator's `metrics`, usable as descriptors. */
  metrics: Array<{ name: string; description: string; range?: [number, number] }>;
  /** Best known / published fitness, for the UI. */
  reference?: { fitness: number; source: string };
  /** Evaluator for `{ id, genome: <program source> }` candidates. */
  createEvaluator(opts?: O): Evaluator;
  /** The task as the prompt builder needs it, with the experiment's descriptors. */
  promptTask(descriptors?: DescriptorInfo[]): PromptTask;
}

export function genomeToCode(genome: unknown): { ok: true; code: string } | { ok: false; reason: string } {
  if (typeof genome !== "string") return { ok: false, reason: `genome must be program source (a string), got ${genome === null ? "null" : typeof genome}` };
  if (!genome.trim()) return { ok: false, reason: "empty program" };
  if (genome.length > 1024 * 1024) return { ok: false, reason: `program too long (${genome.length} characters)` };
  return { ok: true, code: genome };
}
