/**
 * The `program` domain: the user's own program, in any language, evolved by the LLM operator and
 * scored by the user's own evaluator. zod only (no Node APIs), so the form validates with the same
 * rules as the REST API and the workers.
 *
 *   { type: "program", language: "python", initialProgram: "...",
 *     evaluator: { type: "command", command: "python3 evaluate.py" }       // program path in argv and PROGRAM_PATH
 *              | { type: "openevolve", evaluatorFile: "<evaluator.py source>" | path: "/abs/evaluator.py" }
 *              | { type: "webhook", url, ... } | { type: "javascript", code, ... },
 *     files?: { "data.csv": "..." }, systemMessage?, promptTemplate?, feedback? }
 */
import { z } from "zod";
import { JavaScriptEvaluatorConfig, WebhookEvaluatorConfig } from "./schemas";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}(\/[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}){0,4}$/;

/** One evaluation stage: a candidate whose score is below `threshold` stops after this stage. */
export const ProgramStage = z
  .object({
    timeoutMs: z.number({ error: "stage timeoutMs must be a number" }).int().min(100, "stage timeoutMs must be at least 100").max(24 * 3600_000).optional(),
    threshold: z.number({ error: "stage threshold must be a number" }).finite("stage threshold must be finite").optional(),
  })
  .strict();
export type ProgramStage = z.infer<typeof ProgramStage>;

const processShape = {
  /** Where the command runs (default: the candidate's fresh working directory). */
  cwd: z.string().min(1, "cwd must not be empty").max(4096).optional(),
  /** Extra environment variables (names and values); nothing of the worker's environment is passed. */
  env: z.record(z.string().regex(ENV_NAME, "environment variable names must match [A-Za-z_][A-Za-z0-9_]*"), z.string().max(32 * 1024)).default({}),
  /** Per stage, unless the stage sets its own. */
  timeoutMs: z.number({ error: "evaluator.timeoutMs must be a number" }).int().min(100, "evaluator.timeoutMs must be at least 100").max(24 * 3600_000).default(60_000),
  maxOutputBytes: z.number().int().min(64).max(256 * 1024 * 1024).default(1024 * 1024),
  maxLogBytes: z.number().int().min(0).max(16 * 1024 * 1024).default(64 * 1024),
  /** Candidates evaluated at once per worker. */
  concurrency: z.number().int().min(1).max(256).optional(),
};

export const ProgramCommandEvaluator = z
  .object({
    type: z.literal("command"),
    /** Run with the program's path appended as the last argument (also in PROGRAM_PATH); stage N in QD_STAGE. */
    command: z.string().trim().min(1, "evaluator.command must not be empty").max(4096),
    /** The evaluation cascade: stage N runs only when stage N-1 scored at least its threshold. */
    stages: z.array(ProgramStage).min(1).max(8, "at most 8 stages").optional(),
    ...processShape,
  })
  .strict();

export const ProgramOpenEvolveEvaluator = z
  .object({
    type: z.literal("openevolve"),
    /** The source of an OpenEvolve evaluator.py (`evaluate(program_path)`, optional `evaluate_stage1/2/3`). */
    evaluatorFile: z.string().min(1, "evaluator.evaluatorFile must not be empty").max(1024 * 1024).optional(),
    /** Or the path of an evaluator.py on the workers. */
    path: z.string().min(1, "evaluator.path must not be empty").max(4096).optional(),
    python: z.string().trim().min(1).max(4096).default("python3"),
    /** OpenEvolve's `evaluator.cascade_evaluation` (default true): use evaluate_stageN when defined. */
    cascade: z.boolean().default(true),
    /** OpenEvolve's `evaluator.cascade_thresholds` (default [0.5, 0.75, 0.9]). */
    cascadeThresholds: z.array(z.number().finite()).max(8).default([0.5, 0.75, 0.9]),
    ...processShape,
    /** OpenEvolve's `evaluator.timeout` default is 300 s. */
    timeoutMs: processShape.timeoutMs.unwrap().default(300_000),
  })
  .strict()
  .refine((e) => !!e.evaluatorFile !== !!e.path, { message: "give either evaluator.evaluatorFile (the evaluator's source) or evaluator.path, not both", path: ["evaluatorFile"] });

/** Webhook / JavaScript evaluators receive the program source as the genome. */
export const ProgramWebhookEvaluator = WebhookEvaluatorConfig;
export const ProgramJavaScriptEvaluator = JavaScriptEvaluatorConfig;

export const ProgramEvaluatorConfig = z.discriminatedUnion("type", [ProgramCommandEvaluator, ProgramOpenEvolveEvaluator, ProgramWebhookEvaluator, ProgramJavaScriptEvaluator], {
  error: 'domain.evaluator must be { type: "command", command } | { type: "openevolve", evaluatorFile | path } | { type: "webhook", url } | { type: "javascript", code }',
});
export type ProgramEvaluatorConfig = z.infer<typeof ProgramEvaluatorConfig>;

/** Which parts of the evaluator's feedback go into the next prompt for a parent. */
export const FeedbackConfig = z
  .object({
    /** The parent's metrics (strings too). */
    metrics: z.boolean().default(true),
    /** The parent's artifacts (named texts the evaluator returned). */
    artifacts: z.boolean().default(true),
    /** The tail of the parent's stderr / logs. */
    logs: z.boolean().default(true),
    /** How many of the parent's most recent failed or invalid children are shown, with why (0: none). */
    failedChildren: z.number().int().min(0).max(10).default(3),
    /** Show the inspirations' code (false: only their scores). */
    inspirationCode: z.boolean().default(true),
    /** Bound of each part, in characters. */
    maxChars: z.number().int().min(100).max(100_000).default(2_000),
  })
  .strict();
export type FeedbackConfig = z.infer<typeof FeedbackConfig>;

const LANGUAGE = /^[a-z][a-z0-9+#-]{0,29}$/;

export const ProgramDomainConfig = z
  .object({
    type: z.literal("program"),
    language: z.string({ error: 'domain.language is required, e.g. "python"' }).trim().toLowerCase().regex(LANGUAGE, 'domain.language must be a language name like "python", "javascript", "c"'),
    initialProgram: z.string({ error: "domain.initialProgram is required: the program to start from" }).min(1, "domain.initialProgram must not be empty").max(256 * 1024, "domain.initialProgram must be at most 256 KiB"),
    /** File name the program is written to (default: program.<extension of the language>). */
    programFile: z.string().regex(FILE_NAME, "domain.programFile must be a plain relative file name").optional(),
    evaluator: ProgramEvaluatorConfig,
    /** Support files written next to the program in every working directory: name → content. */
    files: z
      .record(z.string().regex(FILE_NAME, "file names must be plain relative paths (letters, digits, _ . -)"), z.string().max(4 * 1024 * 1024))
      .refine((f) => Object.keys(f).length <= 64, "at most 64 files")
      .default({}),
    /** What the program must do and how it is scored (shown to the model). */
    description: z.string().max(20_000, "domain.description must be at most 20,000 characters").optional(),
    /** Replaces the default system message (OpenEvolve's prompt.system_message). */
    systemMessage: z.string().max(20_000, "domain.systemMessage must be at most 20,000 characters").optional(),
    /**
     * Replaces the user message; placeholders: {{task}}, {{descriptors}}, {{parent}}, {{feedback}},
     * {{inspirations}}, {{niche}}, {{format}}, {{language}}.
     */
    promptTemplate: z.string().max(50_000, "domain.promptTemplate must be at most 50,000 characters").optional(),
    feedback: FeedbackConfig.default(FeedbackConfig.parse({})),
    /** More starting programs besides initialProgram. */
    seeds: z.array(z.string().min(1).max(256 * 1024)).max(31, "at most 31 extra seeds").optional(),
    qdScoreOffset: z.number().finite().default(0),
  })
  .strict();
export type ProgramDomainConfig = z.infer<typeof ProgramDomainConfig>;
export type ProgramDomainConfigInput = z.input<typeof ProgramDomainConfig>;
