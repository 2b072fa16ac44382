/** Budget: evaluations, batch, seed, the evaluator's concurrency and the LLM cost cap. */
import { MAX_EVALUATION_CONCURRENCY, runsInStages } from "@/lib/experiments/config";
import { Field, Section } from "../Field";
import type { SectionProps } from "./props";

export function BudgetSection({ s, set, d, err }: SectionProps) {
  return (
    <Section title="Budget" description="When the run stops, and how it is batched. Same seed and one worker: the same run.">
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Evaluations" type="number" min={1} value={s.budget} onChange={(e) => set({ budget: e.target.value })} error={err("budget.evaluations") ?? err("budget")} />
        <Field
          label="Batch size"
          type="number"
          min={1}
          value={s.batchSize}
          onChange={(e) => set({ batchSize: e.target.value })}
          error={err("batchSize")}
          hint={d.emitterKind === "llm" ? "LLM calls are slow: 2–4 per batch keeps the archive fresh." : undefined}
        />
        <Field label="Seed" type="number" min={0} value={s.seed} onChange={(e) => set({ seed: e.target.value })} error={err("seed")} />
      </div>
      {runsInStages({ domain: { type: s.domain } }) && (
        <Field
          label="Candidates at once"
          type="number"
          min={1}
          max={MAX_EVALUATION_CONCURRENCY}
          value={s.evalConcurrency}
          onChange={(e) => set({ evalConcurrency: e.target.value })}
          error={err("evaluation.concurrency") ?? err("evaluation")}
          placeholder="evaluator's default"
          className="max-w-xs"
          hint="How many of this run's candidates each worker scores at once (processes, requests, isolates). Raise it for slow evaluators that wait rather than compute; each worker also caps its total (QD_EVALUATION_SLOTS)."
        />
      )}
      {d.emitterKind === "llm" && (
        <Field
          label="Cost cap (USD)"
          type="number"
          step="any"
          min={0}
          value={s.costCap}
          onChange={(e) => set({ costCap: e.target.value })}
          error={err("budget.costUsd")}
          placeholder="no cap"
          className="max-w-xs"
          hint="The run stops once its LLM calls have cost this much (calls already in flight still land). Blank: no cap."
        />
      )}
    </Section>
  );
}
