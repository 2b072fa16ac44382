"use client";
/**
 * The search archive of a proximity / density / discount run (GET /api/experiments/:id/search-archive): its points
 * over the descriptor box, as an SVG scatter (first two descriptors). Proximity points are coloured by
 * objective on the elite archive's scale (one colour means one fitness on both panels); a density
 * archive's reservoir keeps measures only, drawn in one colour. A point can be picked (click, or the
 * arrow keys once the plot has focus): its values, and the result-grid cell it falls in, whose elite
 * the elite panel can show. A discount archive keeps no points: its model's discount is drawn as a
 * heatmap over a lattice instead (DiscountSurface).
 */
import { useCallback, useMemo, useState, type KeyboardEvent, type MouseEvent } from "react";
import type { Geometry } from "@/components/lib/types";
import type { SearchArchiveReport } from "./use-search-archive";
import { cssColor } from "@/components/archive/colors";
import { ColorLegend } from "@/components/archive/ColorLegend";
import { fmtInt, fmtNum } from "@/components/lib/format";
import { buttonClass } from "@/components/ui/Card";
import { bestPoint, nearestPoint, orderBy, pointCell, step } from "./scatter";
import { H, IH, IW, PAD, PlotAxes, W, plotScales } from "./PlotAxes";
import { DiscountSurface } from "./DiscountSurface";

export type { SearchArchiveReport } from "./use-search-archive";

/** How far from a point (in plot units) a click still picks it. */
const PICK_RADIUS = 12;

interface Props {
  report: SearchArchiveReport | null;
  error: string | null;
  /** The elite archive's fitness range: the points' colour scale (falls back to the points' own range). */
  fitnessRange: { min: number; max: number };
  /** The result grid's geometry: which cell a picked point falls in. */
  geometry: Geometry;
  onOpenCell(cell: number): void;
}

const muted = "text-sm text-slate-500 dark:text-slate-400";

export function SearchArchivePanel({ report, error, fitnessRange, geometry, onOpenCell }: Props) {
  if (error) return <p className="text-sm text-rose-600 dark:text-rose-400">{error}</p>;
  if (!report) return <p className={muted}>Loading the search archive…</p>;
  if (report.type === "discount") return <DiscountSurface report={report} />;
  const what = report.type === "proximity" ? "points kept by the proximity archive" : "measures in the density archive's reservoir";
  if (report.total === 0 || !report.descriptors[0] || !report.measures.length)
    return (
      <p className={muted} data-testid="search-archive-empty">
        No {what} yet: they appear when the run&apos;s first jobs commit.
      </p>
    );
  return <Scatter report={report} what={what} fitnessRange={fitnessRange} geometry={geometry} onOpenCell={onOpenCell} />;
}

function Scatter({ report, what, fitnessRange, geometry, onOpenCell }: Omit<Props, "error"> & { report: SearchArchiveReport; what: string }) {
  const [dx, dy] = report.descriptors as [SearchArchiveReport["descriptors"][0], SearchArchiveReport["descriptors"][0] | undefined];
  const obj = report.objective;
  const [picked, setPicked] = useState<{ m: number[]; objective: number | null } | null>(null);

  const plot = useMemo(() => {
    const { sx, sy, ySpec } = plotScales(dx, dy, true);
    const n = report.measures.length;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const m = report.measures[i]!;
      xs[i] = sx(m[0]!);
      ys[i] = dy ? sy(m[1]!) : PAD.top + IH / 2;
    }
    return { xs, ys, sx, sy, ySpec, byX: orderBy(xs), byY: orderBy(ys.map((y) => -y)) };
  }, [report.measures, dx, dy]);

  // The elite archive's colour scale when it has elites; else the points' own range.
  const range = useMemo(() => {
    if (fitnessRange.max >= fitnessRange.min && Number.isFinite(fitnessRange.min)) return fitnessRange;
    let min = Infinity;
    let max = -Infinity;
    for (const o of obj ?? []) {
      if (o < min) min = o;
      if (o > max) max = o;
    }
    return { min, max };
  }, [fitnessRange, obj]);

  // The picked point's index in this report (a refresh may resample the points); -1 when it is no longer shown.
  const pickedIndex = useMemo(() => (picked ? report.measures.findIndex((m) => m.every((v, d) => v === picked.m[d])) : -1), [picked, report.measures]);
  const pick = useCallback((i: number | null) => i != null && setPicked({ m: report.measures[i]!, objective: obj ? obj[i]! : null }), [report.measures, obj]);

  const onClick = (e: MouseEvent<SVGSVGElement>) => {
    const ctm = e.currentTarget.getScreenCTM();
    if (!ctm) return;
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    const i = nearestPoint(plot.xs, plot.ys, p.x, p.y, PICK_RADIUS);
    if (i != null) pick(i);
  };
  const current = pickedIndex >= 0 ? pickedIndex : null;
  const cell = picked ? pointCell(geometry, picked.m) : null;
  const onKey = (e: KeyboardEvent<SVGSVGElement>) => {
    const moves: Record<string, () => number | null> = {
      ArrowRight: () => step(plot.byX, current, 1),
      ArrowLeft: () => step(plot.byX, current, -1),
      ArrowUp: () => step(plot.byY, current, 1),
      ArrowDown: () => step(plot.byY, current, -1),
      Home: () => bestPoint(obj) ?? step(plot.byX, null, 1),
    };
    if (moves[e.key]) {
      e.preventDefault();
      pick(moves[e.key]!());
    } else if (e.key === "Enter" && cell != null) {
      e.preventDefault();
      onOpenCell(cell);
    } else if (e.key === "Escape") setPicked(null);
  };

  const colourOf = (o: number) => cssColor(o, range.min, range.max);
  const px = picked ? plot.sx(picked.m[0]!) : 0;
  const py = picked ? (dy ? plot.sy(picked.m[1]!) : PAD.top + IH / 2) : 0;
  const shown = report.measures.length;
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,560px)_minmax(0,1fr)]">
      <figure className="min-w-0 space-y-1">
        <svg
          viewBox={`0 0 ${W} ${H}`}
          role="application"
          tabIndex={0}
          aria-roledescription="scatter plot"
          aria-label={`Scatter of ${fmtInt(report.total)} ${what}, ${dx.name} across${dy ? `, ${dy.name} up` : ""}. Click a point, or use the arrow keys (Home: the best), Enter to show its cell's elite.`}
          className="w-full cursor-crosshair rounded-md text-slate-500 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-slate-400"
          data-testid="search-archive-scatter"
          data-points={shown}
          onClick={onClick}
          onKeyDown={onKey}
        >
          <PlotAxes dx={dx} dy={dy} gridLines />
          <g className={obj ? undefined : "fill-indigo-600 dark:fill-indigo-300"}>
            {report.measures.map((_, i) => (
              <circle key={i} cx={plot.xs[i]} cy={plot.ys[i]} r={1.8} fill={obj ? colourOf(obj[i]!) : undefined} fillOpacity={obj ? 0.9 : 0.4} />
            ))}
          </g>
          {picked && (
            <g pointerEvents="none" data-testid="search-archive-picked-marker">
              <line x1={px} x2={px} y1={PAD.top} y2={PAD.top + IH} className="stroke-rose-500/60" strokeDasharray="3 3" />
              {dy && <line x1={PAD.left} x2={PAD.left + IW} y1={py} y2={py} className="stroke-rose-500/60" strokeDasharray="3 3" />}
              {/* A halo in the plot's own colour keeps the ring readable over points of any colour. */}
              <circle cx={px} cy={py} r={6.5} fill="none" strokeWidth={4.5} className="stroke-white dark:stroke-slate-950" />
              <circle cx={px} cy={py} r={6.5} fill="none" strokeWidth={2} className="stroke-rose-600 dark:stroke-rose-400" />
            </g>
          )}
        </svg>
        <figcaption className="text-xs text-slate-500 dark:text-slate-400" data-testid="search-archive-caption">
          {fmtInt(report.total)} {what}
          {shown < report.total ? ` (${fmtInt(shown)} shown, evenly sampled)` : ""}
          {report.descriptors.length > 2 ? `; first two of ${report.descriptors.length} descriptors` : ""}. Values outside the box are drawn on its edge.
        </figcaption>
      </figure>
      <div className="min-w-0 space-y-4 text-sm">
        {obj ? (
          <div className="space-y-1">
            <ColorLegend min={range.min} max={range.max} label="objective" lineage={false} empty={false} />
            <p className="text-xs text-slate-500 dark:text-slate-400">Same colours as the elite archive&apos;s fitness; points worse than its worst elite take its darkest colour.</p>
          </div>
        ) : (
          <p className="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
            <span className="inline-block h-2.5 w-2.5 shrink-0 rounded-full bg-indigo-600/60 dark:bg-indigo-300/60" aria-hidden /> one measure in the reservoir the density estimate is built from (the
            archive keeps no objectives). Dense regions are what the emitters move away from.
          </p>
        )}
        <PickedPoint report={report} picked={picked} cell={cell} shownNow={pickedIndex >= 0} onOpenCell={onOpenCell} onBest={obj ? () => pick(bestPoint(obj)) : undefined} />
      </div>
    </div>
  );
}

function PickedPoint({
  report,
  picked,
  cell,
  shownNow,
  onOpenCell,
  onBest,
}: {
  report: SearchArchiveReport;
  picked: { m: number[]; objective: number | null } | null;
  cell: number | null;
  shownNow: boolean;
  onOpenCell(cell: number): void;
  onBest?: () => void;
}) {
  if (!picked)
    return (
      <div className="space-y-2">
        <p className="text-xs text-slate-500 dark:text-slate-400">Click a point (or focus the plot and use the arrow keys) to see its values and open the elite of the result-grid cell it falls in.</p>
        {onBest && (
          <button type="button" className={buttonClass} onClick={onBest}>
            Pick the best point
          </button>
        )}
      </div>
    );
  return (
    <section aria-label="Picked point" data-testid="search-archive-picked" className="space-y-2 rounded-md border border-slate-200 p-3 dark:border-slate-700">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Picked point</h3>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-0.5 tabular-nums">
        {report.descriptors.map((d, j) => (
          <div key={d.name} className="contents">
            <dt className="text-slate-500 dark:text-slate-400">{d.name}</dt>
            <dd>{fmtNum(picked.m[j], 4)}</dd>
          </div>
        ))}
        {picked.objective != null && (
          <>
            <dt className="text-slate-500 dark:text-slate-400">objective</dt>
            <dd data-testid="search-archive-picked-objective">{fmtNum(picked.objective, 4)}</dd>
          </>
        )}
        {cell != null && (
          <>
            <dt className="text-slate-500 dark:text-slate-400">result-grid cell</dt>
            <dd>{fmtInt(cell)}</dd>
          </>
        )}
      </dl>
      {!shownNow && <p className="text-xs text-amber-700 dark:text-amber-400">No longer among the points shown (the archive moved on).</p>}
      {cell != null && (
        <button type="button" className={buttonClass} onClick={() => onOpenCell(cell)}>
          Show cell {fmtInt(cell)}&apos;s elite
        </button>
      )}
      <p className="text-xs text-slate-500 dark:text-slate-400">The cell&apos;s elite is the best solution that landed there, which may be this point or a better one.</p>
    </section>
  );
}
