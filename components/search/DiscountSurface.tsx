"use client";
/**
 * A discount archive (DMS) keeps no points: the search-archive endpoint samples its model's discount on
 * a lattice over the descriptor box (cell centres, first descriptor fastest; side × side in 2-D, a strip
 * in 1-D), drawn here as a heatmap on the elite archive's colour scale of its own range.
 */
import type { z } from "zod";
import type { SearchArchiveReport } from "@/lib/api/responses";
import { cssColor } from "@/components/archive/colors";
import { ColorLegend } from "@/components/archive/ColorLegend";
import { fmtNum } from "@/components/lib/format";
import { IH, IW, PAD, PlotAxes, W, H, plotScales } from "./PlotAxes";

export function DiscountSurface({ report }: { report: z.infer<typeof SearchArchiveReport> }) {
  const [dx, dy] = report.descriptors;
  const discount = report.objective;
  if (!dx || !discount || report.measures.length === 0)
    return <p className="text-sm text-slate-500 dark:text-slate-400">The discount model has not been trained yet: it appears when the run&apos;s first jobs commit.</p>;
  const { sx, sy } = plotScales(dx, dy, false);
  let lo = Infinity;
  let hi = -Infinity;
  for (const d of discount) {
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  const side = dy ? Math.round(Math.sqrt(report.measures.length)) : report.measures.length;
  const cw = IW / side;
  const ch = dy ? IH / side : IH;
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,560px)_minmax(0,1fr)]">
      <figure className="min-w-0 space-y-1">
        <svg
          viewBox={`0 0 ${W} ${H}`}
          role="img"
          aria-label={`Heatmap of the discount model over ${dx.name}${dy ? ` and ${dy.name}` : ""}, from ${fmtNum(lo)} to ${fmtNum(hi)}`}
          className="w-full rounded-md text-slate-500 dark:text-slate-400"
          data-testid="search-archive-discount"
        >
          <PlotAxes dx={dx} dy={dy} />
          {report.measures.map((m, i) => (
            <rect key={i} x={sx(m[0]!) - cw / 2} y={dy ? sy(m[1]!) - ch / 2 : PAD.top} width={cw + 0.3} height={ch + 0.3} fill={cssColor(discount[i]!, lo, hi)} />
          ))}
        </svg>
        <figcaption className="text-xs text-slate-500 dark:text-slate-400">
          The discount the model predicts over the descriptor box ({dy ? `${side} × ${side}` : side} points)
          {report.descriptors.length > 2 ? `; first two of ${report.descriptors.length} descriptors, the others at mid-range` : ""}.
        </figcaption>
      </figure>
      <div className="min-w-0 space-y-1 text-sm">
        <ColorLegend min={lo} max={hi} label="discount" lineage={false} empty={false} />
        <p className="text-xs text-slate-500 dark:text-slate-400">A solution counts by how much its objective beats the discount where it lands: where the model is high, the region is already well served.</p>
      </div>
    </div>
  );
}
