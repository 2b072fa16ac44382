"use client";
/**
 * The LLM emitter's parent selection and crossover, as form fields: the policy, its one
 * parameter, and the share of children written from two parents.
 */
import { PARENT_POLICIES, type ParentPolicy } from "@/lib/llm/parent-selection";
import { Field, SelectField } from "./Field";
import type { ParentSelectionState } from "./parent-selection-state";

export { DEFAULT_PARENT_SELECTION, parentSelectionConfig, parentSelectionState, type ParentSelectionState } from "./parent-selection-state";

const LABELS: Record<ParentPolicy, [label: string, hint: string]> = {
  uniform: ["Uniform", "Every elite alike (MAP-Elites)."],
  fitness: ["Fitness-proportional", "Proportional to fitness above the worst elite, plus a floor share of the spread."],
  "power-law": ["Power law by rank", "Rank^-exponent, best first: 1 is gentle, 3 picks the top few."],
  dgm: ["DGM (score × 1/(1 + children))", "Darwin Gödel Machine: sigmoid(sharpness·(scaled fitness − ½)) / (1 + children): good elites with few children first."],
  novelty: ["Novelty", "Mean distance to the k nearest elites in descriptor space: isolated elites first."],
  mix: ["Explore / exploit mix", "A share of the picks by power law (exploit), the rest uniform (explore)."],
};

export function ParentSelectionFields({ value: s, onChange, err }: { value: ParentSelectionState; onChange(next: ParentSelectionState): void; err(path: string): string | undefined }) {
  const set = (patch: Partial<ParentSelectionState>) => onChange({ ...s, ...patch });
  const e = (key: string) => err(`emitter.parentSelection.${key}`);
  return (
    <fieldset className="space-y-3" data-testid="parent-selection">
      <legend className="mb-1.5 text-sm font-medium text-slate-700 dark:text-slate-300">Parent selection and crossover</legend>
      <div className="grid gap-4 sm:grid-cols-3">
        <SelectField
          label="Parent selection"
          value={s.policy}
          onChange={(v) => set({ policy: v as ParentPolicy })}
          options={PARENT_POLICIES.map((p) => ({ value: p, label: LABELS[p][0] }))}
          hint={e("policy") ? <span className="text-rose-600 dark:text-rose-400">{e("policy")}</span> : LABELS[s.policy][1]}
        />
        {s.policy === "fitness" && <Field label="Floor share" type="number" step="any" min={0} max={1} value={s.floor} onChange={(x) => set({ floor: x.target.value })} error={e("floor")} hint="Weight of the worst elite, as a share of the fitness spread." />}
        {s.policy === "power-law" && <Field label="Exponent" type="number" step="any" min={0} value={s.exponent} onChange={(x) => set({ exponent: x.target.value })} error={e("exponent")} />}
        {s.policy === "dgm" && <Field label="Sharpness (λ)" type="number" step="any" min={0} value={s.sharpness} onChange={(x) => set({ sharpness: x.target.value })} error={e("sharpness")} hint="DGM uses 10." />}
        {s.policy === "novelty" && <Field label="Nearest elites (k)" type="number" min={1} value={s.k} onChange={(x) => set({ k: x.target.value })} error={e("k")} />}
        {s.policy === "mix" && (
          <>
            <Field label="Exploit share" type="number" step="any" min={0} max={1} value={s.exploitShare} onChange={(x) => set({ exploitShare: x.target.value })} error={e("exploitShare")} hint="0.3: 30% of parents by power law, 70% uniform." />
            <Field label="Exploit exponent" type="number" step="any" min={0} value={s.mixExponent} onChange={(x) => set({ mixExponent: x.target.value })} error={e("exponent")} />
          </>
        )}
      </div>
      <Field
        label="Crossover rate"
        type="number"
        step="any"
        min={0}
        max={1}
        value={s.crossoverRate}
        onChange={(x) => set({ crossoverRate: x.target.value })}
        error={err("emitter.crossoverRate")}
        className="max-w-xs"
        hint="Share of children written from two parents of different cells (“combine their strengths, land in this cell”). 0: none."
      />
    </fieldset>
  );
}
