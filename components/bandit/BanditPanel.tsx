"use client";
/**
 * A bandit run's emitter pool (GET /api/experiments/:id/bandit): per group and per member its kind, whether a
 * slot runs it now, its selections (evaluations), successes (candidates the archive took) and success rate.
 */
import type { BanditReport } from "./use-bandit";

export type { BanditReport } from "./use-bandit";

const int = (n: number) => n.toLocaleString("en-US");
const pct = (r: number | null) => (r === null ? "–" : `${(100 * r).toFixed(r < 0.1 ? 2 : 1)}%`);

/** A success-rate bar scaled to the best rate in the pool. */
function RateBar({ rate, best }: { rate: number | null; best: number }) {
  const w = rate === null || best <= 0 ? 0 : Math.max(2, (100 * rate) / best);
  return (
    <span className="flex items-center justify-end gap-2">
      <span className="tabular-nums">{pct(rate)}</span>
      <span className="hidden h-1.5 w-16 overflow-hidden rounded bg-slate-200 sm:inline-block dark:bg-slate-700" aria-hidden="true">
        <span className="block h-full rounded bg-indigo-500 dark:bg-indigo-400" style={{ width: `${w}%` }} />
      </span>
    </span>
  );
}

function ActiveDot({ active, slot }: { active: boolean; slot: number | null }) {
  return active ? (
    <span className="inline-flex items-center gap-1.5 text-emerald-700 dark:text-emerald-300">
      <span className="h-2 w-2 rounded-full bg-emerald-500" aria-hidden="true" />
      slot {slot}
    </span>
  ) : (
    <span className="inline-flex items-center gap-1.5 text-slate-400 dark:text-slate-500">
      <span className="h-2 w-2 rounded-full border border-slate-400 dark:border-slate-500" aria-hidden="true" />
      idle
    </span>
  );
}

const th = "px-2 py-1.5 text-left font-medium";
const thNum = "px-2 py-1.5 text-right font-medium";
const td = "px-2 py-1";
const tdNum = "px-2 py-1 text-right tabular-nums";

export function BanditPanel({ report, error }: { report: BanditReport | null; error: string | null }) {
  if (error) return <p className="text-sm text-rose-600 dark:text-rose-400">{error}</p>;
  if (!report) return <p className="text-sm text-slate-500 dark:text-slate-400">Loading the bandit&apos;s pool…</p>;
  const best = Math.max(0, ...report.members.map((m) => m.successRate ?? 0));
  const tried = report.members.filter((m) => m.selections > 0).length;
  return (
    <div className="space-y-3 text-sm" data-testid="bandit-panel">
      <p className="text-slate-600 dark:text-slate-400">
        {report.numActive} of {report.members.length} emitters run at once, chosen by UCB1 (ζ {report.zeta}, reselect {report.reselect}): {int(report.jobs)} jobs, {int(report.reselections)} reselections,{" "}
        {tried} of {report.members.length} emitters tried; {int(report.successes)} of {int(report.selections)} candidates entered the archive ({pct(report.selections ? report.successes / report.selections : null)}).
      </p>
      <div className="overflow-x-auto">
        <table className="w-full text-xs" aria-label="Pool groups">
          <thead className="border-b border-slate-200 text-slate-500 dark:border-slate-800 dark:text-slate-400">
            <tr>
              <th className={th}>Group</th>
              <th className={thNum}>Active</th>
              <th className={thNum}>Selections</th>
              <th className={thNum}>Successes</th>
              <th className={thNum}>Success rate</th>
            </tr>
          </thead>
          <tbody className="text-slate-800 dark:text-slate-200">
            {report.groups.map((g) => (
              <tr key={g.group} className="border-b border-slate-100 last:border-0 dark:border-slate-800/60">
                <td className={td}>
                  <span className="font-mono">{g.label}</span> <span className="text-slate-500 dark:text-slate-400">× {g.count}</span>
                </td>
                <td className={tdNum}>
                  {g.active} / {g.count}
                </td>
                <TallyCells tally={g} best={best} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <details open={report.members.length <= 20}>
        <summary className="cursor-pointer text-xs font-medium text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100">Every emitter ({report.members.length})</summary>
        <div className="mt-2 max-h-72 overflow-auto rounded-md border border-slate-200 dark:border-slate-800">
          <table className="w-full text-xs" aria-label="Pool members">
            <thead className="sticky top-0 bg-slate-50 text-slate-500 dark:bg-slate-900 dark:text-slate-400">
              <tr>
                <th className={th}>#</th>
                <th className={th}>Kind</th>
                <th className={th}>State</th>
                <th className={thNum}>Selections</th>
                <th className={thNum}>Successes</th>
                <th className={thNum}>Success rate</th>
              </tr>
            </thead>
            <tbody className="text-slate-800 dark:text-slate-200">
              {report.members.map((m) => (
                <tr key={m.member} className={`border-t border-slate-100 dark:border-slate-800/60 ${m.active ? "bg-emerald-50/60 dark:bg-emerald-950/30" : ""}`} data-active={m.active}>
                  <td className={`${td} tabular-nums text-slate-500 dark:text-slate-400`}>{m.member}</td>
                  <td className={`${td} font-mono`}>{m.label}</td>
                  <td className={td}>
                    <ActiveDot active={m.active} slot={m.slot} />
                  </td>
                  <TallyCells tally={m} best={best} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}

/** The three numeric cells a group row and a member row share. */
function TallyCells({ tally, best }: { tally: { selections: number; successes: number; successRate: number | null }; best: number }) {
  return (
    <>
      <td className={tdNum}>{int(tally.selections)}</td>
      <td className={tdNum}>{int(tally.successes)}</td>
      <td className={tdNum}>
        <RateBar rate={tally.successRate} best={best} />
      </td>
    </>
  );
}
