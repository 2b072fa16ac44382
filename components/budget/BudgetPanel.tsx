"use client";
/**
 * Where the budget went: evaluations, tokens and cost per outcome, per model, per operator and per
 * island, the outcomes (and cost) over the course of the run, cost per improvement, the evaluator's
 * time histogram and, for cascade evaluators, the stage each candidate reached.
 */
import { memo } from "react";
import { fmtDuration, fmtInt, fmtNum, fmtPct, fmtUsd } from "@/components/lib/format";
import { OUTCOME_KEYS, type BudgetGroup, type BudgetReport, type OutcomeKey } from "@/components/lib/use-budget";

export const OUTCOME_LABEL: Record<OutcomeKey, string> = { new_cell: "new cell", improved: "improved a cell", no_gain: "no gain", invalid: "invalid", failed: "failed", duplicate: "duplicate (not evaluated)" };
/** Okabe–Ito hues (colour-blind safe); "no gain" neutral. */
export const OUTCOME_COLOR: Record<OutcomeKey, string> = { new_cell: "#009E73", improved: "#0072B2", no_gain: "#94a3b8", invalid: "#E69F00", failed: "#D55E00", duplicate: "#CC79A7" };

function OutcomeBar({ outcomes, height = 10, label }: { outcomes: Record<OutcomeKey, number>; height?: number; label: string }) {
  const total = OUTCOME_KEYS.reduce((s, k) => s + outcomes[k], 0);
  const text = OUTCOME_KEYS.filter((k) => outcomes[k] > 0)
    .map((k) => `${OUTCOME_LABEL[k]} ${fmtInt(outcomes[k])}`)
    .join(", ");
  return (
    <div className="flex w-full overflow-hidden rounded-sm bg-slate-100 dark:bg-slate-800" style={{ height }} role="img" aria-label={`${label}: ${text || "nothing yet"}`} title={text}>
      {total > 0 && OUTCOME_KEYS.map((k) => (outcomes[k] > 0 ? <span key={k} style={{ width: `${(100 * outcomes[k]) / total}%`, background: OUTCOME_COLOR[k] }} /> : null))}
    </div>
  );
}

function Legend() {
  return (
    <ul className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-600 dark:text-slate-400" aria-label="Outcomes">
      {OUTCOME_KEYS.map((k) => (
        <li key={k} className="flex items-center gap-1.5">
          <span className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: OUTCOME_COLOR[k] }} aria-hidden="true" />
          {OUTCOME_LABEL[k]}
        </li>
      ))}
    </ul>
  );
}

function GroupTable({ title, groups, cost, label = (k) => k, mono = true }: { title: string; groups: BudgetGroup[]; cost: boolean; label?: (key: string) => string; mono?: boolean }) {
  if (!groups.length) return null;
  const dupes = groups.some((g) => g.duplicates > 0);
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label={title}>
        <thead className="border-b border-slate-200 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
          <tr>
            <th scope="col" className="py-1.5 pr-3 font-medium">
              {title.replace(/^By /, "").replace(/^\w/, (c) => c.toUpperCase())}
            </th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">
              Evaluations
            </th>
            <th scope="col" className="w-1/3 px-3 py-1.5 font-medium">
              Outcomes
            </th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">
              Gains
            </th>
            {dupes && (
              <th scope="col" className="px-3 py-1.5 text-right font-medium" title="Proposals rejected before evaluation as repeats of stored programs, and their share of all proposals">
                Duplicates
              </th>
            )}
            {cost && (
              <>
                <th scope="col" className="px-3 py-1.5 text-right font-medium">
                  Tokens in / out
                </th>
                <th scope="col" className="px-3 py-1.5 text-right font-medium">
                  Cost
                </th>
                <th scope="col" className="py-1.5 pl-3 text-right font-medium">
                  Cost per gain
                </th>
              </>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 tabular-nums dark:divide-slate-800">
          {groups.map((g) => {
            const gains = g.outcomes.new_cell + g.outcomes.improved;
            return (
              <tr key={g.key}>
                <td className={`max-w-56 truncate py-1.5 pr-3 text-xs ${mono ? "font-mono" : ""}`} title={label(g.key)}>
                  {label(g.key)}
                </td>
                <td className="px-3 py-1.5 text-right">{fmtInt(g.evaluations)}</td>
                <td className="px-3 py-1.5">
                  <OutcomeBar outcomes={g.outcomes} label={`${label(g.key)} outcomes`} />
                </td>
                <td className="px-3 py-1.5 text-right" title={`${fmtInt(g.outcomes.new_cell)} new cells, ${fmtInt(g.outcomes.improved)} improvements`}>
                  {fmtInt(gains)} <span className="text-xs text-slate-500 dark:text-slate-400">({fmtPct(g.evaluations ? gains / g.evaluations : null)})</span>
                </td>
                {dupes && (
                  <td className="px-3 py-1.5 text-right" data-testid="duplicate-rate">
                    {fmtInt(g.duplicates)} <span className="text-xs text-slate-500 dark:text-slate-400">({fmtPct(g.duplicateRate)})</span>
                  </td>
                )}
                {cost && (
                  <>
                    <td className="px-3 py-1.5 text-right text-xs">
                      {fmtInt(g.promptTokens)} / {fmtInt(g.completionTokens)}
                    </td>
                    <td className="px-3 py-1.5 text-right">{fmtUsd(g.costUsd)}</td>
                    <td className="py-1.5 pl-3 text-right">{fmtUsd(g.costPerImprovement)}</td>
                  </>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

const islandLabel = (key: string) => (key === "seeds" ? "seeds (every island)" : `island ${key}`);

/** Tokens and cost spent on each outcome: what the money bought, and what it bought nothing with. */
function OutcomeTable({ groups }: { groups: BudgetGroup[] }) {
  const total = groups.reduce((s, g) => s + g.costUsd, 0);
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="By outcome">
        <thead className="border-b border-slate-200 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
          <tr>
            <th scope="col" className="py-1.5 pr-3 font-medium">Outcome</th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">Candidates</th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">Tokens in / out</th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">Cost</th>
            <th scope="col" className="py-1.5 pl-3 text-right font-medium">Share of cost</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 tabular-nums dark:divide-slate-800">
          {groups.map((g) => {
            const k = g.key as OutcomeKey;
            return (
              <tr key={k}>
                <td className="py-1.5 pr-3 text-xs">
                  <span className="mr-1.5 inline-block h-2.5 w-2.5 rounded-sm align-middle" style={{ background: OUTCOME_COLOR[k] }} aria-hidden="true" />
                  {OUTCOME_LABEL[k] ?? k}
                </td>
                <td className="px-3 py-1.5 text-right">{fmtInt(g.evaluations + g.duplicates)}</td>
                <td className="px-3 py-1.5 text-right text-xs">
                  {fmtInt(g.promptTokens)} / {fmtInt(g.completionTokens)}
                </td>
                <td className="px-3 py-1.5 text-right">{fmtUsd(g.costUsd)}</td>
                <td className="py-1.5 pl-3 text-right">{fmtPct(total > 0 ? g.costUsd / total : null)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Cascade evaluators: how far the evaluated candidates got (the last stage each one ran). */
function StageCounts({ stages }: { stages: { stage: number; count: number }[] }) {
  const total = stages.reduce((s, x) => s + x.count, 0);
  const max = Math.max(...stages.map((s) => s.count), 1);
  return (
    <figure className="min-w-0" aria-label="Cascade stages">
      <figcaption className="mb-1 text-xs font-medium text-slate-700 dark:text-slate-300">Cascade: last stage reached</figcaption>
      <ul className="space-y-1 text-xs tabular-nums">
        {stages.map((s) => (
          <li key={s.stage} className="grid grid-cols-[5rem_minmax(0,1fr)_7rem] items-center gap-2" data-testid="cascade-stage">
            <span>stage {s.stage}</span>
            <span className="h-2.5 rounded-sm bg-slate-100 dark:bg-slate-800">
              <span className="block h-full rounded-sm bg-indigo-500 dark:bg-indigo-400" style={{ width: `${(100 * s.count) / max}%` }} />
            </span>
            <span className="text-right">
              {fmtInt(s.count)} <span className="text-slate-500 dark:text-slate-400">({fmtPct(total ? s.count / total : null)})</span>
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** Outcome shares of each slice of the run (stacked to 100%), with cost per slice when there is any. */
function OverEvaluations({ report, cost }: { report: BudgetReport; cost: boolean }) {
  const slices = report.overEvaluations;
  if (slices.length < 2) return null;
  const W = 640;
  const H = 150;
  const m = { l: 40, r: 8, t: 8, b: 30 };
  const w = (W - m.l - m.r) / slices.length;
  const maxCost = Math.max(...slices.map((s) => s.costUsd), 0);
  let done = 0;
  return (
    <figure>
      <figcaption className="mb-1 text-xs font-medium text-slate-700 dark:text-slate-300">Outcomes over the run{cost ? " (line: cost per slice)" : ""}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} className="w-full" role="img" aria-label={`Outcome shares over ${slices.length} slices of the run`}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={m.l} x2={W - m.r} y1={m.t + (1 - f) * (H - m.t - m.b)} y2={m.t + (1 - f) * (H - m.t - m.b)} className="stroke-slate-200 dark:stroke-slate-800" />
            <text x={m.l - 4} y={m.t + (1 - f) * (H - m.t - m.b)} dy="0.32em" textAnchor="end" fontSize={10} className="fill-slate-500 dark:fill-slate-400">
              {f * 100}%
            </text>
          </g>
        ))}
        {slices.map((s, i) => {
          let y = H - m.b;
          const total = OUTCOME_KEYS.reduce((a, k) => a + s.outcomes[k], 0) || 1;
          done += s.evaluations;
          return (
            <g key={s.bucket}>
              <title>{`up to candidate ${fmtInt(done)}: ${OUTCOME_KEYS.filter((k) => s.outcomes[k]).map((k) => `${OUTCOME_LABEL[k]} ${fmtInt(s.outcomes[k])}`).join(", ")}${cost ? `; ${fmtUsd(s.costUsd)}` : ""}`}</title>
              {OUTCOME_KEYS.map((k) => {
                const h = ((H - m.t - m.b) * s.outcomes[k]) / total;
                y -= h;
                return h > 0 ? <rect key={k} x={m.l + i * w + 0.5} y={y} width={Math.max(1, w - 1)} height={h} fill={OUTCOME_COLOR[k]} /> : null;
              })}
            </g>
          );
        })}
        {cost && maxCost > 0 && (
          <polyline
            fill="none"
            strokeWidth={1.5}
            className="stroke-slate-900 dark:stroke-white"
            points={slices.map((s, i) => `${m.l + (i + 0.5) * w},${H - m.b - ((H - m.t - m.b) * s.costUsd) / maxCost}`).join(" ")}
          />
        )}
        <text x={m.l} y={H - 8} fontSize={10} className="fill-slate-500 dark:fill-slate-400">
          first
        </text>
        <text x={(W + m.l) / 2} y={H - 8} fontSize={10} textAnchor="middle" className="fill-slate-600 dark:fill-slate-400">
          stored candidates in the order they were made ({fmtInt(report.storedEvaluations)})
        </text>
        <text x={W - m.r} y={H - 8} fontSize={10} textAnchor="end" className="fill-slate-500 dark:fill-slate-400">
          last
        </text>
      </svg>
    </figure>
  );
}

function EvalTimeHistogram({ t }: { t: BudgetReport["evalTime"] }) {
  if (!t.count || !t.histogram.length) return null;
  const W = 640;
  const H = 150;
  const m = { l: 44, r: 8, t: 8, b: 30 };
  const bins = t.histogram;
  const max = Math.max(...bins.map((b) => b.count));
  const w = (W - m.l - m.r) / bins.length;
  const ms = (v: number) => (v < 1000 ? `${fmtNum(v, 2)} ms` : fmtDuration(v));
  return (
    <figure>
      <figcaption className="mb-1 text-xs font-medium text-slate-700 dark:text-slate-300">
        Evaluation time <span className="font-normal text-slate-500 dark:text-slate-400">· median {ms(t.p50!)} · p90 {ms(t.p90!)} · p99 {ms(t.p99!)} · max {ms(t.max!)} · {fmtInt(t.count)} evaluations</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} className="w-full" role="img" aria-label={`Histogram of evaluation times over ${fmtInt(t.count)} evaluations, median ${ms(t.p50!)}`}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={m.l} x2={W - m.r} y1={m.t + (1 - f) * (H - m.t - m.b)} y2={m.t + (1 - f) * (H - m.t - m.b)} className="stroke-slate-200 dark:stroke-slate-800" />
            <text x={m.l - 4} y={m.t + (1 - f) * (H - m.t - m.b)} dy="0.32em" textAnchor="end" fontSize={10} className="fill-slate-500 dark:fill-slate-400">
              {fmtInt(f * max)}
            </text>
          </g>
        ))}
        {bins.map((b, i) => {
          const h = ((H - m.t - m.b) * b.count) / max;
          return (
            <g key={i}>
              <title>{`${ms(b.fromMs)} – ${ms(b.toMs)}: ${fmtInt(b.count)}`}</title>
              <rect x={m.l + i * w + 1} y={H - m.b - h} width={Math.max(1, w - 2)} height={h} className="fill-indigo-500 dark:fill-indigo-400" />
              {(i % Math.ceil(bins.length / 8) === 0 || i === bins.length - 1) && (
                <text x={m.l + i * w} y={H - m.b + 12} fontSize={10} textAnchor="start" className="fill-slate-500 dark:fill-slate-400">
                  {ms(b.fromMs)}
                </text>
              )}
            </g>
          );
        })}
        <text x={(W + m.l) / 2} y={H - 4} fontSize={10} textAnchor="middle" className="fill-slate-600 dark:fill-slate-400">
          time per evaluation (log scale)
        </text>
      </svg>
    </figure>
  );
}

export const BudgetPanel = memo(function BudgetPanel({ report, loading, error }: { report: BudgetReport | null; loading: boolean; error: string | null }) {
  if (error && !report) return <p className="text-sm text-rose-700 dark:text-rose-300">Could not load the budget: {error}</p>;
  if (!report) return <p className="text-sm text-slate-500 dark:text-slate-400">{loading ? "Adding up the budget…" : "Nothing spent yet."}</p>;
  const cost = report.costUsd > 0 || report.promptTokens > 0;
  const kpis: [string, string][] = [
    ["Evaluations", fmtInt(report.evaluations)],
    ["Gains", `${fmtInt(report.improvements)} (${fmtPct(report.evaluations ? report.improvements / report.evaluations : null)})`],
    ...(report.duplicates > 0 ? ([["Duplicates rejected", `${fmtInt(report.duplicates)} (${fmtPct(report.duplicateRate)})`]] as [string, string][]) : []),
    ...(cost
      ? ([
          ["Cost", fmtUsd(report.costUsd)],
          ["Tokens in / out", `${fmtInt(report.promptTokens)} / ${fmtInt(report.completionTokens)}`],
          ["Cost per gain", fmtUsd(report.costPerImprovement)],
        ] as [string, string][])
      : ([["Evaluations per gain", report.improvements ? fmtNum(report.evaluations / report.improvements) : "—"]] as [string, string][])),
  ];
  return (
    <div className="space-y-5" data-testid="budget-panel">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
        {kpis.map(([k, v]) => (
          <div key={k}>
            <dt className="text-xs text-slate-500 dark:text-slate-400">{k}</dt>
            <dd className="text-base font-semibold tabular-nums">{v}</dd>
          </div>
        ))}
      </dl>
      <div className="space-y-2">
        <OutcomeBar outcomes={report.outcomes} height={14} label="All evaluations" />
        <div className="flex flex-wrap items-center justify-between gap-2">
          <Legend />
          <span className="text-xs text-slate-500 tabular-nums dark:text-slate-400">
            {OUTCOME_KEYS.map((k) => `${OUTCOME_LABEL[k]} ${fmtInt(report.outcomes[k])}`).join(" · ")}
          </span>
        </div>
        {report.unstoredNoGain > 0 && (
          <p className="text-xs text-slate-500 dark:text-slate-400">
            {fmtInt(report.unstoredNoGain)} no-gain evaluations were not stored (the run keeps elites only; set keepAllSolutions to keep every candidate), so the tables below count stored candidates.
          </p>
        )}
      </div>
      <GroupTable title="By model" groups={report.byModel} cost={cost} />
      <GroupTable title="By operator" groups={report.byOperator} cost={cost} />
      {report.byIsland && report.byIsland.length > 0 && <GroupTable title="By island" groups={report.byIsland} cost={cost} label={islandLabel} mono={false} />}
      {cost && report.byOutcome && report.byOutcome.length > 0 && <OutcomeTable groups={report.byOutcome} />}
      <div className={`grid gap-6 ${report.evalTime.count ? "xl:grid-cols-2" : "xl:grid-cols-[minmax(0,640px)]"}`}>
        <OverEvaluations report={report} cost={cost} />
        <EvalTimeHistogram t={report.evalTime} />
      </div>
      {report.stages && report.stages.length > 0 && (
        <div className="max-w-xl">
          <StageCounts stages={report.stages} />
        </div>
      )}
    </div>
  );
});
