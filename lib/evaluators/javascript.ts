/**
 * JavaScript evaluator: user code declaring a top-level `function evaluate(genome, ctx)` (sync or
 * async; `export` allowed) that returns `{ fitness, descriptors?, metrics? }`. `ctx` is `{ id }`.
 * Runs in the isolated-vm sandbox (lib/sandbox) with per-candidate time and memory limits; see
 * lib/sandbox/index.ts for what the code can and cannot do. console output becomes `logs`.
 */
import { z } from "zod";
import { createSandbox, type Sandbox, type SandboxHost } from "../sandbox/index";
import { type Candidate, type EvalResult, type Evaluator, descriptorCountField, toResult } from "./types";

export const JavaScriptEvaluatorConfig = z
  .object({
    type: z.literal("javascript"),
    code: z.string().min(1, "code must not be empty").max(1024 * 1024),
    entry: z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/, "entry must be a JavaScript identifier").default("evaluate"),
    timeoutMs: z.number().int().min(1).max(600_000).default(5_000),
    memoryMb: z.number().int().min(8).max(4096).default(64),
    poolSize: z.number().int().min(1).max(64).default(1),
    freshContext: z.boolean().default(false),
    maxLogBytes: z.number().int().min(0).max(16 * 1024 * 1024).default(16 * 1024),
    descriptorCount: descriptorCountField,
  })
  .strict();
export type JavaScriptEvaluatorConfig = z.input<typeof JavaScriptEvaluatorConfig>;

export function createJavaScriptEvaluator(input: JavaScriptEvaluatorConfig, deps: { host?: SandboxHost } = {}): Evaluator {
  const cfg = JavaScriptEvaluatorConfig.parse(input);
  const sandbox: Sandbox = createSandbox({
    code: cfg.code,
    timeoutMs: cfg.timeoutMs,
    memoryMb: cfg.memoryMb,
    poolSize: cfg.poolSize,
    freshContext: cfg.freshContext,
    maxLogBytes: cfg.maxLogBytes,
    ...(deps.host ? { host: deps.host } : {}),
  });
  return {
    async evaluate(candidates: Candidate[]): Promise<EvalResult[]> {
      if (candidates.length === 0) return [];
      const rs = await sandbox.callMany(
        cfg.entry,
        candidates.map((c) => [c.genome, { id: c.id }]),
      );
      return rs.map((r): EvalResult => {
        const logs = r.logs || undefined;
        if (!r.ok) return { ok: false, error: `${r.error.kind}: ${r.error.message}`, ms: r.ms, ...(logs ? { logs } : {}) };
        return toResult(r.value, { descriptorCount: cfg.descriptorCount, ms: r.ms, logs });
      });
    },
    close: () => sandbox.close(),
  };
}
