/**
 * How a solution without parent ids came to be, by the operator that made it: the numeric emitters
 * that sample from a distribution or step along gradients record no parent, which is not the same
 * as being an initial solution.
 */
const ORIGINS: Record<string, { label: string; origin: string }> = {
  "cma-me": { label: "CMA-ME", origin: "sampled from its emitter's CMA-ES distribution" },
  "cma-mae": { label: "CMA-MAE", origin: "sampled from its emitter's CMA-ES distribution" },
  "gradient-operator": { label: "OG-MAP-Elites / OMG-MEGA", origin: "a gradient step from a perturbed elite (the elite is not recorded)" },
  "gradient-arborescence": {
    label: "CMA-MEGA / CMA-MAEGA",
    origin: "its emitter's solution point θ, or a branch θ + Σ cⱼ·∇ⱼ along the objective's and measures' gradients (coefficients from CMA-ES)",
  },
};

/** "gradient-arborescence (CMA-MEGA / CMA-MAEGA)"; other operators as stored. */
export function operatorLabel(operator: string): string {
  const o = ORIGINS[operator];
  return o ? `${operator} (${o.label})` : operator;
}

/** What to say where a parentless solution's parents would be listed. */
export function parentlessOrigin(operator: string): string {
  return ORIGINS[operator]?.origin ?? "initial solution";
}

/**
 * Operators that make solutions from search state rather than from parents (CMA-ES distributions, a
 * gradient step from a solution point θ): their solutions have no recorded ancestors, by design.
 */
export function madeWithoutParents(operator: string): boolean {
  return operator in ORIGINS;
}
