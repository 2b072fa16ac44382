"use client";
/** Fitness colour legend: the viridis ramp with its range, plus the empty-cell swatch. */
import { interpolateViridis } from "d3";
import { fmtNum } from "@/components/lib/format";
import type { ColorRange } from "./colors";

const STOPS = Array.from({ length: 11 }, (_, i) => interpolateViridis(i / 10)).join(", ");

type Props = { min: number; max: number; label?: string; lineage?: boolean; empty?: boolean } & Partial<ColorRange>;

/** Pass a store's `colorRange` spread: when it was clipped the ends read "≤ min" / "≥ max" and a note says how many elites lie beyond. */
export function ColorLegend({ min, max, clippedBelow = 0, clippedAbove = 0, label = "fitness", lineage = true, empty = true }: Props) {
  const has = Number.isFinite(min) && Number.isFinite(max);
  const mid = (min + max) / 2;
  const clipped = clippedBelow + clippedAbove;
  const beyond = [clippedBelow ? `${clippedBelow.toLocaleString("en-US")} below` : "", clippedAbove ? `${clippedAbove.toLocaleString("en-US")} above` : ""].filter(Boolean).join(", ");
  return (
    <figure
      className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-400"
      aria-label={`Colour legend: ${label} from ${fmtNum(min)} to ${fmtNum(max)}${clipped ? `; ${beyond} drawn in the end colours` : ""}`}
    >
      <figcaption className="font-medium text-slate-700 dark:text-slate-300">{label}</figcaption>
      <div className="w-56">
        <div className="h-2.5 rounded-sm" style={{ background: `linear-gradient(to right, ${STOPS})` }} />
        <div className="mt-0.5 flex justify-between tabular-nums">
          <span>{has ? `${clippedBelow ? "≤ " : ""}${fmtNum(min)}` : "—"}</span>
          <span>{has ? fmtNum(mid) : ""}</span>
          <span>{has ? `${clippedAbove ? "≥ " : ""}${fmtNum(max)}` : "—"}</span>
        </div>
      </div>
      {clipped > 0 && (
        <span data-testid="color-clipped" title="A few elites lie far outside the others' range; the scale is cut at the 2nd/98th percentile so the rest stay distinguishable.">
          scale clipped: {beyond}
        </span>
      )}
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
