/**
 * The LLM mutation operator: parent (+ inspirations + target niche) → prompt → model → child.
 *
 *   const op = createLlmOperator({ baseURL, model: "gpt-4.1-mini", apiKeyEnv: "OPENAI_API_KEY", mode: "diff" });
 *   const r = await op.mutate({ task, parent, inspirations, targetNiche, seed: 42 });
 *   if (r.ok) evaluate(r.genome)                         // r.diff: unified diff vs the parent
 *   else if (r.stage === "provider") ...                 // no candidate: retry later / pause the run (r.error.fatal)
 *   else recordInvalidCandidate(r.reason, r.usage, r.costUsd)   // the model answered, but unusably
 *
 * `stage` of a failure:
 *   - "provider": the call failed (r.error: rate-limited | timeout | server | network | auth |
 *     bad-request | aborted). No candidate was produced; nothing was spent (costUsd 0). When
 *     `r.error.fatal` (auth, bad-request) the run should pause with r.reason; for retryable errors
 *     the client already retried `maxRetries` times, so N consecutive ones should pause it too.
 *   - "parse": the reply had no usable program/text (no code block, truncated, no SEARCH/REPLACE
 *     blocks, child identical to the parent, ...). Tokens were spent: record an invalid candidate.
 *   - "apply": the SEARCH/REPLACE blocks did not apply to the parent (a SEARCH did not match).
 *
 * In `diff` mode a reply without any SEARCH/REPLACE block but with a complete program (code
 * tasks, defining `entry`) is accepted as a full rewrite (`fallback: "full"`), unless
 * `diffFallbackToFull: false`.
 *
 * Every result carries the prompt and the raw reply (for the elite panel), the model, tokens
 * and cost. The API key is never part of any of them.
 */
import { z } from "zod";
import { LlmOperatorConfig, operatorShape } from "./schemas";
import { createLlmClient, type LlmClient, type LlmClientDeps, type LlmError } from "./client";
import { applySearchReplace, extractCode, extractText, formatSearchReplace, parseSearchReplace, unifiedDiff } from "./parse";
import { checkEvolveBlocks } from "./evolve-blocks";
import type { PromptFeedback } from "./feedback";
import { extractProgram } from "./program-parse";
import { buildMutationPrompt, type MutationMode, type PromptSolution, type PromptTask, type TargetNiche } from "./prompts";

export { LlmOperatorConfig, operatorShape };
export type LlmOperatorConfigInput = z.input<typeof LlmOperatorConfig>;
export type LlmOperatorConfig = z.output<typeof LlmOperatorConfig>;

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export interface MutateRequest {
  task: PromptTask;
  parent: PromptSolution;
  /** Crossover: a second parent from another cell; diffs still apply to `parent`. */
  mate?: PromptSolution | null;
  inspirations?: PromptSolution[];
  targetNiche?: TargetNiche | null;
  /** Default: the config's mode. */
  mode?: MutationMode;
  /** What the evaluator said about the parent and its failed children (program domain). */
  feedback?: PromptFeedback | null;
  /** Show the inspirations' code (default true). */
  inspirationCode?: boolean;
  /** Drives the model choice and is sent as the API seed: same seed + same replies = same child. */
  seed: number;
  /** Use this model of the config's list (a bandit's choice) instead of the weighted draw. */
  model?: string;
  signal?: AbortSignal;
}

interface Common {
  mode: MutationMode;
  /** The configured model the call went to (the bandit's arm). */
  arm: string;
  prompt: { system: string; user: string };
  ms: number;
  /** HTTP attempts (retries included). */
  attempts: number;
}

export type MutateResult =
  | ({
      ok: true;
      genome: string;
      /** Unified diff parent → child. */
      diff: string;
      /** diff mode: the SEARCH/REPLACE blocks as applied. */
      edits?: string;
      /** diff mode: the reply was a whole program and was used as such. */
      fallback?: "full";
      warnings: string[];
      usage: Usage;
      costUsd: number;
      model: string;
      reply: string;
    } & Common)
  | ({
      ok: false;
      stage: "provider" | "parse" | "apply";
      reason: string;
      /** stage "provider": the typed error. */
      error?: LlmError;
      usage?: Usage;
      costUsd?: number;
      model?: string;
      reply?: string;
    } & Common);

export interface LlmOperator {
  mutate(req: MutateRequest): Promise<MutateResult>;
  readonly client: LlmClient;
  readonly config: LlmOperatorConfig;
}

export function createLlmOperator(input: LlmOperatorConfigInput | LlmOperatorConfig, deps: LlmClientDeps & { client?: LlmClient } = {}): LlmOperator {
  const config = LlmOperatorConfig.parse(input);
  const { type: _t, mode: _m, maxInspirations: _i, maxInspirationChars: _c, maxGenomeChars: _g, diffFallbackToFull: _f, strategy: _s, ...provider } = config;
  const client = deps.client ?? createLlmClient(provider, deps);

  async function mutate(req: MutateRequest): Promise<MutateResult> {
    const mode = req.mode ?? config.mode;
    const built = buildMutationPrompt({
      task: req.task,
      parent: req.parent,
      mate: req.mate,
      inspirations: req.inspirations,
      targetNiche: req.targetNiche,
      mode,
      maxInspirations: config.maxInspirations,
      maxInspirationChars: config.maxInspirationChars,
      feedback: req.feedback,
      inspirationCode: req.inspirationCode,
    });
    const prompt = { system: built.system, user: built.user };
    const r = await client.complete({ messages: built.messages, seed: req.seed, signal: req.signal, ...(req.model ? { model: req.model } : {}) });
    const common = { mode, prompt, arm: r.arm, ms: r.ms, attempts: r.attempts };
    if (!r.ok) return { ok: false, stage: "provider", reason: `${r.error.kind}: ${r.error.message}`, error: r.error, model: r.model, usage: { promptTokens: 0, completionTokens: 0 }, costUsd: 0, ...common };

    const usage = { promptTokens: r.promptTokens, completionTokens: r.completionTokens };
    const spent = { usage, costUsd: r.costUsd, model: r.model, reply: r.text };
    const truncated = r.finishReason === "length" ? " (the reply hit the max tokens limit)" : "";
    const fail = (stage: "parse" | "apply", reason: string): MutateResult => ({ ok: false, stage, reason: reason + truncated, ...spent, ...common });
    const parent = req.parent.genome;
    const isCode = req.task.kind === "code";
    // Programs in other languages than the sandbox's JavaScript (the program domain).
    const anyLanguage = isCode && req.task.sandboxed === false;
    const extract = (text: string) => {
      if (anyLanguage) {
        const c = extractProgram(text, req.task.language ?? "javascript", { maxChars: config.maxGenomeChars });
        return c.ok ? { ok: true as const, genome: c.code } : c;
      }
      if (isCode) {
        const c = extractCode(text, { entry: req.task.entry, maxChars: config.maxGenomeChars });
        return c.ok ? { ok: true as const, genome: c.code } : c;
      }
      const t = extractText(text, { maxChars: config.maxGenomeChars });
      return t.ok ? { ok: true as const, genome: t.text } : t;
    };

    let genome: string;
    let edits: string | undefined;
    let fallback: "full" | undefined;
    let warnings: string[] = [];
    if (mode === "diff") {
      const blocks = parseSearchReplace(r.text);
      if (!blocks.ok) {
        // A reply without edits that is a whole program (or, for texts, a whole text) is used as a full rewrite.
        if (blocks.reason.startsWith("no SEARCH/REPLACE") && config.diffFallbackToFull) {
          const whole = extract(r.text);
          if (!whole.ok) return fail("parse", `${blocks.reason}; ${whole.reason}`);
          genome = whole.genome;
          fallback = "full";
        } else return fail("parse", blocks.reason);
      } else {
        const applied = applySearchReplace(parent, blocks.blocks);
        if (!applied.ok) return fail("apply", applied.reason);
        genome = applied.result;
        warnings = applied.warnings;
        edits = formatSearchReplace(blocks.blocks);
        if (genome.length > config.maxGenomeChars) return fail("apply", `child too long (${genome.length} characters > ${config.maxGenomeChars})`);
      }
    } else {
      const whole = extract(r.text);
      if (!whole.ok) return fail("parse", whole.reason);
      genome = whole.genome;
    }
    if (genome.trim() === parent.trim()) return fail("parse", `the child is identical to the parent${req.mate ? " A" : ""}`);
    if (req.mate && genome.trim() === req.mate.genome.trim()) return fail("parse", "the child is identical to the parent B");
    if (isCode && req.task.evolveBlocks) {
      const kept = checkEvolveBlocks(parent, genome);
      if (!kept.ok) return fail("apply", kept.reason);
    }
    return {
      ok: true,
      genome,
      diff: unifiedDiff(parent, genome),
      ...(edits !== undefined ? { edits } : {}),
      ...(fallback ? { fallback } : {}),
      warnings,
      ...spent,
      ...common,
    };
  }

  return { mutate, client, config };
}
