"use client";
/** SVG axes drawn by d3-axis around a plot box; pointer events pass through. */
import { useEffect, useRef } from "react";
import { axisBottom, axisLeft, select, type ScaleLinear } from "d3";

interface Props {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number> | null;
  xLabel: string;
  yLabel: string | null;
  xFormat?: (v: number) => string;
  yFormat?: (v: number) => string;
}

export function Axes({ width, height, margin, x, y, xLabel, yLabel, xFormat, yFormat }: Props) {
  const gx = useRef<SVGGElement>(null);
  const gy = useRef<SVGGElement>(null);

  useEffect(() => {
    if (!gx.current) return;
    const ax = axisBottom(x).ticks(Math.max(2, Math.floor(width / 80))).tickSizeOuter(0);
    if (xFormat) ax.tickFormat((v) => xFormat(+v));
    select(gx.current).call(ax);
  }, [x, width, xFormat]);

  useEffect(() => {
    if (!gy.current || !y) return;
    const ay = axisLeft(y).ticks(Math.max(2, Math.floor(height / 60))).tickSizeOuter(0);
    if (yFormat) ay.tickFormat((v) => yFormat(+v));
    select(gy.current).call(ay);
  }, [y, height, yFormat]);

  return (
    <svg
      aria-hidden="true"
      className="pointer-events-none absolute left-0 top-0 overflow-visible text-slate-500 dark:text-slate-400"
      width={width + margin.left + margin.right}
      height={height + margin.top + margin.bottom}
    >
      <g ref={gx} transform={`translate(${margin.left},${margin.top + height})`} className="[&_text]:fill-current [&_.domain]:stroke-slate-300 dark:[&_.domain]:stroke-slate-700 [&_line]:stroke-slate-300 dark:[&_line]:stroke-slate-700" fontSize={11} />
      {y && (
        <g ref={gy} transform={`translate(${margin.left},${margin.top})`} className="[&_text]:fill-current [&_.domain]:stroke-slate-300 dark:[&_.domain]:stroke-slate-700 [&_line]:stroke-slate-300 dark:[&_line]:stroke-slate-700" fontSize={11} />
      )}
      <text x={margin.left + width / 2} y={margin.top + height + 38} textAnchor="middle" className="fill-slate-700 text-xs font-medium dark:fill-slate-300">
        {xLabel}
      </text>
      {y && yLabel && (
        <text transform={`translate(14,${margin.top + height / 2}) rotate(-90)`} textAnchor="middle" className="fill-slate-700 text-xs font-medium dark:fill-slate-300">
          {yLabel}
        </text>
      )}
    </svg>
  );
}
