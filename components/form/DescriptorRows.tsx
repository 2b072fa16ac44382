"use client";
/**
 * Behaviour descriptors as editable rows: name, (metric), min, max, bins; add, remove, move up/down.
 * LLM runs add a rubric line under each row: what the ends of the range mean, for the LLM judge.
 */
import { Fragment, useId } from "react";
import { inputClass } from "./Field";

export interface DescriptorRow {
  key: number;
  name: string;
  min: string;
  max: string;
  bins: string;
  /** User evaluators: read the value from this key of the evaluator's metrics ("" = its descriptors array). */
  metric: string;
  /** LLM-judged rows: what the ends of the range mean, e.g. "0 = melancholic … 1 = joyful" ("" = none). */
  rubric?: string;
  /** `"range": "auto"`: the bounds follow the values seen (min and max are not sent). */
  auto?: boolean;
}

interface Props {
  rows: DescriptorRow[];
  onChange(rows: DescriptorRow[]): void;
  errors: Record<string, string>;
  /** For built-in domains: what measure feeds row i. */
  sources?: string[];
  showBins: boolean;
  /** User evaluators: show the "from metric" column. */
  showMetric?: boolean;
  /** Offered in the metric column (llm-code: the task's metrics). */
  metricSuggestions?: { name: string; description: string }[];
  /** LLM runs: a rubric line under each row ("required": every row is judged, llm-text). */
  showRubric?: boolean | "required";
  /** Offer `"range": "auto"` per row (grid archives of evaluated or LLM runs). */
  showAuto?: boolean;
}

let nextKey = 1000;
export const newRowKey = () => nextKey++;

const iconBtn =
  "inline-flex h-8 w-8 items-center justify-center rounded-md border border-slate-300 text-slate-600 hover:bg-slate-100 disabled:opacity-30 disabled:hover:bg-transparent dark:border-slate-700 dark:text-slate-300 dark:hover:bg-slate-800";

export function DescriptorRows({ rows, onChange, errors, sources, showBins, showMetric, metricSuggestions, showRubric, showAuto }: Props) {
  const listId = useId();
  const columns = 4 + (showMetric ? 1 : 0) + (showBins ? 1 : 0) + (showAuto ? 1 : 0) + 1;
  const set = (i: number, patch: Partial<DescriptorRow>) => onChange(rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const move = (i: number, by: number) => {
    const next = [...rows];
    const [r] = next.splice(i, 1);
    next.splice(i + by, 0, r!);
    onChange(next);
  };
  const cell = (i: number, field: keyof DescriptorRow, label: string, type = "number", extra: object = {}) => {
    const err = errors[`descriptors.${i}.${field}`];
    return (
      <td className="px-1 py-1 align-top">
        <input
          aria-label={`Descriptor ${i + 1} ${label}`}
          type={type}
          step="any"
          className={inputClass}
          value={String(rows[i]![field])}
          aria-invalid={err ? true : undefined}
          onChange={(e) => set(i, { [field]: e.target.value })}
          {...extra}
        />
        {err && <p className="mt-1 text-xs text-rose-600 dark:text-rose-400">{err}</p>}
      </td>
    );
  };
  return (
    <div>
      <table className="w-full text-sm">
        <caption className="sr-only">Behaviour descriptors</caption>
        <thead className="text-left text-xs text-slate-500 dark:text-slate-400">
          <tr>
            <th className="w-6 px-1 font-medium">#</th>
            <th className="px-1 font-medium">Name</th>
            {showMetric && (
              <th className="w-36 px-1 font-medium" title="Optional. Leave empty to read descriptors[i] of the evaluator's result">
                From metric
              </th>
            )}
            <th className={`${showMetric ? "w-20" : "w-28"} px-1 font-medium`}>Min</th>
            <th className={`${showMetric ? "w-20" : "w-28"} px-1 font-medium`}>Max</th>
            {showAuto && (
              <th className="w-12 px-1 font-medium" title="The range follows the values seen so far; the archive is re-binned as it grows">
                Auto
              </th>
            )}
            {showBins && <th className={`${showMetric ? "w-16" : "w-24"} px-1 font-medium`}>Bins</th>}
            <th className="w-[6.75rem] px-1">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <Fragment key={r.key}>
            <tr>
              <td className="px-1 pt-2.5 align-top text-xs text-slate-400 tabular-nums">{i + 1}</td>
              <td className="px-1 py-1 align-top">
                <input
                  aria-label={`Descriptor ${i + 1} name`}
                  className={inputClass}
                  value={r.name}
                  aria-invalid={errors[`descriptors.${i}.name`] ? true : undefined}
                  onChange={(e) => set(i, { name: e.target.value })}
                />
                {errors[`descriptors.${i}.name`] ? (
                  <p className="mt-1 text-xs text-rose-600 dark:text-rose-400">{errors[`descriptors.${i}.name`]}</p>
                ) : sources?.[i] ? (
                  <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{sources[i]}</p>
                ) : null}
              </td>
              {showMetric && (
                <td className="px-1 py-1 align-top">
                  <input
                    aria-label={`Descriptor ${i + 1} from metric`}
                    className={`${inputClass} font-mono`}
                    value={r.metric}
                    list={metricSuggestions?.length ? listId : undefined}
                    placeholder={showRubric ? "or a rubric" : "optional"}
                    aria-invalid={errors[`descriptors.${i}.metric`] ? true : undefined}
                    onChange={(e) => set(i, { metric: e.target.value })}
                  />
                  {errors[`descriptors.${i}.metric`] && <p className="mt-1 text-xs text-rose-600 dark:text-rose-400">{errors[`descriptors.${i}.metric`]}</p>}
                </td>
              )}
              {cell(i, "min", "min", "number", showAuto && r.auto ? { disabled: true, value: "", placeholder: "auto" } : {})}
              {cell(i, "max", "max", "number", showAuto && r.auto ? { disabled: true, value: "", placeholder: "auto" } : {})}
              {showAuto && (
                <td className="px-1 pt-2.5 align-top text-center">
                  <input type="checkbox" aria-label={`Descriptor ${i + 1} auto range`} checked={!!r.auto} onChange={(e) => set(i, { auto: e.target.checked })} />
                </td>
              )}
              {showBins && cell(i, "bins", "bins", "number", { min: 1, step: 1 })}
              <td className="px-1 py-1 align-top">
                <div className="flex gap-1">
                  <button type="button" className={iconBtn} aria-label={`Move descriptor ${i + 1} up`} disabled={i === 0} onClick={() => move(i, -1)}>
                    ↑
                  </button>
                  <button type="button" className={iconBtn} aria-label={`Move descriptor ${i + 1} down`} disabled={i === rows.length - 1} onClick={() => move(i, 1)}>
                    ↓
                  </button>
                  <button type="button" className={iconBtn} aria-label={`Remove descriptor ${i + 1}`} onClick={() => onChange(rows.filter((_, k) => k !== i))}>
                    ✕
                  </button>
                </div>
              </td>
            </tr>
            {showRubric && (
              <tr>
                <td />
                <td colSpan={columns - 2} className="px-1 pb-3 align-top">
                  <div className="flex items-start gap-2">
                    <span className="pt-1.5 text-xs text-slate-500 dark:text-slate-400">Rubric</span>
                    <div className="min-w-0 flex-1">
                      <input
                        aria-label={`Descriptor ${i + 1} rubric`}
                        className={inputClass}
                        value={r.rubric ?? ""}
                        placeholder={showRubric === "required" ? "0 = melancholic … 1 = joyful" : "optional, judged by the LLM instead of a metric: 0 = … 1 = …"}
                        aria-invalid={errors[`descriptors.${i}.rubric`] ? true : undefined}
                        onChange={(e) => set(i, { rubric: e.target.value })}
                      />
                      {(errors[`descriptors.${i}.rubric`] ?? errors[`descriptors.${i}`]) && (
                        <p className="mt-1 text-xs text-rose-600 dark:text-rose-400">{errors[`descriptors.${i}.rubric`] ?? errors[`descriptors.${i}`]}</p>
                      )}
                    </div>
                  </div>
                </td>
                <td />
              </tr>
            )}
            </Fragment>
          ))}
        </tbody>
      </table>
      {metricSuggestions?.length ? (
        <datalist id={listId}>
          {metricSuggestions.map((m) => (
            <option key={m.name} value={m.name}>
              {m.description}
            </option>
          ))}
        </datalist>
      ) : null}
      {errors.descriptors && (
        <p role="alert" className="mt-2 text-xs text-rose-600 dark:text-rose-400">
          {errors.descriptors}
        </p>
      )}
      <button
        type="button"
        className="mt-2 rounded-md border border-dashed border-slate-300 px-3 py-1.5 text-sm text-slate-600 hover:border-indigo-400 hover:text-indigo-600 dark:border-slate-700 dark:text-slate-300 dark:hover:text-indigo-400"
        onClick={() => onChange([...rows, { key: newRowKey(), name: `descriptor ${rows.length + 1}`, min: "0", max: "1", bins: "10", metric: "", rubric: "" }])}
      >
        + Add descriptor
      </button>
    </div>
  );
}
