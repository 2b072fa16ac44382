"use client";
/** Recent failed evaluations: when, why (the evaluator's reason) and what it printed. */
import { memo, useMemo } from "react";
import { fmtDate, fmtInt, fmtNum } from "@/components/lib/format";
import type { EvaluationItem } from "@/components/lib/types";
import { buttonClass } from "@/components/ui/Card";

interface Props {
  failures: EvaluationItem[];
  total: number;
  evaluations: number;
  loading: boolean;
  error: string | null;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore(): void;
}

/** A reason with its numbers and quoted values blanked, so "x0 too large: 1.2" and "…: 1.7" group together. */
const reasonKind = (e: string) =>
  e
    .replace(/"[^"]*"|'[^']*'/g, "…")
    .replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/gi, "#")
    .slice(0, 120);

export const FailuresPanel = memo(function FailuresPanel({ failures, total, evaluations, loading, error, hasMore, loadingMore, onLoadMore }: Props) {
  const kinds = useMemo(() => {
    const m = new Map<string, { sample: string; n: number }>();
    for (const f of failures) {
      const k = reasonKind(f.error ?? "unknown");
      const g = m.get(k);
      if (g) g.n++;
      else m.set(k, { sample: f.error ?? "unknown", n: 1 });
    }
    return [...m.values()].sort((a, b) => b.n - a.n);
  }, [failures]);

  if (loading && !failures.length) return <p className="text-sm text-slate-500 dark:text-slate-400">Loading failures…</p>;
  if (!failures.length) {
    return (
      <p className="text-sm text-slate-500 dark:text-slate-400" data-testid="failures-empty">
        {error ? `Could not load failures: ${error}` : "No failed evaluations so far."}
      </p>
    );
  }
  const share = evaluations > 0 ? (100 * total) / evaluations : 0;
  return (
    <div className="space-y-3">
      <p className="text-xs text-slate-600 tabular-nums dark:text-slate-400">
        <span className="font-medium text-rose-700 dark:text-rose-300">{fmtInt(total)}</span> of {fmtInt(evaluations)} evaluations failed ({share.toFixed(share < 10 ? 1 : 0)}%).
        {kinds.length > 1 && ` ${kinds.length} kinds of reason among the ${failures.length} shown.`}
      </p>
      {kinds.length > 1 && (
        <ul className="flex flex-wrap gap-1.5" aria-label="Reasons">
          {kinds.slice(0, 6).map((k) => (
            <li key={k.sample} className="max-w-full truncate rounded bg-rose-50 px-1.5 py-0.5 font-mono text-[11px] text-rose-800 dark:bg-rose-950/50 dark:text-rose-200" title={k.sample}>
              {k.n}× {k.sample.length > 60 ? `${k.sample.slice(0, 60)}…` : k.sample}
            </li>
          ))}
        </ul>
      )}
      <ol className="max-h-[420px] divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200 dark:divide-slate-800 dark:border-slate-800" aria-label="Failed candidates" data-testid="failures-list">
        {failures.map((f) => (
          <li key={f.id} className="px-3 py-2 text-sm" data-testid="failure">
            <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-0.5 text-xs text-slate-500 tabular-nums dark:text-slate-400">
              <span className="font-mono" title={f.id}>
                {f.id.slice(0, 8)}
                {f.status === "invalid" && (
                  <span className="ml-1.5 rounded bg-amber-100 px-1 py-px font-sans text-[10px] font-medium text-amber-800 dark:bg-amber-900/50 dark:text-amber-200" title="Nothing to evaluate: the LLM's reply or the mutation was unusable">
                    invalid
                  </span>
                )}
              </span>
              <span>
                {f.evalMs != null && `${fmtNum(f.evalMs)} ms · `}
                {fmtDate(f.createdAt)}
              </span>
            </div>
            <p className="mt-1 whitespace-pre-wrap break-words font-mono text-xs text-rose-700 dark:text-rose-300" data-testid="failure-reason">
              {f.error ?? "unknown reason"}
            </p>
            {f.logs && (
              <details className="mt-1 group">
                <summary className="cursor-pointer select-none text-xs text-slate-500 hover:text-slate-800 dark:text-slate-400 dark:hover:text-slate-200">
                  Logs ({f.logs.split("\n").filter(Boolean).length} line{f.logs.split("\n").filter(Boolean).length === 1 ? "" : "s"}
                  {f.logsTruncated ? ", cut" : ""})
                </summary>
                <pre className="mt-1 max-h-48 overflow-auto rounded bg-slate-50 p-2 font-mono text-[11px] leading-4 text-slate-700 dark:bg-slate-950 dark:text-slate-300">
                  {f.logs}
                  {f.logsTruncated && "\n… (cut; the full logs are at GET /api/solutions/" + f.id + ")"}
                </pre>
              </details>
            )}
          </li>
        ))}
      </ol>
      {hasMore && (
        <button type="button" className={buttonClass} onClick={onLoadMore} disabled={loadingMore}>
          {loadingMore ? "Loading…" : "Show older failures"}
        </button>
      )}
    </div>
  );
});
