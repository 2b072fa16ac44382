"use client";
/**
 * An LLM run's models: per model, its calls, cost, the archive gain of its children and its
 * improvements, and the same over the run (share of calls and cumulative gain against evaluations),
 * so a bandit's shift toward the model that pays is visible as it happens.
 */
import { memo, useMemo, useState } from "react";
import { LineChart } from "@/components/charts/LineChart";
import { fmtInt, fmtNum, fmtPct, fmtUsd } from "@/components/lib/format";
import type { ModelsReport } from "@/components/lib/use-models";

/** Okabe–Ito hues (colour-blind safe), distinct from the run's own indigo curves. */
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442"];

const SELECTION_LABEL: Record<string, string> = {
  fixed: "fixed weights",
  ucb: "UCB bandit (archive gain per dollar)",
  thompson: "Thompson-sampling bandit (archive gain per dollar)",
};

type Curve = "share" | "pulls" | "gain" | "costUsd" | "improvements";
const CURVES: { key: Curve; label: string; format: (v: number) => string }[] = [
  { key: "share", label: "Share of calls", format: (v) => `${(100 * v).toFixed(0)}%` },
  { key: "gain", label: "Archive gain", format: (v) => fmtNum(v) },
  { key: "improvements", label: "Improvements", format: (v) => fmtInt(v) },
  { key: "costUsd", label: "Cost", format: (v) => fmtUsd(v) },
  { key: "pulls", label: "Calls", format: (v) => fmtInt(v) },
];

export const ModelsPanel = memo(function ModelsPanel({ report, error }: { report: ModelsReport | null; error: string | null }) {
  const [curve, setCurve] = useState<Curve>("share");
  const colors = useMemo(() => Object.fromEntries((report?.models ?? []).map((m, i) => [m.model, PALETTE[i % PALETTE.length]!])), [report]);
  const series = useMemo(() => {
    if (!report) return [];
    return report.models.map((m) => ({
      name: m.model,
      color: colors[m.model]!,
      points: report.series.flatMap((p) => {
        const s = p.models[m.model];
        if (!s) return [];
        if (curve !== "share") return [{ x: p.evaluations, y: s[curve] }];
        const total = Object.values(p.models).reduce((t, x) => t + x.pulls, 0);
        return total ? [{ x: p.evaluations, y: s.pulls / total }] : [];
      }),
    }));
  }, [report, curve, colors]);
  if (error && !report) return <p className="text-sm text-rose-700 dark:text-rose-300">Could not load the models: {error}</p>;
  if (!report) return <p className="text-sm text-slate-500 dark:text-slate-400">Loading the models…</p>;
  const spent = report.models.some((m) => m.costUsd > 0);
  const def = CURVES.find((c) => c.key === curve)!;
  return (
    <div className="space-y-4" data-testid="models-panel">
      <p className="text-xs text-slate-600 dark:text-slate-400">
        Model choice: <span className="font-medium text-slate-800 dark:text-slate-200">{SELECTION_LABEL[report.modelSelection ?? "fixed"] ?? report.modelSelection}</span>
        {report.strategy === "best-of-n" && (
          <>
            {" "}
            · strategy <span className="font-medium text-slate-800 dark:text-slate-200">best-of-N</span> (every child from a seed, no archive feedback)
          </>
        )}
        . Gain is the QD-score a model&apos;s children added to the archive.
      </p>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" aria-label="Models">
          <thead className="border-b border-slate-200 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
            <tr>
              <th scope="col" className="py-1.5 pr-3 font-medium">Model</th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">Calls</th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">Improvements</th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">Archive gain</th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">Cost</th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">{spent ? "Gain per $" : "Gain per call"}</th>
              <th scope="col" className="py-1.5 pl-3 text-right font-medium" title="The bandit's value of the model without exploration (gain per call over relative cost), the best model = 100%">
                Value
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 tabular-nums dark:divide-slate-800">
            {report.models.map((m) => (
              <tr key={m.model}>
                <td className="max-w-64 py-1.5 pr-3">
                  <span className="mr-2 inline-block h-2.5 w-2.5 rounded-full align-middle" style={{ background: colors[m.model] }} aria-hidden="true" />
                  <span className="font-mono text-xs" title={m.model}>
                    {m.model}
                  </span>
                  {m.provider && <span className="ml-2 text-xs text-slate-500 dark:text-slate-400">{m.provider}</span>}
                </td>
                <td className="px-3 py-1.5 text-right">
                  {fmtInt(m.pulls)} <span className="text-xs text-slate-500 dark:text-slate-400">({fmtPct(m.share, 0)})</span>
                </td>
                <td className="px-3 py-1.5 text-right">
                  {fmtInt(m.improvements)} <span className="text-xs text-slate-500 dark:text-slate-400">({fmtPct(m.pulls ? m.improvements / m.pulls : null, 0)})</span>
                </td>
                <td className="px-3 py-1.5 text-right">{fmtNum(m.gain)}</td>
                <td className="px-3 py-1.5 text-right">{fmtUsd(m.costUsd)}</td>
                <td className="px-3 py-1.5 text-right">{fmtNum(spent ? m.gainPerDollar : m.gainPerPull)}</td>
                <td className="py-1.5 pl-3 text-right">
                  {m.value == null ? "—" : (
                    <span className="inline-flex items-center gap-2">
                      <span className="inline-block h-1.5 w-14 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800" aria-hidden="true">
                        <span className="block h-full rounded-full" style={{ width: `${Math.round(100 * m.value)}%`, background: colors[m.model] }} />
                      </span>
                      {fmtPct(m.value, 0)}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {report.series.length > 1 ? (
        <div>
          <div className="mb-1 flex flex-wrap gap-1" role="radiogroup" aria-label="Per-model curve">
            {CURVES.map((c) => (
              <label key={c.key} className={`cursor-pointer rounded-md border px-2 py-0.5 text-xs ${curve === c.key ? "border-indigo-500 bg-indigo-50 text-indigo-800 dark:border-indigo-400 dark:bg-indigo-950/60 dark:text-indigo-200" : "border-slate-300 text-slate-600 hover:bg-slate-50 dark:border-slate-700 dark:text-slate-300 dark:hover:bg-slate-800"}`}>
                <input type="radio" name="model-curve" className="sr-only" checked={curve === c.key} onChange={() => setCurve(c.key)} />
                {c.label}
              </label>
            ))}
          </div>
          <LineChart title={`${def.label} per model`} yFormat={def.format} zero series={series} height={200} />
        </div>
      ) : (
        <p className="text-xs text-slate-500 dark:text-slate-400">The per-model curves appear after the run's first snapshots.</p>
      )}
    </div>
  );
});
