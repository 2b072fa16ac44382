"use client";
/** Experiments with islands: which archive the grid shows (the union, or one island's), and what migration did. */
import type { IslandsInfo } from "@/components/lib/types";

interface Props {
  islands: IslandsInfo;
  /** null: the union of all islands (the experiment's archive). */
  value: number | null;
  onChange(island: number | null): void;
}

const select = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100";

export function IslandPicker({ islands, value, onChange }: Props) {
  const per = new Map((islands.perIsland ?? []).map((p) => [p.island, p]));
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm" data-testid="island-picker">
      <label className="flex items-center gap-2">
        <span className="text-slate-600 dark:text-slate-400">Island</span>
        <select className={select} aria-label="Island" value={value ?? "all"} onChange={(e) => onChange(e.target.value === "all" ? null : Number(e.target.value))}>
          <option value="all">All islands (union)</option>
          {Array.from({ length: islands.count }, (_, k) => {
            const p = per.get(k);
            return (
              <option key={k} value={k}>
                {`Island ${k}${p ? ` · ${p.elites.toLocaleString("en-US")} elites` : ""}`}
              </option>
            );
          })}
        </select>
      </label>
      <span className="text-xs text-slate-500 tabular-nums dark:text-slate-400" data-testid="island-migrations">
        {islands.count} islands · {islands.migrations.toLocaleString("en-US")} migration{islands.migrations === 1 ? "" : "s"} · {islands.migrantsAccepted.toLocaleString("en-US")} migrants kept
      </span>
    </div>
  );
}
