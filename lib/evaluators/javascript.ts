/**
 * JavaScript evaluator: user code declaring a top-level `function evaluate(genome, ctx)` (sync or
 * async; `export` allowed) that returns `{ fitness, descriptors?, metrics? }`. `ctx` is `{ id }`.
 * Runs in the isolated-vm sandbox (lib/sandbox) with per-candidate time and memory limits; see
 * lib/sandbox/index.ts for what the code can and cannot do. console output becomes `logs`.
 */
import { z } from "zod";
import { JavaScriptEvaluatorConfig } from "./schemas";
import { createSandbox, type Sandbox, type SandboxHost } from "../sandbox/index";
import { type Candidate, type EvalResult, type Evaluator, type ResultReader, descriptorCountField, toResult } from "./types";
import { CANCELLED_ERROR } from "./concurrency";

export { JavaScriptEvaluatorConfig };

/** `deps.read`: the output contract (default: `{ fitness, descriptors?, metrics? }`). */
export function createJavaScriptEvaluator(input: JavaScriptEvaluatorConfig, deps: { host?: SandboxHost; read?: ResultReader } = {}): Evaluator {
  const cfg = JavaScriptEvaluatorConfig.parse(input);
  const read = deps.read ?? toResult;
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
    async evaluate(candidates: Candidate[], { signal } = {}): Promise<EvalResult[]> {
      if (candidates.length === 0) return [];
      // Isolates run a whole call at once (`poolSize` of them in parallel): a cancelled run starts none.
      if (signal?.aborted) return candidates.map(() => ({ ok: false, error: CANCELLED_ERROR, ms: 0 }));
      const rs = await sandbox.callMany(
        cfg.entry,
        candidates.map((c) => [c.genome, { id: c.id }]),
      );
      return rs.map((r): EvalResult => {
        const logs = r.logs || undefined;
        if (!r.ok) return { ok: false, error: `${r.error.kind}: ${r.error.message}`, ms: r.ms, ...(logs ? { logs } : {}) };
        return read(r.value, { descriptorCount: cfg.descriptorCount, ms: r.ms, logs });
      });
    },
    close: () => sandbox.close(),
  };
}
