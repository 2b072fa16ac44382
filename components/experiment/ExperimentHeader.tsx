"use client";
/** Name, status, progress, controls and export of a run. */
import Link from "next/link";
import { endpoints } from "@/components/lib/api";
import { fmtDate, fmtDuration, fmtInt } from "@/components/lib/format";
import type { ExperimentSummary } from "@/components/lib/types";
import { ProgressBar } from "@/components/ui/ProgressBar";
import { StatusBadge } from "@/components/ui/StatusBadge";
import { buttonClass } from "@/components/ui/Card";
import { RunControls } from "./RunControls";
import { useNow } from "@/components/lib/use-now";

interface Props {
  experiment: ExperimentSummary;
  live: boolean;
  onChange(e: ExperimentSummary): void;
}

export function ExperimentHeader({ experiment: e, live, onChange }: Props) {
  const pct = e.budgetEvaluations ? (100 * e.evaluations) / e.budgetEvaluations : 0;
  const now = useNow(1000, !e.finishedAt && e.status === "running");
  const end = e.finishedAt ? new Date(e.finishedAt).getTime() : now;
  const elapsed = e.startedAt && end != null ? end - new Date(e.startedAt).getTime() : null;
  const chips = [e.domainType + domainSize(e.config), e.archiveType === "cvt" ? `CVT ${fmtInt(e.cells)} cells` : `grid ${fmtInt(e.cells)} cells`, e.emitterType, `batch ${e.batchSize}`, `seed ${e.seed}`];
  return (
    <header className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-xs text-slate-500 dark:text-slate-400">
        <Link href="/" className="hover:text-slate-900 dark:hover:text-white">
          Experiments
        </Link>{" "}
        / <span className="text-slate-700 dark:text-slate-300">{e.name}</span>
      </nav>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="truncate text-2xl font-semibold tracking-tight">{e.name}</h1>
            <StatusBadge status={e.status} title={e.statusReason ?? undefined} />
            {e.status === "running" && (
              <span className="text-xs text-slate-500 dark:text-slate-400" title="Live updates from the server">
                {live ? "● live" : "○ reconnecting…"}
              </span>
            )}
          </div>
          <ul className="mt-2 flex flex-wrap gap-1.5 text-xs" aria-label="Configuration">
            {chips.map((c) => (
              <li key={c} className="rounded bg-slate-100 px-1.5 py-0.5 text-slate-600 dark:bg-slate-800 dark:text-slate-300">
                {c}
              </li>
            ))}
          </ul>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <RunControls id={e.id} status={e.status} onChange={onChange} />
          <span className="mx-1 hidden h-6 w-px bg-slate-200 sm:block dark:bg-slate-800" aria-hidden="true" />
          <a className={buttonClass} href={endpoints.export(e.id, "csv")} download>
            Export CSV
          </a>
          <a className={buttonClass} href={endpoints.export(e.id, "json")} download>
            Export JSON
          </a>
        </div>
      </div>
      <div>
        <div className="mb-1.5 flex flex-wrap justify-between gap-2 text-xs text-slate-600 tabular-nums dark:text-slate-400">
          <span data-testid="evaluations">
            <span className="font-medium text-slate-900 dark:text-slate-100">{fmtInt(e.evaluations)}</span> / {fmtInt(e.budgetEvaluations)} evaluations ({pct.toFixed(pct < 10 ? 1 : 0)}%)
          </span>
          <span>
            {e.startedAt ? `started ${fmtDate(e.startedAt)}` : "not started"}
            {elapsed != null && ` · ${fmtDuration(elapsed)}`}
            {e.finishedAt && ` · finished ${fmtDate(e.finishedAt)}`}
            {e.statusReason && ` · ${e.statusReason}`}
          </span>
        </div>
        <ProgressBar value={e.evaluations} max={e.budgetEvaluations} label="Evaluations against budget" />
      </div>
    </header>
  );
}

function domainSize(config: Record<string, unknown>): string {
  const d = config.domain as { dim?: number; joints?: number } | undefined;
  if (d?.joints) return ` · ${d.joints} joints`;
  if (d?.dim) return ` · ${d.dim}-D`;
  return "";
}
