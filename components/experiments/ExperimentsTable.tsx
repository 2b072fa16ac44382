/** The runs table: name, domain, status, progress, coverage, QD-score, best fitness, times. */
import Link from "next/link";
import { fmtDate, fmtInt, fmtNum, fmtPct } from "@/components/lib/format";
import type { ExperimentSummary } from "@/components/lib/types";
import { ProgressBar } from "@/components/ui/ProgressBar";
import { StatusBadge } from "@/components/ui/StatusBadge";

export function ExperimentsTable({ experiments }: { experiments: ExperimentSummary[] }) {
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900/60">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-500 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-400">
          <tr>
            <th className="px-4 py-2.5 font-medium">Name</th>
            <th className="px-3 py-2.5 font-medium">Domain</th>
            <th className="px-3 py-2.5 font-medium">Status</th>
            <th className="px-3 py-2.5 font-medium">Progress</th>
            <th className="px-3 py-2.5 text-right font-medium">Coverage</th>
            <th className="px-3 py-2.5 text-right font-medium">QD-score</th>
            <th className="px-3 py-2.5 text-right font-medium">Best fitness</th>
            <th className="px-3 py-2.5 font-medium">Started</th>
            <th className="px-4 py-2.5 font-medium">Finished</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {experiments.map((e) => (
            <tr key={e.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/40">
              <td className="max-w-72 px-4 py-2.5">
                <Link href={`/experiments/${e.id}`} className="block truncate font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                  {e.name}
                </Link>
                <span className="text-xs text-slate-500 dark:text-slate-400">
                  {e.archiveType === "cvt" ? "CVT" : "grid"} · {fmtInt(e.cells)} cells · {e.emitterType}
                </span>
                {e.tags.length > 0 && (
                  <ul className="mt-1 flex flex-wrap gap-1" aria-label={`Tags of ${e.name}`}>
                    {e.tags.map((t) => (
                      <li key={t}>
                        <Link href={`/?tag=${encodeURIComponent(t)}`} className="rounded-full bg-indigo-50 px-2 py-px text-[11px] text-indigo-800 hover:underline dark:bg-indigo-950/60 dark:text-indigo-200">
                          {t}
                        </Link>
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td className="px-3 py-2.5">{e.domainType}</td>
              <td className="px-3 py-2.5">
                <StatusBadge status={e.status} title={e.statusReason ?? undefined} />
              </td>
              <td className="min-w-40 px-3 py-2.5">
                <ProgressBar value={e.evaluations} max={e.budgetEvaluations} label={`${e.name}: evaluations against budget`} />
                <span className="mt-1 block text-xs text-slate-500 tabular-nums dark:text-slate-400">
                  {fmtInt(e.evaluations)} / {fmtInt(e.budgetEvaluations)}
                </span>
              </td>
              <td className="px-3 py-2.5 text-right tabular-nums">{fmtPct(e.metrics.coverage)}</td>
              <td className="px-3 py-2.5 text-right tabular-nums">{fmtNum(e.metrics.qdScore)}</td>
              <td className="px-3 py-2.5 text-right tabular-nums">{fmtNum(e.metrics.maxFitness, 4)}</td>
              <td className="whitespace-nowrap px-3 py-2.5 text-xs text-slate-600 dark:text-slate-400">{fmtDate(e.startedAt)}</td>
              <td className="whitespace-nowrap px-4 py-2.5 text-xs text-slate-600 dark:text-slate-400">{fmtDate(e.finishedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
