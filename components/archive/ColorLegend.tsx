"use client";
/** Fitness colour legend: the viridis ramp with its range, plus the empty-cell swatch. */
import { interpolateViridis } from "d3";
import { fmtNum } from "@/components/lib/format";

const STOPS = Array.from({ length: 11 }, (_, i) => interpolateViridis(i / 10)).join(", ");

export function ColorLegend({ min, max, label = "fitness", lineage = true, empty = true }: { min: number; max: number; label?: string; lineage?: boolean; empty?: boolean }) {
  const has = Number.isFinite(min) && Number.isFinite(max);
  const mid = (min + max) / 2;
  return (
    <figure className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-400" aria-label={`Colour legend: ${label} from ${fmtNum(min)} to ${fmtNum(max)}`}>
      <figcaption className="font-medium text-slate-700 dark:text-slate-300">{label}</figcaption>
      <div className="w-56">
        <div className="h-2.5 rounded-sm" style={{ background: `linear-gradient(to right, ${STOPS})` }} />
        <div className="mt-0.5 flex justify-between tabular-nums">
          <span>{has ? fmtNum(min) : "—"}</span>
          <span>{has ? fmtNum(mid) : ""}</span>
          <span>{has ? fmtNum(max) : "—"}</span>
        </div>
      </div>
      {empty && (
        <span className="flex items-center gap-1.5">
          <span className="inline-block h-2.5 w-2.5 rounded-sm border border-slate-300 bg-slate-100 dark:border-slate-600 dark:bg-slate-800" /> empty
        </span>
      )}
      {lineage && (
        <span className="flex items-center gap-1.5">
          <span className="inline-block h-2.5 w-2.5 rounded-full bg-orange-600 dark:bg-orange-400" /> lineage
        </span>
      )}
    </figure>
  );
}
