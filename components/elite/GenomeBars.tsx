"use client";
/** A vector genome as a bar chart: one bar per gene, signed around zero. */
import { useMemo, useState } from "react";
import { extent, scaleBand, scaleLinear } from "d3";
import { useWidth } from "@/components/lib/use-width";
import { fmtNum } from "@/components/lib/format";
import { Axes } from "@/components/archive/Axes";

const M = { top: 6, right: 6, bottom: 34, left: 44 };

export function GenomeBars({ values, height = 150 }: { values: number[]; height?: number }) {
  const [ref, width] = useWidth<HTMLDivElement>(320);
  const [hover, setHover] = useState<number | null>(null);
  const w = Math.max(60, width - M.left - M.right);
  const h = height - M.top - M.bottom;
  const [lo, hi] = extent(values) as [number, number];
  const y = useMemo(() => scaleLinear().domain([Math.min(0, lo ?? 0), Math.max(0, hi ?? 1)]).range([h, 0]).nice(), [lo, hi, h]);
  const xb = useMemo(() => scaleBand<number>().domain(values.map((_, i) => i)).range([0, w]).paddingInner(values.length > 60 ? 0 : 0.15), [values, w]);
  const x = useMemo(() => scaleLinear().domain([0, values.length]).range([0, w]), [values.length, w]);
  const pos = useMemo(() => {
    let d = "";
    let n = "";
    const bw = Math.max(0.5, xb.bandwidth());
    values.forEach((v, i) => {
      const x0 = xb(i)!;
      const y0 = y(Math.max(0, v));
      const hh = Math.abs(y(v) - y(0));
      const seg = `M${x0},${y0}h${bw}v${hh}h${-bw}z`;
      if (v >= 0) d += seg;
      else n += seg;
    });
    return { d, n };
  }, [values, xb, y]);
  return (
    <div ref={ref} className="relative" style={{ height }}>
      <Axes width={w} height={h} margin={M} x={x} y={y} xLabel={`gene (${values.length})`} yLabel={null} xFormat={(v) => String(Math.round(v))} yFormat={(v) => fmtNum(v, 2)} />
      <svg className="absolute left-0 top-0" width={w + M.left + M.right} height={height} role="img" aria-label={`Genome: ${values.length} values from ${fmtNum(lo)} to ${fmtNum(hi)}`}>
        <g transform={`translate(${M.left},${M.top})`}>
          <line x1={0} x2={w} y1={y(0)} y2={y(0)} className="stroke-slate-300 dark:stroke-slate-600" />
          <path d={pos.d} className="fill-indigo-500 dark:fill-indigo-400" />
          <path d={pos.n} className="fill-rose-400 dark:fill-rose-400" />
          {hover != null && <rect x={xb(hover)} width={Math.max(1, xb.bandwidth())} y={0} height={h} className="fill-slate-400/20" />}
          <rect
            width={w}
            height={h}
            fill="transparent"
            onMouseMove={(e) => {
              const r = e.currentTarget.getBoundingClientRect();
              setHover(Math.min(values.length - 1, Math.max(0, Math.floor(((e.clientX - r.left) / w) * values.length))));
            }}
            onMouseLeave={() => setHover(null)}
          />
        </g>
      </svg>
      {hover != null && (
        <div className="pointer-events-none absolute right-1 top-0 rounded bg-white/90 px-1.5 py-0.5 text-xs tabular-nums shadow dark:bg-slate-800/90">
          x[{hover}] = {fmtNum(values[hover]!, 4)}
        </div>
      )}
    </div>
  );
}
