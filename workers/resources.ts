import { createEvaluationSlots, createJavaScriptMutation, type EvaluationSlots, type Evaluator, type MutationOperator } from "@/lib/evaluators";
import type { ExperimentSpec, JavaScriptMutationEmitterConfig } from "@/lib/experiments/config";
import { createDomainEvaluator } from "@/lib/registry/domains/evaluators.server";
import { readEnv } from "@/lib/config";
import { createLlmRuntime, type LlmRuntime } from "./propose-llm";

interface Entry {
  evaluator?: Evaluator | null;
  mutation?: MutationOperator;
  llm?: LlmRuntime;
  lastUsed: number;
}

/**
 * Per experiment, what a worker keeps between jobs: the evaluator (sandboxes and process pools are
 * reused), the user's mutation sandbox, the LLM client (its limiter and back-off are per provider).
 * Idle entries are closed after ten minutes.
 */
export class ExperimentResources {
  private readonly byExperiment = new Map<string, Entry>();
  /** Candidates this worker evaluates at once across all its jobs and experiments (QD_EVALUATION_SLOTS). */
  readonly slots: EvaluationSlots = createEvaluationSlots(readEnv().QD_EVALUATION_SLOTS);

  private entry(id: string): Entry {
    this.evictIdle();
    let e = this.byExperiment.get(id);
    if (!e) this.byExperiment.set(id, (e = { lastUsed: 0 }));
    e.lastUsed = Date.now();
    return e;
  }

  /** null: the candidates were already scored in the first stage (llm-text judge). */
  evaluator(id: string, config: ExperimentSpec): Evaluator | null {
    const e = this.entry(id);
    if (e.evaluator === undefined) e.evaluator = createDomainEvaluator(config, this.slots);
    return e.evaluator;
  }

  mutation(id: string, config: ExperimentSpec): MutationOperator {
    const e = this.entry(id);
    const { type: _type, ...cfg } = config.emitter as JavaScriptMutationEmitterConfig;
    return (e.mutation ??= createJavaScriptMutation(cfg));
  }

  llm(id: string, config: ExperimentSpec): LlmRuntime {
    const e = this.entry(id);
    return (e.llm ??= createLlmRuntime(config));
  }

  async drop(id: string) {
    const e = this.byExperiment.get(id);
    this.byExperiment.delete(id);
    await Promise.allSettled([e?.evaluator?.close(), e?.mutation?.close()]);
  }

  async closeAll() {
    await Promise.all([...this.byExperiment.keys()].map((id) => this.drop(id)));
  }

  private evictIdle() {
    const cutoff = Date.now() - 10 * 60_000;
    for (const [id, e] of this.byExperiment) if (e.lastUsed < cutoff) void this.drop(id);
  }
}

