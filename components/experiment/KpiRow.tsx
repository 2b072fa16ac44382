/** The run's headline metrics. */
import { fmtInt, fmtNum, fmtPct } from "@/components/lib/format";
import type { ExperimentSummary } from "@/components/lib/types";

export function KpiRow({ experiment: e }: { experiment: ExperimentSummary }) {
  const items = [
    { label: "Coverage", value: fmtPct(e.metrics.coverage), sub: `${fmtInt(e.numElites)} / ${fmtInt(e.cells)} cells` },
    { label: "QD-score", value: fmtNum(e.metrics.qdScore), sub: `normalized ${fmtNum(e.metrics.normQdScore)}` },
    { label: "Max fitness", value: fmtNum(e.metrics.maxFitness, 4) },
    { label: "Mean fitness", value: fmtNum(e.metrics.meanFitness, 4) },
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 md:grid-cols-4">
      {items.map((k) => (
        <div key={k.label} className="rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm dark:border-slate-800 dark:bg-slate-900/60">
          <dt className="text-xs font-medium text-slate-500 dark:text-slate-400">{k.label}</dt>
          <dd className="mt-1 text-xl font-semibold tabular-nums" data-testid={`kpi-${k.label.toLowerCase().replace(/\W+/g, "-")}`}>
            {k.value}
          </dd>
          {k.sub && <dd className="text-xs text-slate-500 tabular-nums dark:text-slate-400">{k.sub}</dd>}
        </div>
      ))}
    </dl>
  );
}
