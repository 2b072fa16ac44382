/**
 * The bandit's mixed emitter pool (extraEmitters): groups after the emitter above, each a registered kind
 * with its fields and a count; one click fills pyribs' ME-MAP-Elites pool.
 */
import { emitterKindOf } from "@/lib/registry/emitters";
import { cmaMe } from "@/lib/registry/emitters/cma-me";
import { banditScheduler } from "@/lib/registry/schedulers/bandit";
import { Field, SelectField } from "../Field";
import { KindFields, kindValues } from "../KindFields";
import { ME_MAP_ELITES, newPoolRow, POOL_ROW_KINDS, type PoolRow } from "../bandit-pool";
import type { SectionProps } from "./props";

export function PoolFields({ s, set, err }: SectionProps) {
  const rows = s.extraEmitters;
  const update = (key: string, f: (r: PoolRow) => PoolRow) => set((st) => ({ extraEmitters: st.extraEmitters.map((r) => (r.key === key ? f(r) : r)) }));
  const usePyribs = () =>
    set((st) => ({
      emitter: "cma-me",
      emitterParams: { ...st.emitterParams, "cma-me": kindValues(cmaMe, ME_MAP_ELITES.emitter) },
      extraEmitters: ME_MAP_ELITES.extra.map((e) => newPoolRow(e.type, e)),
      schedulerParams: { ...st.schedulerParams, bandit: kindValues(banditScheduler, ME_MAP_ELITES.scheduler) },
      batchSize: ME_MAP_ELITES.batchSize,
    }));
  const pool = [s.emitterParams[s.emitter]?.count ?? "1", ...rows.map((r) => r.params[r.type]?.count ?? "")].reduce((n, c) => n + (Number(c) || 0), 0);
  return (
    <div className="mt-4" data-testid="pool-fields">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="text-sm font-medium text-slate-700 dark:text-slate-300">Emitter pool</p>
        <button type="button" onClick={usePyribs} className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          Use pyribs&apos; ME-MAP-Elites pool
        </button>
      </div>
      <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
        The bandit chooses among the emitter above (its count) and these groups: {pool.toLocaleString("en-US")} emitters in all. Batch size is per emitter.
        {err("extraEmitters") && <span className="block text-rose-600 dark:text-rose-400">{err("extraEmitters")}</span>}
      </p>
      {rows.length > 0 && (
        <ol className="mt-2 space-y-2" aria-label="More emitter groups">
          {rows.map((r, i) => {
            const kind = emitterKindOf({ type: r.type });
            const prefix = `extraEmitters.${i}`;
            const values = r.params[r.type] ?? {};
            return (
              <li key={r.key} className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
                <div className="grid items-start gap-3 sm:grid-cols-3">
                  <SelectField
                    label={`Group ${i + 2}`}
                    value={r.type}
                    onChange={(type) => update(r.key, (x) => ({ ...x, type }))}
                    options={POOL_ROW_KINDS.map((k) => ({ value: k.type, label: k.label }))}
                    hint={err(`${prefix}.type`) ? <span className="text-rose-600 dark:text-rose-400">{err(`${prefix}.type`)}</span> : kind.help}
                  />
                  {!kind.fields.some((f) => f.key === "count") && (
                    <Field
                      label="Emitters"
                      type="number"
                      step={1}
                      min={1}
                      value={values.count ?? ""}
                      onChange={(e) => update(r.key, (x) => ({ ...x, params: { ...x.params, [x.type]: { ...x.params[x.type], count: e.target.value } } }))}
                      error={err(`${prefix}.count`)}
                      hint="Emitters of this group in the pool"
                    />
                  )}
                  <KindFields kind={kind} values={values} onChange={(key, value) => update(r.key, (x) => ({ ...x, params: { ...x.params, [x.type]: { ...x.params[x.type], [key]: value } } }))} error={err} prefix={prefix} />
                </div>
                <button
                  type="button"
                  onClick={() => set((st) => ({ extraEmitters: st.extraEmitters.filter((x) => x.key !== r.key) }))}
                  className="mt-2 text-xs font-medium text-slate-500 hover:text-rose-700 hover:underline dark:text-slate-400 dark:hover:text-rose-300"
                  aria-label={`Remove group ${i + 2}`}
                >
                  Remove group {i + 2}
                </button>
              </li>
            );
          })}
        </ol>
      )}
      <button type="button" onClick={() => set((st) => ({ extraEmitters: [...st.extraEmitters, newPoolRow("iso-line")] }))} className="mt-2 text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
        + Add an emitter group
      </button>
    </div>
  );
}
