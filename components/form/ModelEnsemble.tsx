"use client";
/**
 * The LLM section's ensemble: more models besides the main one (each optionally on its own server,
 * with its own prices), how each call's model is chosen (fixed weights or a bandit rewarded by archive
 * gain per dollar), and the search strategy (evolution, or the best-of-N baseline).
 */
import { Field } from "./Field";

export interface ExtraModelRow {
  key: number;
  model: string;
  baseURL: string;
  weight: string;
  pricePrompt: string;
  priceCompletion: string;
}

export type Selection = "fixed" | "ucb" | "thompson";
export type Strategy = "evolve" | "best-of-n";

let nextKey = 1;
/** Columns of a model row (and of the header above the rows). */
const GRID = "gap-2 sm:grid-cols-[1.2fr_1.8fr_0.6fr_0.8fr_0.8fr_auto]";
export const newModelRow = (over: Partial<Omit<ExtraModelRow, "key">> = {}): ExtraModelRow => ({ key: nextKey++, model: "", baseURL: "", weight: "1", pricePrompt: "", priceCompletion: "", ...over });

const SELECTIONS: [Selection, string, string][] = [
  ["fixed", "Fixed weights", "each call draws a model by its weight"],
  ["ucb", "UCB bandit", "favours the model with the most archive gain per dollar, exploring by confidence bounds"],
  ["thompson", "Thompson sampling", "the same reward, exploring by sampling each model's chance to improve the archive"],
];

const STRATEGIES: [Strategy, string, string][] = [
  ["evolve", "Evolve", "parents, inspirations, feedback and a target niche from the archive"],
  ["best-of-n", "Best-of-N baseline", "every child sampled from the seeds with no archive feedback: run it beside an evolutionary run and compare"],
];

export function ModelEnsemble({
  rows,
  onRows,
  weight,
  onWeight,
  selection,
  onSelection,
  strategy,
  onStrategy,
  err,
}: {
  rows: ExtraModelRow[];
  onRows(rows: ExtraModelRow[]): void;
  /** The main model's weight (fixed selection). */
  weight: string;
  onWeight(w: string): void;
  selection: Selection;
  onSelection(s: Selection): void;
  strategy: Strategy;
  onStrategy(s: Strategy): void;
  err(path: string): string | undefined;
}) {
  const set = (key: number, patch: Partial<ExtraModelRow>) => onRows(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <div className="space-y-4">
      <div>
        <p className="mb-1.5 text-sm font-medium text-slate-700 dark:text-slate-300">More models</p>
        {rows.length > 0 && (
          <div className={`${GRID} mb-1 hidden px-2 text-xs text-slate-500 sm:grid dark:text-slate-400`} aria-hidden="true">
            <span>Model</span>
            <span>Base URL</span>
            <span>Weight</span>
            <span>Prompt $ / 1M</span>
            <span>Completion $ / 1M</span>
            <span className="w-8" />
          </div>
        )}
        {rows.length > 0 && (
          <ul className="space-y-2" aria-label="More models">
            {rows.map((r, i) => (
              <li key={r.key} className={`${GRID} grid items-start gap-2 rounded-md border border-slate-200 p-2 dark:border-slate-800`}>
                <Field srOnlyLabel label={`Model ${i + 2}`} value={r.model} onChange={(e) => set(r.key, { model: e.target.value })} error={err(`emitter.models.${i + 1}.model`)} mono spellCheck={false} placeholder="model name" />
                <Field srOnlyLabel label={`Base URL of model ${i + 2}`} type="url" value={r.baseURL} onChange={(e) => set(r.key, { baseURL: e.target.value })} error={err(`emitter.models.${i + 1}.baseURL`)} mono spellCheck={false} placeholder="same server" />
                <Field srOnlyLabel label={`Weight of model ${i + 2}`} type="number" step="any" min={0} value={r.weight} onChange={(e) => set(r.key, { weight: e.target.value })} error={err(`emitter.models.${i + 1}.weight`)} disabled={selection !== "fixed"} />
                <Field srOnlyLabel label={`Prompt price of model ${i + 2}`} type="number" step="any" min={0} value={r.pricePrompt} onChange={(e) => set(r.key, { pricePrompt: e.target.value })} placeholder="list" />
                <Field srOnlyLabel label={`Completion price of model ${i + 2}`} type="number" step="any" min={0} value={r.priceCompletion} onChange={(e) => set(r.key, { priceCompletion: e.target.value })} placeholder="list" />
                <button
                  type="button"
                  onClick={() => onRows(rows.filter((x) => x.key !== r.key))}
                  className="w-8 rounded-md px-2 py-1.5 text-sm text-slate-500 hover:bg-slate-100 hover:text-rose-700 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-rose-300"
                  aria-label={`Remove model ${i + 2}`}
                >
                  ✕
                </button>
              </li>
            ))}
          </ul>
        )}
        <button type="button" onClick={() => onRows([...rows, newModelRow()])} className="mt-2 text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400">
          + Add a model
        </button>
        <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
          An ensemble: each call goes to one model, on its own server if you give one (with the key variable above). Prices are USD per 1M tokens; blank uses the list price.
        </p>
      </div>
      {rows.length > 0 && (
        <fieldset>
          <legend className="mb-1.5 text-sm font-medium text-slate-700 dark:text-slate-300">Model choice</legend>
          <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
            {SELECTIONS.map(([value, label, hint]) => (
              <label key={value} className="flex max-w-64 items-start gap-2">
                <input type="radio" name="model-selection" className="mt-1" value={value} checked={selection === value} onChange={() => onSelection(value)} />
                <span>
                  {label}
                  <span className="block text-xs text-slate-500 dark:text-slate-400">{hint}</span>
                </span>
              </label>
            ))}
          </div>
          {selection === "fixed" && (
            <div className="mt-2 max-w-48">
              <Field label="Weight of the main model" type="number" step="any" min={0} value={weight} onChange={(e) => onWeight(e.target.value)} error={err("emitter.models.0.weight")} />
            </div>
          )}
        </fieldset>
      )}
      <fieldset>
        <legend className="mb-1.5 text-sm font-medium text-slate-700 dark:text-slate-300">Strategy</legend>
        <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
          {STRATEGIES.map(([value, label, hint]) => (
            <label key={value} className="flex max-w-80 items-start gap-2">
              <input type="radio" name="llm-strategy" className="mt-1" value={value} checked={strategy === value} onChange={() => onStrategy(value)} />
              <span>
                {label}
                <span className="block text-xs text-slate-500 dark:text-slate-400">{hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

const num = (s: string) => (s.trim() === "" ? undefined : Number(s));

/**
 * The emitter fields of the main model plus the extra rows: `model` alone, or `models` with weights,
 * per-model baseURLs and prices, and the selection and strategy when they are not the defaults.
 */
export function ensembleFields(main: { model: string; weight: string; pricePrompt: string; priceCompletion: string }, rows: ExtraModelRow[], selection: Selection, strategy: Strategy) {
  const extra = rows.filter((r) => r.model.trim() || r.baseURL.trim());
  const prices: Record<string, { prompt: number | undefined; completion: number | undefined }> = {};
  const price = (name: string, p: string, c: string) => {
    if (p.trim() || c.trim()) prices[name || "model"] = { prompt: num(p), completion: num(c) };
  };
  price(main.model, main.pricePrompt, main.priceCompletion);
  for (const r of extra) price(r.model.trim(), r.pricePrompt, r.priceCompletion);
  return {
    ...(extra.length
      ? {
          models: [
            { model: main.model, ...(selection === "fixed" && main.weight.trim() ? { weight: num(main.weight) } : {}) },
            ...extra.map((r) => ({ model: r.model.trim(), ...(r.baseURL.trim() ? { baseURL: r.baseURL.trim() } : {}), ...(selection === "fixed" && r.weight.trim() ? { weight: num(r.weight) } : {}) })),
          ],
          ...(selection !== "fixed" ? { modelSelection: selection } : {}),
        }
      : main.model
        ? { model: main.model }
        : {}),
    ...(Object.keys(prices).length ? { prices } : {}),
    ...(strategy !== "evolve" ? { strategy } : {}),
  };
}
