/**
 * The frame the search-archive plots share: one plot box over the first two descriptors, its tick
 * labels (optionally grid lines) and axis titles, in SVG user units.
 */
import { fmtNum } from "@/components/lib/format";
import { ticks } from "./scatter";

export const W = 560;
export const H = 400;
export const PAD = { left: 60, right: 14, top: 12, bottom: 46 };
export const IW = W - PAD.left - PAD.right;
export const IH = H - PAD.top - PAD.bottom;

export interface AxisSpec {
  name: string;
  min: number;
  max: number;
}

/** Scales from descriptor values to the plot box; `clamp` draws values outside the box on its edge. */
export function plotScales(dx: AxisSpec, dy: AxisSpec | undefined, clamp: boolean) {
  const ySpec = dy ?? { name: "", min: 0, max: 1 };
  const fit = (v: number, a: AxisSpec) => (clamp ? Math.min(Math.max(v, a.min), a.max) : v);
  const sx = (v: number) => PAD.left + ((fit(v, dx) - dx.min) / (dx.max - dx.min)) * IW;
  const sy = (v: number) => PAD.top + IH - ((fit(v, ySpec) - ySpec.min) / (ySpec.max - ySpec.min)) * IH;
  return { sx, sy, ySpec };
}

/** The box's background, tick labels (and grid lines when asked) and the axis titles. */
export function PlotAxes({ dx, dy, gridLines = false }: { dx: AxisSpec; dy: AxisSpec | undefined; gridLines?: boolean }) {
  const { sx, sy, ySpec } = plotScales(dx, dy, false);
  return (
    <>
      <rect x={PAD.left} y={PAD.top} width={IW} height={IH} className="fill-slate-50 stroke-slate-300 dark:fill-slate-800 dark:stroke-slate-600" />
      {ticks(dx.min, dx.max).map((t) => (
        <g key={`x${t}`} className="fill-current">
          {gridLines && <line x1={sx(t)} x2={sx(t)} y1={PAD.top} y2={PAD.top + IH} className="stroke-slate-200 dark:stroke-slate-700" />}
          <text x={sx(t)} y={PAD.top + IH + 15} textAnchor="middle" className="text-[11px] tabular-nums">
            {fmtNum(t)}
          </text>
        </g>
      ))}
      {dy &&
        ticks(ySpec.min, ySpec.max).map((t) => (
          <g key={`y${t}`} className="fill-current">
            {gridLines && <line x1={PAD.left} x2={PAD.left + IW} y1={sy(t)} y2={sy(t)} className="stroke-slate-200 dark:stroke-slate-700" />}
            <text x={PAD.left - 6} y={sy(t) + 4} textAnchor="end" className="text-[11px] tabular-nums">
              {fmtNum(t)}
            </text>
          </g>
        ))}
      <text x={PAD.left + IW / 2} y={H - 8} textAnchor="middle" className="fill-current text-[12px] font-medium">
        {dx.name} →
      </text>
      {dy && (
        <text x={16} y={PAD.top + IH / 2} textAnchor="middle" transform={`rotate(-90 16 ${PAD.top + IH / 2})`} className="fill-current text-[12px] font-medium">
          {dy.name} →
        </text>
      )}
    </>
  );
}
