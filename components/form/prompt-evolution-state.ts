/**
 * The evolving-prompts fields of the new-experiment form as plain data: the inputs' strings, the
 * emitter field they make, and the way back from a stored emitter (clone, templates; runs on the server too).
 */
export interface PromptEvolutionState {
  evolve: boolean;
  mutationRate: string;
  maxVariants: string;
}

export const DEFAULT_PROMPT_EVOLUTION: PromptEvolutionState = { evolve: false, mutationRate: "0.25", maxVariants: "8" };

/** `{ prompts: {...} }` when evolving (empty inputs take the server's defaults); nothing otherwise. */
export function promptEvolutionConfig(s: PromptEvolutionState): Record<string, unknown> {
  if (!s.evolve) return {};
  const num = (k: "mutationRate" | "maxVariants") => (s[k].trim() === "" ? {} : { [k]: Number(s[k].trim()) });
  return { prompts: { evolve: true, ...num("mutationRate"), ...num("maxVariants") } };
}

export function promptEvolutionState(em: Record<string, unknown>): PromptEvolutionState {
  const p = (em.prompts ?? {}) as Record<string, unknown>;
  const d = DEFAULT_PROMPT_EVOLUTION;
  return { evolve: p.evolve === true, mutationRate: p.mutationRate === undefined ? d.mutationRate : String(p.mutationRate), maxVariants: p.maxVariants === undefined ? d.maxVariants : String(p.maxVariants) };
}
