/** The run's headline metrics; LLM runs add tokens and cost (against the cost cap when there is one). */
import { fmtInt, fmtNum, fmtPct, fmtUsd } from "@/components/lib/format";
import type { ExperimentSummary } from "@/components/lib/types";

interface Kpi {
  label: string;
  value: string;
  sub?: string;
  /** 0–1: a thin bar under the value (the cost cap's use). */
  progress?: number;
}

export function KpiRow({ experiment: e, llm = false }: { experiment: ExperimentSummary; llm?: boolean }) {
  const items: Kpi[] = [
    { label: "Coverage", value: fmtPct(e.metrics.coverage), sub: `${fmtInt(e.numElites)} / ${fmtInt(e.cells)} cells` },
    { label: "QD-score", value: fmtNum(e.metrics.qdScore), sub: `normalized ${fmtNum(e.metrics.normQdScore)}` },
    { label: "Max fitness", value: fmtNum(e.metrics.maxFitness, 4) },
    { label: "Mean fitness", value: fmtNum(e.metrics.meanFitness, 4) },
  ];
  if (llm) {
    const u = e.usage;
    items.push({ label: "Tokens", value: fmtCompact(u.promptTokens + u.completionTokens), sub: `${fmtInt(u.promptTokens)} prompt · ${fmtInt(u.completionTokens)} completion` });
    const cap = e.budgetCostUsd;
    items.push({
      label: "Cost",
      value: fmtUsd(u.costUsd),
      sub: cap ? `of ${fmtUsd(cap)} cap (${Math.min(999, (100 * u.costUsd) / cap).toFixed(0)}%)` : e.evaluations > 0 ? `${fmtUsd(u.costUsd / e.evaluations)} per evaluation · no cap` : "no cost cap",
      progress: cap ? Math.min(1, u.costUsd / cap) : undefined,
    });
  }
  return (
    <dl className={`grid grid-cols-2 gap-3 ${llm ? "md:grid-cols-3 xl:grid-cols-6" : "md:grid-cols-4"}`}>
      {items.map((k) => (
        <div key={k.label} className="rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm dark:border-slate-800 dark:bg-slate-900/60">
          <dt className="text-xs font-medium text-slate-500 dark:text-slate-400">{k.label}</dt>
          <dd className="mt-1 text-xl font-semibold tabular-nums" data-testid={`kpi-${k.label.toLowerCase().replace(/\W+/g, "-")}`}>
            {k.value}
          </dd>
          {k.progress !== undefined && (
            <dd className="mt-1.5 h-1.5 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800" aria-hidden="true">
              <div className={`h-full rounded-full ${k.progress >= 1 ? "bg-amber-500" : "bg-indigo-500"}`} style={{ width: `${(100 * k.progress).toFixed(1)}%` }} />
            </dd>
          )}
          {k.sub && (
            <dd className="mt-0.5 text-xs text-slate-500 tabular-nums dark:text-slate-400" data-testid={`kpi-${k.label.toLowerCase().replace(/\W+/g, "-")}-sub`}>
              {k.sub}
            </dd>
          )}
        </div>
      ))}
    </dl>
  );
}

/** 1,234 → "1,234"; 123,456 → "123k"; 12,345,678 → "12.3M". */
function fmtCompact(n: number): string {
  if (!Number.isFinite(n)) return "—";
  if (n < 100_000) return fmtInt(n);
  if (n < 1e6) return `${Math.round(n / 1000)}k`;
  return `${(n / 1e6).toFixed(1)}M`;
}
