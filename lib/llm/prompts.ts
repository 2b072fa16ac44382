/**
 * Prompt building for LLM mutation (programs and texts).
 *
 * A prompt has a system message (role, output format) and a user message with, in order:
 *   1. the task description (and the descriptors the archive sorts solutions by),
 *   2. the parent (its program/text, fitness, descriptor values and metrics),
 *   3. up to `maxInspirations` inspirations from other cells (same fields),
 *   4. the target niche: the descriptor values of an empty or weak cell the child should move
 *      toward (with the rubric of each LLM-judged descriptor),
 *   5. the instructions for the mode: `full` (answer with the whole new program/text in one fenced
 *      block) or `diff` (answer with SEARCH/REPLACE blocks against the parent).
 *
 * Crossover (`mate`): the parent section shows two parents from different cells, A and B, and asks
 * for one child that combines their strengths and lands in the target niche; diffs apply to A.
 *
 * Pure functions: the same input gives the same prompt, so prompts can be stored per candidate.
 */
import { languageInfo } from "../evaluators/program-languages";
import type { ChatMessage } from "./client";
import { evolveBlocksInstruction } from "./evolve-blocks";
import { renderFeedback, type PromptFeedback } from "./feedback";

export type MutationMode = "full" | "diff";

export interface DescriptorInfo {
  name: string;
  min?: number;
  max?: number;
  /** Natural-language meaning, e.g. "tone: 0 = melancholic … 1 = joyful". */
  rubric?: string;
}

export interface PromptTask {
  kind: "code" | "text";
  /** What the program/text is for and how it is scored. */
  description: string;
  /** code: the function the program must define (e.g. "pack"). */
  entry?: string;
  /** code: the program's language (default "javascript"). */
  language?: string;
  /**
   * code: programs run in QD Studio's JavaScript sandbox (the shipped llm-code tasks; default for
   * JavaScript). false: the user's evaluator runs them (the program domain).
   */
  sandboxed?: boolean;
  /** Replaces the default system message. */
  systemMessage?: string;
  /** Replaces the user message: {{task}}, {{descriptors}}, {{parent}}, {{feedback}}, {{inspirations}}, {{niche}}, {{format}}, {{language}}. */
  template?: string;
  /** The program has EVOLVE-BLOCK markers: only the marked regions may change. */
  evolveBlocks?: boolean;
  /** The archive's behaviour descriptors, in order. */
  descriptors?: DescriptorInfo[];
  /** What fitness means, e.g. "sum of radii (higher is better)". */
  objective?: string;
}

export interface PromptSolution {
  genome: string;
  fitness?: number | null;
  /** Values in the order of task.descriptors, or by name. */
  descriptors?: number[] | Record<string, number> | null;
  /** Numbers, or text (an evaluator's message, e.g. "error": "Missing run_search function"). */
  metrics?: Record<string, number | string> | null;
}

export interface TargetNiche {
  /** Descriptor values of the cell to move toward (cell centre), in task.descriptors order or by name. */
  descriptors: number[] | Record<string, number>;
  /** Fitness of the cell's current elite; null/undefined = empty cell. */
  fitness?: number | null;
}

export interface MutationPromptInput {
  task: PromptTask;
  parent: PromptSolution;
  /** Crossover: the second parent (another cell's elite); the child combines both. */
  mate?: PromptSolution | null;
  inspirations?: PromptSolution[];
  targetNiche?: TargetNiche | null;
  mode: MutationMode;
  /** Default 3. */
  maxInspirations?: number;
  /** Genomes longer than this are cut in inspirations (the parent is always shown whole). Default 8000. */
  maxInspirationChars?: number;
  /** Show the inspirations' code (default true; false: only their scores). */
  inspirationCode?: boolean;
  /** What the evaluator said about the parent and its failed children. */
  feedback?: PromptFeedback | null;
}

export interface BuiltPrompt {
  system: string;
  user: string;
  messages: ChatMessage[];
}

export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined) return "n/a";
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(6)));
}

function descriptorPairs(task: PromptTask, d: number[] | Record<string, number> | null | undefined): Array<[string, number]> {
  if (!d) return [];
  if (Array.isArray(d)) return d.map((v, i) => [task.descriptors?.[i]?.name ?? `d${i}`, v]);
  return Object.entries(d);
}

function describeSolution(task: PromptTask, s: PromptSolution): string {
  const lines = [`Fitness: ${fmt(s.fitness)}`];
  const d = descriptorPairs(task, s.descriptors);
  if (d.length) lines.push(`Descriptors: ${d.map(([k, v]) => `${k} = ${fmt(v)}`).join(", ")}`);
  const m = Object.entries(s.metrics ?? {});
  if (m.length) lines.push(`Metrics: ${m.map(([k, v]) => `${k} = ${typeof v === "string" ? JSON.stringify(v.length > 300 ? v.slice(0, 300) + "…" : v) : fmt(v)}`).join(", ")}`);
  return lines.join("\n");
}

function fenceTag(task: PromptTask): string {
  return task.kind === "code" ? languageInfo(task.language ?? "javascript").id : "text";
}

function fence(task: PromptTask, body: string): string {
  const lang = fenceTag(task);
  const ticks = body.includes("```") ? "````" : "```";
  return `${ticks}${lang}\n${body.replace(/\n$/, "")}\n${ticks}`;
}

function cut(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max) + `\n… (${s.length - max} more characters omitted)`;
}

/** "(higher is better)" unless the objective already says which way is better. */
export function objectiveLine(objective: string): string {
  return /\b(higher|lower|larger|smaller) is better\b/i.test(objective) ? `Fitness: ${objective}.`.replace(/\.\.$/, ".") : `Fitness: ${objective} (higher is better).`;
}

/** The task's system message (its own, or the default for its kind): variant 0 of evolving prompts. */
export function systemMessage(task: PromptTask): string {
  if (task.systemMessage?.trim()) return task.systemMessage.trim();
  if (task.kind !== "code") return "You are a skilled writer taking part in an evolutionary search (MAP-Elites). You rewrite texts so that they score well and land in a requested niche. Answer only in the requested format.";
  const lang = languageInfo(task.language ?? "javascript");
  const sandboxed = task.sandboxed ?? lang.id === "javascript";
  return [
    `You are an expert ${lang.name} programmer taking part in an evolutionary search (MAP-Elites).`,
    sandboxed
      ? `You improve ${lang.name} programs that are scored automatically in a sandbox with only ECMAScript built-ins (no require, import, fs, network, timers or process).`
      : `You improve ${lang.name} programs that are run and scored automatically by an evaluator; its feedback on earlier programs is part of the prompt.`,
    task.entry ? `The program must define a top-level function \`${task.entry}\`.` : "",
    "Answer only in the requested format.",
  ]
    .filter(Boolean)
    .join(" ");
}

export function buildMutationPrompt(input: MutationPromptInput): BuiltPrompt {
  const { task, parent, mode } = input;
  const isCode = task.kind === "code";
  const what = isCode ? "program" : "text";
  const maxInsp = input.maxInspirations ?? 3;
  const maxChars = input.maxInspirationChars ?? 8000;
  const lang = languageInfo(task.language ?? "javascript");
  const tag = fenceTag(task);
  const sandboxed = isCode && (task.sandboxed ?? lang.id === "javascript");
  const system = systemMessage(task);

  const sections: Record<string, string> = {};
  sections.task = `# Task\n${task.description.trim()}` + (task.objective ? `\n\n${objectiveLine(task.objective)}` : "");
  sections.descriptors = task.descriptors?.length
    ? "# Descriptors\nSolutions are kept in an archive with one cell per combination of these descriptor values:\n" +
      task.descriptors.map((d) => `- ${d.name}${d.min !== undefined && d.max !== undefined ? ` in [${fmt(d.min)}, ${fmt(d.max)}]` : ""}${d.rubric ? `: ${d.rubric}` : ""}`).join("\n")
    : "";
  const mate = input.mate;
  sections.parent = mate
    ? `# Parent ${what} A\n${describeSolution(task, parent)}\n${fence(task, parent.genome)}\n\n` +
      `# Parent ${what} B\n${describeSolution(task, mate)}\n${fence(task, mate.genome)}\n\n` +
      `# Crossover\nParents A and B come from different cells of the archive. Write one child ${what} that combines their strengths: keep what makes each of them score well and merge their ideas.`
    : `# Parent ${what}\n${describeSolution(task, parent)}\n${fence(task, parent.genome)}`;
  sections.feedback = renderFeedback(input.feedback, what);

  const insp = (input.inspirations ?? []).slice(0, Math.max(0, maxInsp));
  const withCode = input.inspirationCode ?? true;
  sections.inspirations = insp.length
    ? `# Inspirations\nOther ${what}s from different cells of the archive, for ideas:\n\n` +
      insp.map((s, i) => `## Inspiration ${i + 1}\n${describeSolution(task, s)}${withCode ? `\n${fence(task, cut(s.genome, maxChars))}` : ""}`).join("\n\n")
    : "";

  const niche = input.targetNiche;
  sections.niche = "";
  if (niche) {
    const d = descriptorPairs(task, niche.descriptors);
    const byName = new Map((task.descriptors ?? []).map((x) => [x.name, x]));
    const state = niche.fitness === null || niche.fitness === undefined ? "is empty" : `holds a ${what} with fitness ${fmt(niche.fitness)}`;
    sections.niche =
      (mate ? `# Target niche\nThe child ${what} should land in this cell, which ${state}:\n` : `# Target niche\nWrite a child ${what} whose descriptors move toward this cell, which ${state}:\n`) +
      d.map(([k, v]) => `- ${k} ≈ ${fmt(v)}${byName.get(k)?.rubric ? ` (${byName.get(k)!.rubric})` : ""}`).join("\n") +
      `\nKeep the fitness as high as possible while doing so.`;
  }

  const blocks = isCode && task.evolveBlocks ? `\n${evolveBlocksInstruction(lang.comment)}` : "";
  if (mode === "diff") {
    sections.format =
      `# Output format\nPropose changes to the parent ${what}${mate ? ` A (bringing in what is good in B)` : ""} as one or more SEARCH/REPLACE blocks:\n\n` +
      "<<<<<<< SEARCH\n" +
      `exact lines copied from the parent ${what}${mate ? " A" : ""}\n` +
      "=======\n" +
      "the new lines\n" +
      ">>>>>>> REPLACE\n\n" +
      `Each SEARCH part must match the parent${mate ? " A" : ""} exactly, character for character, including indentation. Blocks are applied in order. Do not output the whole ${what}.` +
      blocks;
  } else {
    sections.format =
      (isCode
        ? `# Output format\nAnswer with the complete new program in a single \`\`\`${tag} code block${task.entry ? ` that defines \`function ${task.entry}\`` : ""}.${sandboxed ? " Plain JavaScript only (no TypeScript types, imports or exports)." : ""}`
        : "# Output format\nAnswer with the complete new text in a single ```text block.") + blocks;
  }
  sections.language = isCode ? lang.name : "text";

  const order = ["task", "descriptors", "parent", "feedback", "inspirations", "niche", "format"];
  const user = task.template?.trim()
    ? task.template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => (k in sections ? sections[k]! : m)).trim()
    : order.map((k) => sections[k]!).filter(Boolean).join("\n\n");
  return { system, user, messages: [{ role: "system", content: system }, { role: "user", content: user }] };
}
