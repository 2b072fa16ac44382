/**
 * LLM evolution library: client (OpenAI-compatible, retries, limits, accounting), prompts,
 * reply parsing, the mutation operator and the QDAIF-style judge. See README.md in this folder.
 */
export {
  LlmProviderConfig,
  chooseModel,
  classifyError,
  createLlmClient,
  providerSchema,
  providerShape,
  retryAfterMs,
  type ChatMessage,
  type CompleteRequest,
  type CompleteResult,
  type LlmClient,
  type LlmClientDeps,
  type LlmError,
  type LlmErrorKind,
  type LlmProviderConfigInput,
} from "./client";
export { createRateLimiter, sleep, type RateLimiter, type RateLimiterOptions } from "./limiter";
export { DEFAULT_PRICES, ModelPriceSchema, PriceTable, costOf, priceOf, type ModelPrice, type TokenUsage } from "./pricing";
export {
  buildMutationPrompt,
  type BuiltPrompt,
  type DescriptorInfo,
  type MutationMode,
  type MutationPromptInput,
  type PromptSolution,
  type PromptTask,
  type TargetNiche,
} from "./prompts";
export {
  applySearchReplace,
  extractCode,
  extractText,
  findFences,
  formatSearchReplace,
  parseSearchReplace,
  unifiedDiff,
  type ParseResult,
  type SearchReplaceBlock,
} from "./parse";
export {
  LlmOperatorConfig,
  createLlmOperator,
  operatorShape,
  type LlmOperator,
  type LlmOperatorConfigInput,
  type MutateRequest,
  type MutateResult,
  type Usage,
} from "./operator";
export {
  LlmJudgeConfig,
  buildJudgePrompt,
  createLlmJudge,
  judgeShape,
  parseJudgeReply,
  type JudgeRequest,
  type JudgeResult,
  type JudgeRubric,
  type LlmJudge,
  type LlmJudgeConfigInput,
} from "./judge";
export { renderFeedback, tailOf, type FailedChild, type PromptFeedback } from "./feedback";
export { checkEvolveBlocks, evolveBlocksInstruction, fixedRegions, hasEvolveBlocks } from "./evolve-blocks";
export { extractProgram } from "./program-parse";
export { cellCentre, cellCoords, cellIndex, chooseTargetNiche, type ChooseNicheOptions, type ChosenNiche, type GridDescriptor } from "./niche";
