/**
 * User evaluators: `createEvaluator(config)` for `{ type: 'command' | 'webhook' | 'javascript', ... }`.
 *
 * The zod schemas are exported so the API layer can validate requests with the same rules
 * (`EvaluatorConfig.safeParse(body)` + `formatIssues(error)` for a readable 4xx message).
 */
import { z } from "zod";
import type { SandboxHost } from "../sandbox/index";
import { CommandEvaluatorConfig, createCommandEvaluator } from "./command";
import { JavaScriptEvaluatorConfig, createJavaScriptEvaluator } from "./javascript";
import type { Evaluator } from "./types";
import type { EvaluationSlots } from "./concurrency";
import { WebhookEvaluatorConfig, createWebhookEvaluator } from "./webhook";

export { CommandEvaluatorConfig, createCommandEvaluator, parseStdout, splitCommand } from "./command";
export { JavaScriptEvaluatorConfig, createJavaScriptEvaluator } from "./javascript";
export { JavaScriptMutationConfig, createJavaScriptMutation, normalizeSeed, type MutationOperator, type MutationResult } from "./javascript-mutation";
export { SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookEvaluatorConfig, createWebhookEvaluator, sign, verifySignature } from "./webhook";
export { createProgramEvaluator, codeMetrics, parseProgramOutput, scoreOf, type ProgramMetrics } from "./program";
export { ProgramDomainConfig, FeedbackConfig, type ProgramDomainConfigInput } from "./program-schema";
export { splitLogs, withArtifacts } from "./artifacts";
export { CANCELLED_ERROR, createEvaluationSlots, evaluateEach, type EvaluateOptions, type EvaluationSlots } from "./concurrency";
export { EvaluatorOutput, formatIssues, parseLenientJson, toResult, type Candidate, type EvalResult, type Evaluator } from "./types";

export const EvaluatorConfig = z.discriminatedUnion("type", [CommandEvaluatorConfig, WebhookEvaluatorConfig, JavaScriptEvaluatorConfig]);
export type EvaluatorConfig = z.input<typeof EvaluatorConfig>;

/**
 * Build an evaluator from a (validated or raw) config. Throws a ZodError for an invalid config.
 * `deps.host`: sandbox host for javascript evaluators (default: the shared one);
 * `deps.fetch`/`deps.env`: for webhook evaluators (default: global fetch / process.env).
 */
export function createEvaluator(config: EvaluatorConfig, deps: { host?: SandboxHost; fetch?: typeof fetch; env?: Record<string, string | undefined>; slots?: EvaluationSlots } = {}): Evaluator {
  const cfg = EvaluatorConfig.parse(config);
  switch (cfg.type) {
    case "command":
      return createCommandEvaluator(cfg, deps);
    case "webhook":
      return createWebhookEvaluator(cfg, deps);
    case "javascript":
      return createJavaScriptEvaluator(cfg, deps);
  }
}
