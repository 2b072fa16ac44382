"use client";
/**
 * The elite archive on a canvas: a heatmap (2-D grid), a strip (1-D), a
 * projection (≥3-D, folded or sliced) or Voronoi cells (CVT). D3 provides the
 * scales, axes and Voronoi geometry; the canvas is redrawn only when the data,
 * the view or the size change. Hover, click and arrow keys pick cells.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from "react";
import { Delaunay, scaleLinear } from "d3";
import { useDark } from "@/components/lib/use-dark";
import { useWidth } from "@/components/lib/use-width";
import { theme } from "./colors";
import { drawGrid, drawVoronoi, prepareCanvas, type VoronoiLayout } from "./draw";
import { projectGrid, type ArchiveStore, type Projection, type ViewSpec } from "./store";
import { Axes } from "./Axes";
import { GridTooltip } from "./GridTooltip";

interface Props {
  store: ArchiveStore;
  version: number;
  view: ViewSpec;
  selected: number | null;
  lineageCells: number[];
  /** A cell to mark besides the selection (the ancestor being inspected). */
  focusCell?: number | null;
  onSelect(cell: number): void;
}

const M = { top: 8, right: 12, bottom: 46, left: 60 };
const MAX_PLOT_H = 560;
const STRIP_H = 44;

declare global {
  interface Window {
    __qdGrid?: { draws: number[]; cells: number; filled: number };
  }
}

export function EliteGrid({ store, version, view, selected, lineageCells, focusCell = null, onSelect }: Props) {
  const [wrapRef, width] = useWidth<HTMLDivElement>(720);
  const dark = useDark();
  const t = theme(dark);
  const base = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const projRef = useRef<Projection | null>(null);
  const [hover, setHover] = useState<{ cell: number; x: number; y: number } | null>(null);
  const [cursor, setCursor] = useState<number | null>(null);
  const [focused, setFocused] = useState(false);
  /** The cursor's card shows for keyboard navigation only (a click already had the hover card). */
  const [keyboard, setKeyboard] = useState(false);

  const g = store.geometry;
  const strip = g.type === "grid" && view.y < 0;
  const bx = g.type === "grid" ? g.dims[view.x]! : 1;
  const by = g.type === "grid" && view.y >= 0 ? g.dims[view.y]! : 1;

  // Plot box: square-ish cells for grids, a square for CVT, a short band for strips.
  const availW = Math.max(120, width - M.left - M.right);
  let plotW: number, plotH: number;
  if (strip) {
    plotW = availW;
    plotH = STRIP_H;
  } else if (g.type === "grid") {
    const cs = Math.min(availW / bx, MAX_PLOT_H / by);
    plotW = Math.floor(cs * bx);
    plotH = Math.floor(cs * by);
  } else {
    plotW = plotH = Math.floor(Math.min(availW, MAX_PLOT_H));
  }
  const box = useMemo(() => ({ width: plotW, height: plotH }), [plotW, plotH]);
  const [xlo, xhi] = g.ranges[view.x] ?? [0, 1];
  const [ylo, yhi] = view.y >= 0 ? g.ranges[view.y]! : [0, 1];
  const xScale = useMemo(() => scaleLinear().domain([xlo, xhi]).range([0, plotW]), [xlo, xhi, plotW]);
  const yScale = useMemo(() => scaleLinear().domain([ylo, yhi]).range([plotH, 0]), [ylo, yhi, plotH]);

  const voronoi = useMemo<VoronoiLayout | null>(() => {
    if (g.type !== "cvt" || typeof Path2D === "undefined") return null;
    const yd = view.y >= 0 ? view.y : view.x;
    const pts = g.centroids.map((c) => [xScale(c[view.x]!), view.y >= 0 ? yScale(c[yd]!) : plotH / 2] as [number, number]);
    const delaunay = Delaunay.from(pts);
    const vor = delaunay.voronoi([0, 0, plotW, plotH]);
    const paths = pts.map((_, i) => {
      const poly = vor.cellPolygon(i);
      if (!poly) return null;
      const p = new Path2D();
      poly.forEach(([x, y], k) => (k ? p.lineTo(x, y) : p.moveTo(x, y)));
      p.closePath();
      return p;
    });
    const edges = new Path2D(vor.render());
    return { delaunay, voronoi: vor, paths, edges };
  }, [g, view.x, view.y, xScale, yScale, plotW, plotH]);

  // Redraw the cells: only on data, view, size or theme change.
  useEffect(() => {
    const canvas = base.current;
    if (!canvas) return;
    const t0 = performance.now();
    const ctx = prepareCanvas(canvas, box);
    const { min: lo, max: hi } = store.colorRange;
    if (g.type === "grid") {
      const p = projectGrid(store, view);
      projRef.current = p;
      drawGrid(ctx, p, box, lo, hi, t);
    } else if (voronoi) {
      drawVoronoi(ctx, voronoi, store.fitness, box, lo, hi, t);
    }
    const ms = performance.now() - t0;
    const w = (window.__qdGrid ??= { draws: [], cells: 0, filled: 0 });
    w.draws.push(ms);
    if (w.draws.length > 2000) w.draws.splice(0, 1000);
    w.cells = store.cells;
    w.filled = store.filled;
    canvas.dataset.filled = String(store.filled);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, version, view, box, voronoi, dark]);

  /** Screen position (centre, CSS px in the plot) and size of an archive cell. */
  const cellRect = (cell: number): { x: number; y: number; w: number; h: number } | null => {
    if (cell < 0 || cell >= store.cells) return null;
    if (g.type === "grid") {
      const idx = store.gridIndex(cell);
      const cw = plotW / bx;
      const ch = plotH / by;
      const px = idx[view.x]!;
      const py = view.y >= 0 ? idx[view.y]! : 0;
      return { x: px * cw, y: (by - 1 - py) * ch, w: cw, h: ch };
    }
    const c = g.centroids[cell];
    if (!c) return null;
    const x = xScale(c[view.x]!);
    const y = view.y >= 0 ? yScale(c[view.y]!) : plotH / 2;
    return { x: x - 4, y: y - 4, w: 8, h: 8 };
  };

  // Overlay: lineage trail, selection, keyboard cursor.
  useEffect(() => {
    const canvas = overlay.current;
    if (!canvas) return;
    const ctx = prepareCanvas(canvas, box);
    ctx.clearRect(0, 0, box.width, box.height);
    const centre = (r: { x: number; y: number; w: number; h: number }) => [r.x + r.w / 2, r.y + r.h / 2] as const;
    const trail = lineageCells.map(cellRect).filter((r): r is NonNullable<typeof r> => r !== null);
    if (trail.length) {
      ctx.strokeStyle = t.lineage;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      trail.forEach((r, i) => {
        const [x, y] = centre(r);
        if (i) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
      });
      ctx.stroke();
      ctx.setLineDash([]);
      for (const r of trail) {
        const [x, y] = centre(r);
        ctx.beginPath();
        ctx.arc(x, y, Math.max(3, Math.min(6, r.w / 2 + 1)), 0, 2 * Math.PI);
        ctx.fillStyle = t.lineage;
        ctx.fill();
      }
    }
    const ring = (cell: number | null, color: string, width: number) => {
      const r = cell == null ? null : cellRect(cell);
      if (!r) return;
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      const pad = Math.max(2, width);
      ctx.strokeRect(r.x - pad / 2, r.y - pad / 2, r.w + pad, r.h + pad);
    };
    ring(cursor, t.lineage, 1.5);
    if (focusCell != null && focusCell !== selected) {
      ring(focusCell, t.dark ? "#0f172a" : "#ffffff", 5);
      ring(focusCell, t.lineage, 2.5);
    }
    if (selected != null) {
      ring(selected, t.dark ? "#0f172a" : "#ffffff", 4);
      ring(selected, t.highlight, 2);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [box, selected, cursor, focusCell, lineageCells, view, voronoi, dark]);

  const cellAt = (x: number, y: number): number => {
    if (x < 0 || y < 0 || x >= plotW || y >= plotH) return -1;
    if (g.type === "grid") {
      const p = projRef.current;
      if (!p) return -1;
      const px = Math.min(bx - 1, Math.floor((x / plotW) * bx));
      const py = by - 1 - Math.min(by - 1, Math.floor((y / plotH) * by));
      const c = p.cell[py * bx + px]!;
      if (c >= 0) return c;
      return emptyCellAt(px, py);
    }
    return voronoi ? voronoi.delaunay.find(x, y) : -1;
  };

  /** The archive cell under an empty screen cell (its first slice), so hover can name it. */
  const emptyCellAt = (px: number, py: number): number => {
    if (g.type !== "grid") return -1;
    let c = 0;
    for (let d = 0; d < g.dims.length; d++) {
      const i = d === view.x ? px : d === view.y ? py : view.mode === "slice" ? (view.slice[d] ?? 0) : 0;
      c = c * g.dims[d]! + i;
    }
    return c;
  };

  const onMove = (e: MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    const cell = cellAt(x, y);
    setHover(cell >= 0 ? { cell, x: x + M.left, y: y + M.top } : null);
  };

  const onClick = (e: MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const cell = cellAt(e.clientX - r.left, e.clientY - r.top);
    if (cell >= 0) {
      setCursor(cell);
      onSelect(cell);
    }
  };

  const move = (from: number, dx: number, dy: number): number => {
    if (g.type === "grid") {
      const rect = cellRect(from);
      if (!rect) return from;
      const idx = store.gridIndex(from);
      idx[view.x] = Math.max(0, Math.min(bx - 1, idx[view.x]! + dx));
      if (view.y >= 0) idx[view.y] = Math.max(0, Math.min(by - 1, idx[view.y]! + dy));
      let c = 0;
      for (let d = 0; d < g.dims.length; d++) c = c * g.dims[d]! + idx[d]!;
      // In fold mode, land on the best cell of the folded column.
      const p = projRef.current;
      if (p && view.mode === "fold" && g.dims.length > 2) {
        const best = p.cell[(view.y >= 0 ? idx[view.y]! : 0) * bx + idx[view.x]!]!;
        if (best >= 0) return best;
      }
      return c;
    }
    if (!voronoi) return from;
    const [x0, y0] = [voronoi.delaunay.points[2 * from]!, voronoi.delaunay.points[2 * from + 1]!];
    let best = from;
    let bestScore = -Infinity;
    for (const n of voronoi.delaunay.neighbors(from)) {
      const vx = voronoi.delaunay.points[2 * n]! - x0;
      const vy = -(voronoi.delaunay.points[2 * n + 1]! - y0);
      const len = Math.hypot(vx, vy) || 1;
      const score = (vx * dx + vy * dy) / len;
      if (score > 0.3 && score > bestScore) {
        bestScore = score;
        best = n;
      }
    }
    return best;
  };

  const firstCell = (): number => {
    if (selected != null) return selected;
    for (let c = 0; c < store.cells; c++) if (store.fitness[c] === store.fitness[c]) return c;
    return 0;
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!keyboard) setKeyboard(true);
    const step = e.shiftKey ? 10 : 1;
    const dirs: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    const from = cursor ?? firstCell();
    if (dirs[e.key]) {
      e.preventDefault();
      const [dx, dy] = dirs[e.key]!;
      setCursor(cursor == null ? from : move(from, dx, dy));
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      setCursor(from);
      onSelect(from);
    } else if (e.key === "Escape") {
      setCursor(null);
    }
  };

  const cursorRect = cursor != null ? cellRect(cursor) : null;
  const tip = hover ?? (focused && keyboard && cursorRect && cursor != null ? { cell: cursor, x: cursorRect.x + cursorRect.w + M.left, y: cursorRect.y + M.top } : null);
  const xLabel = store.names[view.x] ?? "x";
  const yLabel = view.y >= 0 ? (store.names[view.y] ?? "y") : null;

  return (
    <div ref={wrapRef} className="relative w-full select-none">
      <div
        role="application"
        tabIndex={0}
        aria-label={`Elite archive, ${store.filled.toLocaleString("en-US")} of ${store.cells.toLocaleString("en-US")} cells filled. Arrow keys move between cells, Enter opens a cell.`}
        aria-describedby="grid-cursor-status"
        onKeyDown={onKey}
        onFocus={() => setFocused(true)}
        onMouseDown={() => setKeyboard(false)}
        onBlur={() => {
          setHover(null);
          setFocused(false);
        }}
        className="relative mx-auto rounded-md outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
        style={{ width: plotW + M.left + M.right, height: plotH + M.top + M.bottom }}
      >
        <canvas
          ref={base}
          data-testid="elite-grid-canvas"
          aria-hidden="true"
          className="absolute cursor-crosshair"
          style={{ left: M.left, top: M.top, width: plotW, height: plotH }}
          onMouseMove={onMove}
          onMouseLeave={() => setHover(null)}
          onClick={onClick}
        />
        <canvas ref={overlay} aria-hidden="true" className="pointer-events-none absolute" style={{ left: M.left, top: M.top, width: plotW, height: plotH }} />
        <Axes
          width={plotW}
          height={plotH}
          margin={M}
          x={xScale}
          y={strip || view.y < 0 ? null : yScale}
          xLabel={`${xLabel}  [${xlo}, ${xhi}]`}
          yLabel={yLabel ? `${yLabel}  [${ylo}, ${yhi}]` : null}
        />
        {tip && <GridTooltip store={store} cell={tip.cell} x={tip.x} y={tip.y} containerWidth={plotW + M.left + M.right} />}
      </div>
      <p id="grid-cursor-status" className="sr-only" aria-live="polite">
        {cursor != null ? describeCell(store, cursor) : ""}
      </p>
    </div>
  );
}

export function describeCell(store: ArchiveStore, cell: number): string {
  const f = store.fitness[cell];
  return `Cell ${cell}: ${f === undefined || f !== f ? "empty" : `fitness ${f.toPrecision(4)}`}`;
}
