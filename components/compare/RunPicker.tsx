"use client";
/** Choose the runs to overlay; the choice lives in the URL (?ids=a,b). */
import { useState } from "react";
import { StatusBadge } from "@/components/ui/StatusBadge";
import type { ExperimentStatus } from "@/components/lib/types";

export interface PickerRun {
  id: string;
  name: string;
  status: ExperimentStatus;
  domainType: string;
  tags?: string[];
  /** Where the run stands (for the summary table). */
  evaluations?: number;
  cells?: number;
  numElites?: number;
  qdScore?: number;
  maxFitness?: number | null;
  costUsd?: number;
  /** LLM runs: "evolve" or "best-of-n" (the baseline); null for other runs. */
  strategy?: string | null;
}

export function RunPicker({ runs, selected, colors, onChange, max = 6 }: { runs: PickerRun[]; selected: string[]; colors: Record<string, string>; onChange(ids: string[]): void; max?: number }) {
  const [q, setQ] = useState("");
  const needle = q.toLowerCase();
  const shown = runs.filter((r) => !q || r.name.toLowerCase().includes(needle) || r.domainType.includes(needle) || r.tags?.some((t) => t.includes(needle)));
  const full = selected.length >= max;
  return (
    <div>
      <label className="mb-2 block">
        <span className="sr-only">Search runs</span>
        <input
          type="search"
          placeholder="Search runs…"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          className="w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900"
        />
      </label>
      <p className="mb-2 text-xs text-slate-500 dark:text-slate-400" role="status">
        {full ? `${max} runs picked: the most the charts show. Unpick one to pick another.` : `${selected.length} of up to ${max} picked.`}
      </p>
      <ul className="max-h-[560px] space-y-0.5 overflow-y-auto" aria-label="Runs">
        {shown.map((r) => {
          const on = selected.includes(r.id);
          return (
            <li key={r.id}>
              <label className={`flex cursor-pointer items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-slate-50 dark:hover:bg-slate-800 ${on ? "bg-slate-50 dark:bg-slate-800/60" : ""}`}>
                <input type="checkbox" checked={on} disabled={!on && full} onChange={() => onChange(on ? selected.filter((s) => s !== r.id) : [...selected, r.id])} aria-label={`Compare ${r.name}`} />
                <span className="inline-block h-2.5 w-2.5 shrink-0 rounded-full" style={{ background: on ? colors[r.id] : "transparent" }} aria-hidden="true" />
                <span className="min-w-0 flex-1 truncate">{r.name}</span>
                {r.strategy === "best-of-n" && <BestOfNBadge />}
                <StatusBadge status={r.status} />
              </label>
            </li>
          );
        })}
        {shown.length === 0 && <li className="px-2 py-1.5 text-sm text-slate-500">No runs match.</li>}
      </ul>
    </div>
  );
}

/** Marks the baseline runs (every child sampled from the seeds, no archive feedback). */
export function BestOfNBadge() {
  return (
    <span className="shrink-0 rounded border border-amber-300 bg-amber-50 px-1 text-[10px] font-medium text-amber-800 dark:border-amber-700 dark:bg-amber-950/50 dark:text-amber-200" title="best-of-N baseline: every child sampled from the seeds, no archive feedback">
      best-of-N
    </span>
  );
}
