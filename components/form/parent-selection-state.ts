/**
 * The parent-selection fields of the new-experiment form as plain data: the inputs' strings,
 * the emitter fields they make, and the way back from a stored emitter (clone, templates; runs on
 * the server too, so no "use client" here).
 */
import { PARENT_POLICIES, type ParentPolicy } from "@/lib/llm/parent-selection";

export interface ParentSelectionState {
  policy: ParentPolicy;
  floor: string;
  exponent: string;
  sharpness: string;
  k: string;
  exploitShare: string;
  mixExponent: string;
  crossoverRate: string;
}

export const DEFAULT_PARENT_SELECTION: ParentSelectionState = { policy: "uniform", floor: "0.05", exponent: "1", sharpness: "10", k: "3", exploitShare: "0.5", mixExponent: "2", crossoverRate: "0" };

const num = (s: string) => Number(s.trim());

/** The emitter fields for a state; a uniform policy without crossover adds nothing (the defaults). */
export function parentSelectionConfig(s: ParentSelectionState): Record<string, unknown> {
  const p = s.policy;
  const parentSelection =
    p === "fitness"
      ? { policy: p, floor: num(s.floor) }
      : p === "power-law"
        ? { policy: p, exponent: num(s.exponent) }
        : p === "dgm"
          ? { policy: p, sharpness: num(s.sharpness) }
          : p === "novelty"
            ? { policy: p, k: num(s.k) }
            : p === "mix"
              ? { policy: p, exploitShare: num(s.exploitShare), exponent: num(s.mixExponent) }
              : { policy: p };
  return {
    ...(p !== "uniform" ? { parentSelection } : {}),
    ...(s.crossoverRate.trim() !== "" && num(s.crossoverRate) !== 0 ? { crossoverRate: num(s.crossoverRate) } : {}),
  };
}

/** A stored emitter's fields back into the state (cloning a run, templates). */
export function parentSelectionState(em: Record<string, unknown>): ParentSelectionState {
  const ps = (em.parentSelection ?? {}) as Record<string, unknown>;
  const str = (v: unknown, d: string) => (v === undefined || v === null ? d : String(v));
  const policy = (PARENT_POLICIES as readonly string[]).includes(String(ps.policy)) ? (ps.policy as ParentPolicy) : "uniform";
  const d = DEFAULT_PARENT_SELECTION;
  return {
    policy,
    floor: str(ps.floor, d.floor),
    exponent: policy === "power-law" ? str(ps.exponent, d.exponent) : d.exponent,
    sharpness: str(ps.sharpness, d.sharpness),
    k: str(ps.k, d.k),
    exploitShare: str(ps.exploitShare, d.exploitShare),
    mixExponent: policy === "mix" ? str(ps.exponent, d.mixExponent) : d.mixExponent,
    crossoverRate: str(em.crossoverRate, d.crossoverRate),
  };
}

