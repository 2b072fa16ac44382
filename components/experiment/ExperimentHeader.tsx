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
  const chips = [e.domainType + domainSize(e.config), e.archiveType === "cvt" ? `CVT ${fmtInt(e.cells)} cells` : `grid ${fmtInt(e.cells)} cells`, e.emitterType + emitterDetail(e.config), ...parentChips(e.config), `batch ${e.batchSize}`, `seed ${e.seed}`];
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
          <Link className={buttonClass} href={`/experiments/new?from=${e.id}`} title="A new run with this configuration, to change and start">
            Clone
          </Link>
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
            {e.failedEvaluations > 0 && (
              <>
                {" · "}
                <a href="#failures" className="font-medium text-rose-700 hover:underline dark:text-rose-300" data-testid="failed-evaluations">
                  {fmtInt(e.failedEvaluations)} failed
                </a>
              </>
            )}
          </span>
          <span>
            {e.startedAt ? `started ${fmtDate(e.startedAt)}` : "not started"}
            {elapsed != null && ` · ${fmtDuration(elapsed)}`}
            {e.finishedAt && ` · finished ${fmtDate(e.finishedAt)}`}
            {e.statusReason && !reasonBanner(e) && ` · ${e.statusReason}`}
          </span>
        </div>
        <ProgressBar value={e.evaluations} max={e.budgetEvaluations} label="Evaluations against budget" />
      </div>
      {reasonBanner(e) && <StatusReason status={e.status} reason={e.statusReason!} />}
    </header>
  );
}

/** Paused or failed with a reason (not a plain user pause): worth a banner. */
const reasonBanner = (e: ExperimentSummary) => (e.status === "paused" || e.status === "failed") && !!e.statusReason && !/^(paused|cancelled) by (the )?user/i.test(e.statusReason);

function StatusReason({ status, reason }: { status: ExperimentSummary["status"]; reason: string }) {
  const failed = status === "failed";
  const m = /^(.*?);\s*last error:\s*([\s\S]*)$/i.exec(reason);
  return (
    <div
      role="alert"
      data-testid="status-reason"
      className={`flex gap-3 rounded-lg border px-4 py-3 text-sm ${
        failed ? "border-rose-200 bg-rose-50 text-rose-900 dark:border-rose-900 dark:bg-rose-950/50 dark:text-rose-100" : "border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-900/70 dark:bg-amber-950/40 dark:text-amber-100"
      }`}
    >
      <svg width="18" height="18" viewBox="0 0 20 20" aria-hidden="true" className="mt-0.5 shrink-0">
        <path d="M10 2 1 18h18L10 2z" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" />
        <path d="M10 8v4.5M10 15v.01" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
      </svg>
      <div className="min-w-0">
        <p className="font-semibold">
          {failed ? "The run failed" : "The run was paused"}: {m ? m[1] : reason}
        </p>
        {m && (
          <p className="mt-1 break-words">
            Last error: <code className="whitespace-pre-wrap rounded bg-white/60 px-1 py-px font-mono text-xs dark:bg-black/30">{m[2]}</code>
          </p>
        )}
        <p className="mt-1 text-xs opacity-80">
          {m ? "See the failed candidates below for every reason and their logs. Resume to try again once the evaluator is fixed (a command, URL or secret on the workers' side), or cancel the run." : "Resume to carry on, or cancel the run."}
        </p>
      </div>
    </div>
  );
}

function domainSize(config: Record<string, unknown>): string {
  const d = config.domain as { dim?: number; joints?: number; task?: string } | undefined;
  if (d?.joints) return ` · ${d.joints} joints`;
  if (d?.dim) return ` · ${d.dim}-D`;
  if (d?.task) return ` · ${d.task}`;
  return "";
}

/** LLM emitters: mode and model ("llm · diff · gpt-4.1-mini"). */
function emitterDetail(config: Record<string, unknown>): string {
  const em = config.emitter as { type?: string; mode?: string; model?: string; models?: { model: string }[]; modelSelection?: string; strategy?: string } | undefined;
  if (em?.type !== "llm") return "";
  const model = em.model ?? em.models?.map((m) => m.model).join(", ");
  const chosen = em.models && em.models.length > 1 && em.modelSelection && em.modelSelection !== "fixed" ? ` (${em.modelSelection})` : "";
  return `${em.strategy === "best-of-n" ? " · best-of-N" : ""}${em.mode ? ` · ${em.mode}` : ""}${model ? ` · ${model}${chosen}` : ""}`;
}

/** LLM emitters: a parent-selection policy other than uniform, and crossover ("parents: dgm", "crossover 30%"). */
function parentChips(config: Record<string, unknown>): string[] {
  const em = config.emitter as { type?: string; parentSelection?: { policy?: string }; crossoverRate?: number } | undefined;
  if (em?.type !== "llm") return [];
  const policy = em.parentSelection?.policy;
  return [...(policy && policy !== "uniform" ? [`parents: ${policy}`] : []), ...(em.crossoverRate ? [`crossover ${Math.round(em.crossoverRate * 100)}%`] : [])];
}
