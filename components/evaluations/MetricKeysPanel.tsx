"use client";
/** The keys of the evaluator's `metrics` the run has produced so far: how often and over what range. */
import { memo } from "react";
import { fmtInt, fmtNum } from "@/components/lib/format";
import type { MetricKeyInfo, StageCount } from "@/components/lib/types";

interface Props {
  keys: MetricKeyInfo[] | null;
  /** Solutions that carried metrics. */
  from: number;
  /** Metric key → the descriptor row it feeds. */
  usedBy: Record<string, string>;
  /** Evaluation cascade: evaluated candidates by the last stage they ran. */
  stages?: StageCount[];
}

export const MetricKeysPanel = memo(function MetricKeysPanel({ keys, from, usedBy, stages }: Props) {
  if (!keys) return <p className="text-sm text-slate-500 dark:text-slate-400">Loading metrics…</p>;
  const missing = Object.keys(usedBy).filter((k) => !keys.some((x) => x.key === k));
  return (
    <div className="space-y-2">
      {keys.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400" data-testid="metrics-empty">
          No metrics reported yet. An evaluator may return <code className="font-mono text-xs">{`{"metrics": {"name": number}}`}</code> next to its fitness.
        </p>
      ) : (
        <>
          <p className="text-xs text-slate-500 tabular-nums dark:text-slate-400">From {fmtInt(from)} evaluated candidates.</p>
          {stages && stages.length > 0 && (
            <p className="text-xs text-slate-600 tabular-nums dark:text-slate-300" data-testid="cascade-stages">
              Cascade: {stages.map((s) => `${fmtInt(s.count)} stopped at stage ${s.stage}`).join(" · ")}
            </p>
          )}
          <table className="w-full text-sm" data-testid="metric-keys">
            <thead className="text-left text-xs text-slate-500 dark:text-slate-400">
              <tr>
                <th className="pb-1 font-medium">Key</th>
                <th className="pb-1 text-right font-medium">Count</th>
                <th className="pb-1 text-right font-medium">Range</th>
              </tr>
            </thead>
            <tbody className="tabular-nums">
              {keys.map((k) => (
                <tr key={k.key} className="border-t border-slate-100 dark:border-slate-800">
                  <td className="py-1 pr-2 align-top">
                    <span className="break-all font-mono text-xs">{k.key}</span>
                    {usedBy[k.key] && <span className="ml-1.5 rounded bg-indigo-50 px-1 py-px text-[10px] font-medium text-indigo-700 dark:bg-indigo-950/60 dark:text-indigo-300">descriptor: {usedBy[k.key]}</span>}
                  </td>
                  <td className="py-1 text-right align-top text-xs">{fmtInt(k.count)}</td>
                  <td className="whitespace-nowrap py-1 pl-2 text-right align-top text-xs text-slate-600 dark:text-slate-300">
                    {k.min == null ? "—" : k.min === k.max ? fmtNum(k.min) : `${fmtNum(k.min)} … ${fmtNum(k.max)}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {missing.length > 0 && (
        <p className="text-xs text-amber-700 dark:text-amber-300" data-testid="metrics-missing">
          No candidate has reported {missing.map((m) => `"${m}"`).join(", ")} yet; a descriptor reads {missing.length > 1 ? "them" : "it"}, so candidates without {missing.length > 1 ? "them" : "it"} fail.
        </p>
      )}
    </div>
  );
});
