/**
 * The bandit's mixed emitter pool in the form (pyribs ME-MAP-Elites): rows of extra emitter groups after
 * the emitter above, each a registered kind with its fields and a count. Pure (state and config).
 */
import { emitterKindOf } from "@/lib/registry/emitters";
import { BANDIT_MEMBER_KINDS } from "@/lib/registry/schedulers/bandit-pool";
import { kindConfig, kindValues } from "./KindFields";

/** Kinds a mixed pool's extra groups may be (CMA-MAE pools are one group: its thresholds are the archive's). */
export const POOL_ROW_KINDS = BANDIT_MEMBER_KINDS.filter((k) => k.type !== "cma-mae");

export interface PoolRow {
  key: string;
  type: string;
  /** Every offered kind's fields as typed (switching kinds keeps them), plus `count` for kinds without a count field. */
  params: Record<string, Record<string, string>>;
}

let nextKey = 0;
const hasCountField = (type: string) => emitterKindOf({ type }).fields.some((f) => f.key === "count");

export function newPoolRow(type = "cma-me", preset?: Record<string, unknown>): PoolRow {
  const params = Object.fromEntries(
    POOL_ROW_KINDS.map((k) => {
      const values = kindValues(k, k.type === type ? preset : undefined);
      if (!hasCountField(k.type)) values.count = String((k.type === type ? preset?.count : undefined) ?? 1);
      return [k.type, values];
    }),
  );
  return { key: `pool${nextKey++}`, type, params };
}

/** A row's config: the kind's fields, and `count` for the mutation kinds (their own schemas have none). */
export function poolRowConfig(r: PoolRow): Record<string, unknown> {
  const values = r.params[r.type] ?? {};
  const config = kindConfig(emitterKindOf({ type: r.type }), values);
  if (!hasCountField(r.type) && (values.count ?? "").trim() !== "") config.count = Number(values.count);
  return config;
}

/** pyribs' me_map_elites (examples/sphere.py): 15 CMA-ME obj (the emitter), then 15 × 2rd, 15 × 2imp, 15 Iso+LineDD; 15 active. */
export const ME_MAP_ELITES = {
  emitter: { type: "cma-me", sigma0: 0.5, count: 15, ranker: "obj", selectionRule: "filter", restartRule: "no_improvement" },
  extra: [
    { type: "cma-me", sigma0: 0.5, count: 15, ranker: "2rd", selectionRule: "filter", restartRule: "no_improvement" },
    { type: "cma-me", sigma0: 0.5, count: 15, ranker: "2imp", selectionRule: "filter", restartRule: "no_improvement" },
    { type: "iso-line", isoSigma: 0.01, lineSigma: 0.1, count: 15 },
  ],
  scheduler: { type: "bandit", numActive: 15, reselect: "terminated", zeta: 0.05 },
  batchSize: "36",
} as const;
