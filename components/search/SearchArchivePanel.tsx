"use client";
/**
 * The search archive of a proximity / density / discount run (GET /api/experiments/:id/search-archive):
 * its points over the descriptor box, as an SVG scatter (first two descriptors). Proximity points are
 * coloured by objective; a density archive's reservoir is drawn in one colour (it keeps measures only);
 * a discount archive keeps no points, so its model's discount is drawn as a heatmap over a lattice.
 */
import type { z } from "zod";
import type { SearchArchiveReport as SearchArchiveResponse } from "@/lib/api/responses";
import { usePolledReport } from "@/components/lib/use-polled-report";

export type SearchArchiveReport = z.infer<typeof SearchArchiveResponse>;

export function useSearchArchive(id: string, enabled: boolean, active: boolean, refreshKey: unknown) {
  return usePolledReport<SearchArchiveReport>(`/api/experiments/${id}/search-archive`, enabled, active, refreshKey, 5_000);
}

const W = 420;
const H = 320;
const PAD = { left: 56, right: 12, top: 10, bottom: 40 };

/** Blue (low) to amber (high), readable on light and dark backgrounds. */
function colour(t: number): string {
  const h = 220 - 180 * Math.max(0, Math.min(1, t));
  return `hsl(${h.toFixed(0)} 80% 55%)`;
}

const tick = (v: number) => (Math.abs(v) >= 1000 || (v !== 0 && Math.abs(v) < 0.01) ? v.toExponential(1) : Number(v.toFixed(2)).toString());

export function SearchArchivePanel({ report, error }: { report: SearchArchiveReport | null; error: string | null }) {
  if (error) return <p className="text-sm text-rose-600 dark:text-rose-400">{error}</p>;
  if (!report) return <p className="text-sm text-slate-500 dark:text-slate-400">Loading the search archive…</p>;
  const [dx, dy] = report.descriptors;
  const discount = report.type === "discount";
  const what = report.type === "proximity" ? "points kept by the proximity archive" : discount ? "points of the discount model's surface" : "measures in the density archive's reservoir";
  if (report.total === 0 || !dx) return <p className="text-sm text-slate-500 dark:text-slate-400">No {what} yet.</p>;
  const ySpec = dy ?? { name: "", min: 0, max: 1 };
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const sx = (v: number) => PAD.left + ((Math.min(Math.max(v, dx.min), dx.max) - dx.min) / (dx.max - dx.min)) * iw;
  const sy = (v: number) => PAD.top + ih - ((Math.min(Math.max(v, ySpec.min), ySpec.max) - ySpec.min) / (ySpec.max - ySpec.min)) * ih;
  const obj = report.objective;
  let lo = Infinity;
  let hi = -Infinity;
  for (const o of obj ?? []) {
    if (o < lo) lo = o;
    if (o > hi) hi = o;
  }
  const span = hi > lo ? hi - lo : 1;
  const ticks = [0, 0.5, 1];
  // Discount: lattice cells (cell centres, first descriptor fastest), side × side in 2-D, a strip in 1-D.
  const side = dy ? Math.round(Math.sqrt(report.measures.length)) : report.measures.length;
  const cw = iw / side;
  const ch = dy ? ih / side : ih;
  return (
    <figure className="space-y-2">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Scatter of ${report.total.toLocaleString("en-US")} ${what}`} className="w-full max-w-xl text-slate-500 dark:text-slate-400" data-testid="search-archive-scatter">
        <rect x={PAD.left} y={PAD.top} width={iw} height={ih} className="fill-slate-50 stroke-slate-300 dark:fill-slate-950 dark:stroke-slate-700" />
        {discount && obj
          ? report.measures.map((m, i) => (
              <rect key={i} x={sx(m[0]!) - cw / 2} y={dy ? sy(m[1]!) - ch / 2 : PAD.top} width={cw + 0.3} height={ch + 0.3} fill={colour((obj[i]! - lo) / span)} />
            ))
          : report.measures.map((m, i) => (
              <circle key={i} cx={sx(m[0]!)} cy={dy ? sy(m[1]!) : PAD.top + ih / 2} r={1.6} fill={obj ? colour((obj[i]! - lo) / span) : "currentColor"} fillOpacity={obj ? 0.85 : 0.45} />
            ))}
        {ticks.map((t) => (
          <g key={t} className="fill-current text-[10px]">
            <text x={PAD.left + t * iw} y={H - PAD.bottom + 14} textAnchor="middle">{tick(dx.min + t * (dx.max - dx.min))}</text>
            {dy && <text x={PAD.left - 6} y={PAD.top + ih - t * ih + 3} textAnchor="end">{tick(ySpec.min + t * (ySpec.max - ySpec.min))}</text>}
          </g>
        ))}
        <text x={PAD.left + iw / 2} y={H - 6} textAnchor="middle" className="fill-current text-[11px]">{dx.name}</text>
        {dy && <text x={14} y={PAD.top + ih / 2} textAnchor="middle" transform={`rotate(-90 14 ${PAD.top + ih / 2})`} className="fill-current text-[11px]">{dy.name}</text>}
      </svg>
      <figcaption className="text-xs text-slate-500 dark:text-slate-400">
        {discount ? (
          <>
            The discount the model predicts over the descriptor box ({dy ? `${side} × ${side}` : side} points): a solution counts by how much its objective beats it
            {hi >= lo ? `; colour: discount ${tick(lo)} (blue) to ${tick(hi)} (amber)` : ""}
            {report.descriptors.length > 2 ? `; first two of ${report.descriptors.length} descriptors, the others at mid-range` : ""}.
          </>
        ) : (
          <>
            {report.total.toLocaleString("en-US")} {what}
            {report.measures.length < report.total ? ` (${report.measures.length.toLocaleString("en-US")} shown, evenly sampled)` : ""}
            {obj && hi >= lo ? `; colour: objective ${tick(lo)} (blue) to ${tick(hi)} (amber)` : ""}
            {report.descriptors.length > 2 ? `; first two of ${report.descriptors.length} descriptors` : ""}.
          </>
        )}
      </figcaption>
    </figure>
  );
}
