"use client";
/**
 * A 3-D scatter of the elites of an archive with three descriptors (CVT archives above all, whose cells
 * have no grid to fold): each elite at its descriptor values (its cell's centroid or centre until the
 * exact values are known), coloured by fitness. Drag or use the arrow keys to turn it; click or Enter
 * picks the elite nearest the pointer / the centre. Canvas 2-D with an orthographic camera, no WebGL.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import { colorIndex, LUT_SIZE, theme, VIRIDIS_LUT } from "@/components/archive/colors";
import { ColorLegend } from "@/components/archive/ColorLegend";
import type { ArchiveStore } from "@/components/archive/store";
import { useDark } from "@/components/lib/use-dark";
import { useWidth } from "@/components/lib/use-width";
import { fmtNum } from "@/components/lib/format";
import { CUBE_CORNERS, CUBE_EDGES, DEFAULT_CAMERA, clampPitch, paintOrder, project, type Camera } from "./scatter3d";

interface Props {
  store: ArchiveStore;
  /** Bumps when the store changed in place. */
  version: number;
  selected: number | null;
  onSelect(cell: number): void;
  height?: number;
}

const CSS_LUT = Array.from({ length: LUT_SIZE }, (_, i) => `rgb(${VIRIDIS_LUT[i * 4]},${VIRIDIS_LUT[i * 4 + 1]},${VIRIDIS_LUT[i * 4 + 2]})`);
const STEP = Math.PI / 24;

/** Positions in the unit cube of every filled cell (NaN for empty ones). */
function positions(store: ArchiveStore): { xyz: Float64Array; valid: Uint8Array } {
  const n = store.cells;
  const xyz = new Float64Array(n * 3);
  const valid = new Uint8Array(n);
  const r = store.geometry.ranges;
  for (let c = 0; c < n; c++) {
    if (store.fitness[c] !== store.fitness[c]) continue;
    let bounds: { lo: number; hi: number }[] | null = null;
    for (let k = 0; k < 3; k++) {
      let v = store.descriptors[c * store.dim + k]!;
      if (v !== v) {
        bounds ??= store.cellBounds(c);
        const b = bounds[k];
        v = b ? (b.lo + b.hi) / 2 : NaN;
      }
      const [lo, hi] = r[k] ?? [0, 1];
      const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
      xyz[c * 3 + k] = t < 0 ? 0 : t > 1 ? 1 : t;
    }
    valid[c] = xyz[c * 3]! === xyz[c * 3]! && xyz[c * 3 + 1]! === xyz[c * 3 + 1]! && xyz[c * 3 + 2]! === xyz[c * 3 + 2]! ? 1 : 0;
  }
  return { xyz, valid };
}

export const Scatter3D = memo(function Scatter3D({ store, version, selected, onSelect, height = 440 }: Props) {
  const [wrapRef, width] = useWidth<HTMLDivElement>(640);
  const dark = useDark();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [cam, setCam] = useState<Camera>(DEFAULT_CAMERA);
  const [hover, setHover] = useState<{ cell: number; x: number; y: number } | null>(null);
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);
  const frame = useRef(0);
  const screen = useRef<{ sx: Float64Array; sy: Float64Array; depth: Float64Array } | undefined>(undefined);

  const pts = useMemo(() => positions(store), [store, version]); // eslint-disable-line react-hooks/exhaustive-deps
  const scale = Math.min(width, height) * 0.52;
  const cx = width / 2;
  const cy = height / 2;

  const draw = useCallback(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
    }
    const ctx = canvas.getContext("2d")!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const t = theme(dark);
    const n = store.cells;
    const p = (screen.current = project(pts.xyz, n, cam, screen.current));
    const box = project(CUBE_CORNERS, 8, cam);
    const X = (v: number) => cx + scale * v;
    const Y = (v: number) => cy + scale * v;
    ctx.lineWidth = 1;
    ctx.strokeStyle = dark ? "#475569" : "#cbd5e1";
    ctx.beginPath();
    for (const [a, b] of CUBE_EDGES) {
      ctx.moveTo(X(box.sx[a]!), Y(box.sy[a]!));
      ctx.lineTo(X(box.sx[b]!), Y(box.sy[b]!));
    }
    ctx.stroke();
    // The three axes from the origin corner, darker, with their names at the far end.
    ctx.strokeStyle = dark ? "#94a3b8" : "#64748b";
    ctx.fillStyle = dark ? "#cbd5e1" : "#334155";
    ctx.font = "12px ui-sans-serif, system-ui, sans-serif";
    ctx.beginPath();
    for (const k of [1, 2, 4]) {
      ctx.moveTo(X(box.sx[0]!), Y(box.sy[0]!));
      ctx.lineTo(X(box.sx[k]!), Y(box.sy[k]!));
    }
    ctx.stroke();
    [1, 2, 4].forEach((k, d) => {
      const dx = box.sx[k]! - box.sx[0]!;
      const dy = box.sy[k]! - box.sy[0]!;
      const len = Math.hypot(dx, dy) || 1;
      const [lo, hi] = store.geometry.ranges[d] ?? [0, 1];
      ctx.textAlign = dx > 0.05 ? "left" : dx < -0.05 ? "right" : "center";
      ctx.fillText(`${store.names[d] ?? `descriptor ${d + 1}`} [${fmtNum(lo)}, ${fmtNum(hi)}]`, X(box.sx[k]!) + (10 * dx) / len, Y(box.sy[k]!) + (10 * dy) / len + 4);
    });
    const order = paintOrder(p.depth, pts.valid);
    const r = order.length > 4000 ? 2 : order.length > 800 ? 2.75 : 3.5;
    const { min: lo, max: hi } = store.colorRange;
    for (let j = 0; j < order.length; j++) {
      const c = order[j]!;
      ctx.fillStyle = CSS_LUT[colorIndex(store.fitness[c]!, lo, hi)]!;
      ctx.beginPath();
      ctx.arc(X(p.sx[c]!), Y(p.sy[c]!), r, 0, 2 * Math.PI);
      ctx.fill();
    }
    if (selected != null && pts.valid[selected]) {
      ctx.strokeStyle = t.highlight;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(X(p.sx[selected]!), Y(p.sy[selected]!), r + 4, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }, [width, height, dark, store, pts, cam, cx, cy, scale, selected]);

  useEffect(() => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame.current);
  }, [draw]);

  /** The elite drawn nearest to a point of the canvas (the front one on ties), within `radius` px. */
  const nearest = (x: number, y: number, radius: number): number | null => {
    const p = screen.current;
    if (!p) return null;
    let best: number | null = null;
    let bestD = radius * radius;
    for (let c = 0; c < store.cells; c++) {
      if (!pts.valid[c]) continue;
      const dx = cx + scale * p.sx[c]! - x;
      const dy = cy + scale * p.sy[c]! - y;
      const d = dx * dx + dy * dy;
      if (d < bestD || (d === bestD && best != null && p.depth[c]! > p.depth[best]!)) {
        bestD = d;
        best = c;
      }
    }
    return best;
  };

  const local = (e: PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top] as const;
  };
  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, y: e.clientY, moved: false };
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    if (d) {
      const dx = e.clientX - d.x;
      const dy = e.clientY - d.y;
      if (Math.abs(dx) + Math.abs(dy) > 2) d.moved = true;
      if (d.moved) {
        d.x = e.clientX;
        d.y = e.clientY;
        setHover(null);
        setCam((c) => ({ yaw: c.yaw + dx * 0.01, pitch: clampPitch(c.pitch + dy * 0.01) }));
      }
      return;
    }
    const [x, y] = local(e);
    const c = nearest(x, y, 8);
    setHover(c == null ? null : { cell: c, x, y });
  };
  const onPointerUp = (e: PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = null;
    if (d && !d.moved) {
      const [x, y] = local(e);
      const c = nearest(x, y, 10);
      if (c != null) onSelect(c);
    }
  };
  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const turn: Record<string, [number, number]> = { ArrowLeft: [-STEP, 0], ArrowRight: [STEP, 0], ArrowUp: [0, -STEP], ArrowDown: [0, STEP] };
    const t = turn[e.key];
    if (t) {
      e.preventDefault();
      setCam((c) => ({ yaw: c.yaw + t[0], pitch: clampPitch(c.pitch + t[1]) }));
    } else if (e.key === "Home") {
      e.preventDefault();
      setCam(DEFAULT_CAMERA);
    } else if (e.key === "Enter" || e.key === " ") {
      // The elite nearest the middle of the view.
      e.preventDefault();
      const c = nearest(cx, cy, Infinity);
      if (c != null) onSelect(c);
    }
  };

  const hoverF = hover ? store.fitness[hover.cell]! : NaN;
  return (
    <div className="space-y-2">
      <div ref={wrapRef} className="relative" style={{ height }}>
        <canvas
          ref={canvasRef}
          tabIndex={0}
          role="img"
          aria-label={`3-D scatter of ${store.filled.toLocaleString("en-US")} elites over ${store.names.slice(0, 3).join(", ")}; arrow keys turn it, Home resets, Enter selects the elite nearest the centre`}
          data-testid="scatter-3d"
          data-yaw={cam.yaw.toFixed(3)}
          data-pitch={cam.pitch.toFixed(3)}
          data-points={pts.valid.reduce((s, v) => s + v, 0)}
          className="cursor-grab touch-none rounded-md outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 active:cursor-grabbing"
          style={{ width, height }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerLeave={() => setHover(null)}
          onKeyDown={onKeyDown}
        />
        {hover && hoverF === hoverF && (
          <div role="tooltip" className="pointer-events-none absolute z-10 rounded-md border border-slate-200 bg-white px-2 py-1 text-xs shadow-md dark:border-slate-700 dark:bg-slate-800" style={{ left: Math.min(hover.x + 12, width - 180), top: hover.y + 12 }}>
            <div className="font-medium">Cell {hover.cell.toLocaleString("en-US")}</div>
            <div className="tabular-nums text-slate-600 dark:text-slate-300">fitness {fmtNum(hoverF)}</div>
          </div>
        )}
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-slate-500 dark:text-slate-400">
        <ColorLegend {...store.colorRange} lineage={false} />
        <span>Drag to turn · click an elite to inspect it · arrow keys and Home from the keyboard</span>
        <button type="button" onClick={() => setCam(DEFAULT_CAMERA)} className="rounded px-2 py-0.5 font-medium text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-slate-300 dark:hover:bg-slate-800">
          Reset view
        </button>
      </div>
    </div>
  );
});
