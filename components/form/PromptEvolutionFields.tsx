"use client";
/** The LLM emitter's evolving prompts as form fields: on/off, how often a variant is rewritten, how many are kept. */
import { Field } from "./Field";
import type { PromptEvolutionState } from "./prompt-evolution-state";

export { DEFAULT_PROMPT_EVOLUTION, promptEvolutionConfig, promptEvolutionState, type PromptEvolutionState } from "./prompt-evolution-state";

export function PromptEvolutionFields({ value: s, onChange, err }: { value: PromptEvolutionState; onChange(next: PromptEvolutionState): void; err(path: string): string | undefined }) {
  const set = (patch: Partial<PromptEvolutionState>) => onChange({ ...s, ...patch });
  return (
    <fieldset className="space-y-3" data-testid="prompt-evolution">
      <legend className="mb-1.5 text-sm font-medium text-slate-700 dark:text-slate-300">Evolving prompts</legend>
      <label className="flex items-start gap-2 text-sm text-slate-700 dark:text-slate-300">
        <input type="checkbox" className="mt-0.5" checked={s.evolve} onChange={(e) => set({ evolve: e.target.checked })} />
        <span>
          Evolve the system prompt
          <span className="block text-xs text-slate-500 dark:text-slate-400">
            The model rewrites the system message from what its children did; each call&apos;s variant is chosen by UCB on its children&apos;s archive gain. Not used by the best-of-N baseline.
          </span>
        </span>
      </label>
      {s.evolve && (
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Rewrite rate" type="number" step="any" min={0} max={1} value={s.mutationRate} onChange={(x) => set({ mutationRate: x.target.value })} error={err("emitter.prompts.mutationRate")} hint="Share of jobs that first ask for a new variant (one extra call)." />
          <Field label="Most variants" type="number" min={2} max={64} value={s.maxVariants} onChange={(x) => set({ maxVariants: x.target.value })} error={err("emitter.prompts.maxVariants")} hint="The task's own system message included." />
        </div>
      )}
    </fieldset>
  );
}
