/**
 * The bandit scheduler's mixed emitter pool (pyribs ME-MAP-Elites): the experiment's `emitter` is the
 * first group, `extraEmitters` the others, each `count` emitters of one registered kind. Every pool
 * member is an emitter chain in a distributed run (CMA-ES state, or a mutation emitter's RNG).
 */
import { z } from "zod";
import { cmaMae } from "../emitters/cma-mae";
import { cmaMe } from "../emitters/cma-me";
import { gaussian } from "../emitters/gaussian";
import { isoLine } from "../emitters/iso-line";
import { positiveInt } from "../params";

/** Kinds a bandit pool may hold: pyribs' BanditScheduler runs no DQD emitters. */
export const BANDIT_MEMBER_KINDS = [cmaMe, cmaMae, isoLine, gaussian] as const;
export const BANDIT_MEMBER_TYPES: readonly string[] = BANDIT_MEMBER_KINDS.map((k) => k.type);
/** Emitters in a whole pool at most (each one a stored chain). */
export const MAX_POOL = 1000;

const memberCount = positiveInt("extraEmitters[].count", MAX_POOL).default(1);

/** One group of the pool after the experiment's `emitter`: a registered kind's config plus `count`. */
export const ExtraEmitterConfig = z.discriminatedUnion(
  "type",
  [cmaMe.schema, cmaMae.schema, isoLine.schema.extend({ count: memberCount }), gaussian.schema.extend({ count: memberCount })],
  { error: `extraEmitters[].type must be one of ${BANDIT_MEMBER_TYPES.map((t) => `"${t}"`).join(", ")} (the bandit scheduler runs no gradient (DQD) emitters)` },
);
export type ExtraEmitterConfig = z.infer<typeof ExtraEmitterConfig>;

export const ExtraEmittersConfig = z
  .array(ExtraEmitterConfig, { error: "extraEmitters must be an array of emitter groups, e.g. [{ \"type\": \"iso-line\", \"count\": 15 }]" })
  .min(1, "extraEmitters must hold at least one group (or leave it out)")
  .max(16, "extraEmitters holds at most 16 groups");

/** A pool group as the runs use it: its config and the chains it owns [first, first + count). */
export interface PoolGroup {
  emitter: { type: string; count?: number } & Record<string, unknown>;
  count: number;
  first: number;
}

/** The pool of a config: `emitter` (count 1 for kinds without one), then each extra group, in chain order. */
export function poolGroups(config: { emitter: { type: string }; extraEmitters?: readonly { type: string; count?: number }[] }): PoolGroup[] {
  const groups: PoolGroup[] = [];
  let first = 0;
  for (const e of [config.emitter, ...(config.extraEmitters ?? [])]) {
    const count = (e as { count?: number }).count ?? 1;
    groups.push({ emitter: e as PoolGroup["emitter"], count, first });
    first += count;
  }
  return groups;
}

/** The group chain `chain` belongs to. */
export function groupOfChain(groups: readonly PoolGroup[], chain: number): PoolGroup {
  const g = groups.find((x) => chain >= x.first && chain < x.first + x.count);
  if (!g) throw new Error(`chain ${chain} is outside the pool of ${groups.reduce((n, x) => n + x.count, 0)}`);
  return g;
}

/** A short name of a group for tables and logs, e.g. "cma-me obj" or "iso-line σ 0.01 / 0.1". */
export function groupLabel(e: { type: string } & Record<string, unknown>): string {
  if (e.type === "cma-me" || e.type === "cma-mae") return `${e.type} ${String(e.ranker ?? "")}`.trim();
  if (e.type === "iso-line") return `iso-line ${e.isoSigma ?? ""} / ${e.lineSigma ?? ""}`;
  if (e.type === "gaussian") return `gaussian σ ${e.sigma ?? ""}`;
  return e.type;
}
