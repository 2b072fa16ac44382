"use client";
/** A D3 line chart (SVG): one or more series against a shared x, with axes and a hover readout. */
import { useMemo, useState, type MouseEvent, memo } from "react";
import { bisector, extent, line, scaleLinear } from "d3";
import { useWidth } from "@/components/lib/use-width";
import { fmtInt, fmtNum } from "@/components/lib/format";
import { Axes } from "@/components/archive/Axes";

export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
}

interface Props {
  title: string;
  series: Series[];
  xLabel?: string;
  yFormat?: (v: number) => string;
  height?: number;
  /** Keep zero on the y axis (counts, scores); off for fitness, which may sit far from zero. */
  zero?: boolean;
  /** A marked x (the archive replay's moment), drawn as a vertical line. */
  cursorX?: number | null;
}

const M = { top: 10, right: 14, bottom: 40, left: 56 };
const bisect = bisector<{ x: number; y: number }, number>((p) => p.x).center;

export const LineChart = memo(function LineChart({ title, series, xLabel = "evaluations", yFormat = (v) => fmtNum(v), height = 180, zero = true, cursorX = null }: Props) {
  const [ref, width] = useWidth<HTMLDivElement>(360);
  const [hoverX, setHoverX] = useState<number | null>(null);
  const w = Math.max(80, width - M.left - M.right);
  const h = height - M.top - M.bottom;

  const all = series.flatMap((s) => s.points);
  const [x0, x1] = extent(all, (p) => p.x) as [number | undefined, number | undefined];
  const [y0, y1] = extent(all, (p) => p.y) as [number | undefined, number | undefined];
  const x = useMemo(() => scaleLinear().domain([0, Math.max(1, x1 ?? 1)]).range([0, w]).nice(), [x1, w]);
  const y = useMemo(() => {
    let lo = zero ? Math.min(0, y0 ?? 0) : (y0 ?? 0);
    let hi = y1 ?? 1;
    if (!(hi > lo)) {
      const pad = Math.abs(lo) * 0.05 || 1;
      lo -= pad;
      hi += pad;
    } else if (!zero) {
      const pad = (hi - lo) * 0.05;
      lo -= pad;
      hi += pad;
    }
    return scaleLinear().domain([lo, hi]).range([h, 0]).nice();
  }, [y0, y1, h, zero]);
  const path = line<{ x: number; y: number }>().x((p) => x(p.x)).y((p) => y(p.y));
  void x0;

  const onMove = (e: MouseEvent<SVGRectElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    setHoverX(x.invert(e.clientX - r.left));
  };

  const readout = hoverX == null ? [] : series.map((s) => ({ s, p: s.points.length ? s.points[bisect(s.points, hoverX)]! : null })).filter((r) => r.p);
  const rx = readout[0]?.p ? x(readout[0].p.x) : 0;

  return (
    <figure ref={ref} className="relative" aria-label={`${title} against ${xLabel}`}>
      <figcaption className="mb-1 text-sm font-medium text-slate-700 dark:text-slate-300">{title}</figcaption>
      <div className="relative" style={{ height }}>
        <Axes width={w} height={h} margin={M} x={x} y={y} xLabel={xLabel} yLabel={null} xFormat={(v) => fmtCompact(v)} yFormat={yFormat} />
        <svg className="absolute left-0 top-0 overflow-visible" width={w + M.left + M.right} height={height} role="img" aria-label={`${title} chart`}>
          <g transform={`translate(${M.left},${M.top})`}>
            {y.ticks(4).map((t) => (
              <line key={t} x1={0} x2={w} y1={y(t)} y2={y(t)} className="stroke-slate-100 dark:stroke-slate-800" />
            ))}
            {series.map((s) => (
              <path key={s.name} d={path(s.points) ?? ""} fill="none" stroke={s.color} strokeWidth={1.75} />
            ))}
            {cursorX != null && Number.isFinite(cursorX) && (
              <line x1={x(cursorX)} x2={x(cursorX)} y1={0} y2={h} className="stroke-orange-500 dark:stroke-orange-400" strokeWidth={1.5} data-testid="chart-cursor" />
            )}
            {hoverX != null && readout.length > 0 && (
              <g>
                <line x1={rx} x2={rx} y1={0} y2={h} className="stroke-slate-400 dark:stroke-slate-500" strokeDasharray="3 3" />
                {readout.map(({ s, p }) => (
                  <circle key={s.name} cx={x(p!.x)} cy={y(p!.y)} r={3.5} fill={s.color} className="stroke-white dark:stroke-slate-950" strokeWidth={1.5} />
                ))}
              </g>
            )}
            <rect width={w} height={h} fill="transparent" onMouseMove={onMove} onMouseLeave={() => setHoverX(null)} />
          </g>
        </svg>
        {hoverX != null && readout.length > 0 && (
          <div
            role="tooltip"
            className="pointer-events-none absolute z-10 rounded-md border border-slate-200 bg-white/95 px-2.5 py-1.5 text-xs shadow-lg dark:border-slate-700 dark:bg-slate-900/95"
            style={{ left: Math.min(M.left + rx + 10, M.left + w - 150), top: M.top }}
          >
            <div className="text-slate-500 dark:text-slate-400">{fmtInt(readout[0]!.p!.x)} evaluations</div>
            {readout.map(({ s, p }) => (
              <div key={s.name} className="flex items-center gap-1.5 tabular-nums">
                <span className="inline-block h-2 w-2 rounded-full" style={{ background: s.color }} />
                {series.length > 1 && <span className="max-w-28 truncate">{s.name}</span>}
                <span className="font-medium">{yFormat(p!.y)}</span>
              </div>
            ))}
          </div>
        )}
        {all.length === 0 && <p className="absolute inset-0 flex items-center justify-center text-xs text-slate-400">No data yet</p>}
      </div>
    </figure>
  );
});

export function fmtCompact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return String(+v.toFixed(2));
}
