/**
 * Server only (workers): the evaluator of each domain kind the workers score candidates for.
 * Kept apart from the kinds' modules because evaluators need Node (processes, sandboxes,
 * sockets) while the kinds are imported by the browser's form. Built-in kinds are evaluated
 * by their engine domain (`createEngineDomain`), external ones by the client, llm-text by
 * the judge: they have none.
 */
import { createEvaluator, createProgramEvaluator, type EvaluationSlots, type Evaluator } from "@/lib/evaluators";
import { effectiveDescriptors, evaluationConcurrency, type ExperimentSpec } from "@/lib/experiments/config";
import { getCodeTask } from "@/lib/tasks";
import type { DomainType } from "./index";

type Spec<T extends string> = ExperimentSpec & { domain: Extract<ExperimentSpec["domain"], { type: T }> };
type Factory<T extends string> = (config: Spec<T>, slots: EvaluationSlots) => Evaluator | null;

/**
 * A user evaluator from its domain config: only the evaluator's own fields (the rest describe the
 * genome space); `evaluation.concurrency` overrides its `concurrency` (`poolSize` for isolates, at most 64).
 */
function userEvaluator(config: Spec<"command" | "webhook" | "javascript">, slots: EvaluationSlots): Evaluator {
  const concurrency = evaluationConcurrency(config);
  const { dim: _dim, bounds: _bounds, qdScoreOffset: _offset, seeds: _seeds, description: _description, ...evaluatorConfig } = config.domain;
  const tuned = !concurrency ? evaluatorConfig : evaluatorConfig.type === "javascript" ? { ...evaluatorConfig, poolSize: Math.min(64, concurrency) } : { ...evaluatorConfig, concurrency };
  return createEvaluator(tuned as Parameters<typeof createEvaluator>[0], { slots });
}

const noEvaluator = (why: string) => (c: ExperimentSpec) => {
  throw new Error(`domain "${c.domain.type}" has no evaluator of its own (${why})`);
};

/** One line per kind: adding a domain kind without saying how the workers score it is a type error. */
const EVALUATORS: { [T in DomainType]: Factory<T> } = {
  sphere: noEvaluator("the engine evaluates it"),
  rastrigin: noEvaluator("the engine evaluates it"),
  arm: noEvaluator("the engine evaluates it"),
  external: noEvaluator("the client evaluates over ask/tell"),
  command: userEvaluator,
  webhook: userEvaluator,
  javascript: userEvaluator,
  "llm-code": (c) => {
    const concurrency = evaluationConcurrency(c);
    return getCodeTask(c.domain.task)!.createEvaluator({ timeoutMs: c.domain.timeoutMs, memoryMb: c.domain.memoryMb, ...(concurrency ? { concurrency } : {}) });
  },
  // The judge scores texts (workers/propose-llm): no evaluator.
  "llm-text": () => null,
  program: (c, slots) => createProgramEvaluator(c.domain, { descriptorMetrics: effectiveDescriptors(c).flatMap((r) => (r.metric ? [r.metric] : [])), concurrency: evaluationConcurrency(c), slots }),
};

/** The experiment's evaluator (null when the LLM judge scores its candidates). */
export function createDomainEvaluator(config: ExperimentSpec, slots: EvaluationSlots): Evaluator | null {
  const make = EVALUATORS[config.domain.type] as Factory<string> | undefined;
  if (!make) throw new Error(`unknown domain type "${config.domain.type}"`);
  return make(config as Spec<string>, slots);
}
