/**
 * Evolving prompts (ShinkaEvolve's system-prompt evolution, issue 16 item 6): the system message of
 * an LLM run lives in an archive of its own. Variant 0 is the task's own system message; now and then
 * a job asks the model to rewrite the most promising variant, showing it that variant's text and what
 * its children did (the meta-prompt). Each call's system message is chosen by UCB on the variants'
 * children's archive gain (the same bandit as model ensembles, without costs).
 */
import { z } from "zod";
import { Rng } from "../qd/rng";
import { armValues, chooseArms, type ArmStats } from "./bandit";

export const PromptEvolutionConfig = z
  .strictObject(
    {
      evolve: z.boolean({ error: "prompts.evolve must be true or false" }),
      /** Share of jobs that first ask the model for a new variant (one extra call each). */
      mutationRate: z.number({ error: "prompts.mutationRate must be a number" }).min(0, "prompts.mutationRate must be in [0, 1]").max(1, "prompts.mutationRate must be in [0, 1]").default(0.25),
      /** The archive of variants stops growing at this size (variant 0 included). */
      maxVariants: z.number({ error: "prompts.maxVariants must be a number" }).int().min(2, "prompts.maxVariants must be at least 2").max(64, "prompts.maxVariants must be at most 64").default(8),
      /** A variant is rewritten only after this many of its children were committed (its outcomes are known). */
      minChildren: z.number({ error: "prompts.minChildren must be a number" }).int().min(1, "prompts.minChildren must be at least 1").max(1000).default(4),
      /** UCB's exploration constant. */
      exploration: z.number().min(0).max(10).default(0.5),
    },
    { error: (iss) => (iss.code === "unrecognized_keys" ? `prompts: unknown field(s) ${(iss.keys as string[]).join(", ")} (allowed: evolve, mutationRate, maxVariants, minChildren, exploration)` : undefined) },
  );
export type PromptEvolutionConfig = z.infer<typeof PromptEvolutionConfig>;
export type PromptEvolutionConfigInput = z.input<typeof PromptEvolutionConfig>;

/** Spread into the llm emitter's schema. */
export const promptEvolutionShape = { prompts: PromptEvolutionConfig.optional() };

/** A variant's record, as stored. */
export interface VariantStats {
  variant: number;
  parentVariant: number | null;
  text: string;
  pulls: number;
  gain: number;
  improvements: number;
}

/** What one child of a variant did, shown to the model in the meta-prompt. */
export interface ChildOutcome {
  status: string;
  fitness: number | null;
  /** It created or improved a cell. */
  elite: boolean;
  error?: string | null;
}

const toArm = (v: VariantStats): ArmStats => ({ model: String(v.variant), pulls: v.pulls, costUsd: 0, gain: v.gain, improvements: v.improvements });

/** The variants of the next `count` calls: UCB over the children's archive gain (untried variants first). */
export function chooseVariants(variants: VariantStats[], count: number, rng: Rng, exploration = 0.5): number[] {
  if (count === 0 || variants.length === 0) return [];
  return chooseArms(variants.map(toArm), count, rng, { policy: "ucb", exploration }).map(Number);
}

/** The variant to rewrite: the best mean gain per child among those with at least `minChildren` children. */
export function variantToMutate(variants: VariantStats[], minChildren: number): VariantStats | null {
  const ready = variants.filter((v) => v.pulls >= minChildren);
  if (!ready.length) return null;
  const values = armValues(ready.map(toArm));
  let best = 0;
  values.forEach((v, i) => v > values[best]! && (best = i));
  return ready[best]!;
}

const META_SYSTEM = "You improve the instructions (system messages) given to a language model that takes part in an evolutionary search. Answer only with the new system message, in a ```text fenced block.";

/** The meta-prompt: the variant's text, its record, and a few of its children's outcomes. */
export function buildMetaPrompt(input: { variant: VariantStats; task: string; objective?: string; outcomes: ChildOutcome[] }): { system: string; user: string } {
  const v = input.variant;
  const lines = input.outcomes.map((o, i) => {
    const what = o.status === "evaluated" ? `fitness ${o.fitness === null ? "?" : Number(o.fitness.toPrecision(6))}${o.elite ? ", entered the archive (new or better elite)" : ", did not beat its cell's elite"}` : `${o.status}${o.error ? `: ${o.error.slice(0, 200).replace(/\s+/g, " ")}` : ""}`;
    return `${i + 1}. ${what}`;
  });
  const user = [
    "# Task the model works on",
    input.task.trim(),
    input.objective ? `\nObjective: ${input.objective}` : "",
    "",
    `# Current system message (variant ${v.variant})`,
    "```text",
    v.text.trim(),
    "```",
    "",
    "# What the model wrote with it",
    `${v.pulls} children, ${v.improvements} of them improved the archive (mean archive gain per child ${v.pulls ? Number((v.gain / v.pulls).toPrecision(4)) : 0}).`,
    ...(lines.length ? ["Recent children:", ...lines] : []),
    "",
    "# Your job",
    "Write an improved system message that will make the model's children score higher and more often enter the archive.",
    "Keep what works, fix what the failures show, keep the required answer format. At most 2,000 characters.",
  ]
    .filter((l) => l !== "")
    .join("\n");
  return { system: META_SYSTEM, user };
}

export const MAX_VARIANT_CHARS = 4000;

/** The new system message from the model's reply: the first fenced block, else the whole reply. */
export function parseVariantReply(reply: string): { ok: true; text: string } | { ok: false; reason: string } {
  const fenced = /```[^\n]*\n([\s\S]*?)```/.exec(reply);
  const text = (fenced ? fenced[1]! : reply).trim();
  if (!text) return { ok: false, reason: "the reply holds no system message" };
  if (text.length > MAX_VARIANT_CHARS) return { ok: false, reason: `the new system message is longer than ${MAX_VARIANT_CHARS} characters` };
  return { ok: true, text };
}
