/**
 * How an LLM child's parents were chosen, as the dashboard shows it: the stored `selection`
 * ({ policy, parents: [{ policy, p }], crossover? }) read defensively, and short labels.
 */
export interface SelectionInfo {
  policy: string;
  parents: { policy: string; p: number | null }[];
  crossover: boolean;
}

export function normalizeSelection(x: unknown): SelectionInfo | null {
  if (!x || typeof x !== "object") return null;
  const s = x as { policy?: unknown; parents?: unknown; crossover?: unknown };
  if (typeof s.policy !== "string" || !Array.isArray(s.parents)) return null;
  return {
    policy: s.policy,
    parents: s.parents.map((p) => ({
      policy: typeof p?.policy === "string" ? p.policy : s.policy as string,
      p: typeof p?.p === "number" && Number.isFinite(p.p) ? p.p : null,
    })),
    crossover: s.crossover === true,
  };
}

/** "power-law, p = 3.1%" for parent i; null when nothing was recorded for it. */
export function parentChoiceLabel(sel: SelectionInfo | null, i: number): string | null {
  const p = sel?.parents[i];
  if (!p) return null;
  return p.p == null ? p.policy : `${p.policy}, p = ${fmtShare(p.p)}`;
}

/** Short names that fit under a lineage node (52 px apart). */
const SHORT: Record<string, string> = { "power-law": "power", "mix/exploit": "exploit", "mix/explore": "explore", uniform: "uniform", fitness: "fitness", dgm: "dgm", novelty: "novelty", seed: "seed" };

/** The rule(s) under a lineage node: "power", "exploit", "✕ dgm" (crossover: two parents). */
export function selectionShort(sel: SelectionInfo | null): string | null {
  if (!sel || !sel.parents.length) return null;
  const rules = [...new Set(sel.parents.map((p) => SHORT[p.policy] ?? p.policy))].join("/");
  return sel.crossover ? `✕ ${rules}` : rules;
}

function fmtShare(p: number): string {
  const pct = p * 100;
  return `${pct >= 10 ? pct.toFixed(0) : pct >= 1 ? pct.toFixed(1) : pct.toPrecision(2)}%`;
}
