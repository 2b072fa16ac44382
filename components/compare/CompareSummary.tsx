/** Where each compared run stands: evaluations, coverage, QD-score, best fitness, cost; the best of each column marked. */
import Link from "next/link";
import { fmtInt, fmtNum, fmtPct, fmtUsd } from "@/components/lib/format";
import { StatusBadge } from "@/components/ui/StatusBadge";
import type { PickerRun } from "./RunPicker";

type Col = { label: string; value(r: PickerRun): number | null; format(v: number | null): string };

const COLUMNS: Col[] = [
  { label: "Evaluations", value: (r) => r.evaluations ?? null, format: fmtInt },
  { label: "Coverage", value: (r) => (r.cells ? (r.numElites ?? 0) / r.cells : null), format: (v) => fmtPct(v) },
  { label: "QD-score", value: (r) => r.qdScore ?? null, format: (v) => fmtNum(v) },
  { label: "Max fitness", value: (r) => r.maxFitness ?? null, format: (v) => fmtNum(v, 4) },
];

export function CompareSummary({ runs, colors }: { runs: PickerRun[]; colors: Record<string, string> }) {
  if (!runs.length) return null;
  const withCost = runs.some((r) => (r.costUsd ?? 0) > 0);
  const cols = withCost ? [...COLUMNS, { label: "Cost", value: (r: PickerRun) => r.costUsd ?? null, format: fmtUsd }] : COLUMNS;
  // The best of a column: the highest, except cost (the lowest). Only marked when runs differ.
  const best = cols.map((c) => {
    const vs = runs.map(c.value).filter((v): v is number => v != null && Number.isFinite(v));
    if (vs.length < 2 || Math.min(...vs) === Math.max(...vs)) return null;
    return c.label === "Cost" ? Math.min(...vs) : Math.max(...vs);
  });
  return (
    <div className="mt-6 overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="Where each run stands">
        <thead className="border-b border-slate-200 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium">
              Run
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Status
            </th>
            {cols.map((c) => (
              <th key={c.label} scope="col" className="px-3 py-2 text-right font-medium">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 tabular-nums dark:divide-slate-800">
          {runs.map((r) => (
            <tr key={r.id}>
              <td className="max-w-64 py-1.5 pr-3">
                <span className="mr-2 inline-block h-2.5 w-2.5 rounded-full align-middle" style={{ background: colors[r.id] }} aria-hidden="true" />
                <Link href={`/experiments/${r.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                  {r.name}
                </Link>
              </td>
              <td className="px-3 py-1.5">
                <StatusBadge status={r.status} />
              </td>
              {cols.map((c, i) => {
                const v = c.value(r);
                const top = v != null && best[i] != null && v === best[i];
                return (
                  <td key={c.label} className={`px-3 py-1.5 text-right ${top ? "font-semibold text-emerald-700 dark:text-emerald-300" : ""}`} title={top ? `best ${c.label.toLowerCase()} of these runs` : undefined}>
                    {c.format(v)}
                    {top && <span className="sr-only"> (best)</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
