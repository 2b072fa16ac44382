"use client";
/**
 * Parallel coordinates of the archive: one vertical axis per descriptor (any number of them) plus
 * fitness, one line per elite, coloured by fitness like the grid. Drag along an axis to brush a
 * range; the brushes filter the grid and the elite table. Keyboard: Tab to an axis, ↑/↓ to create
 * and move its brush, Shift+↑/↓ to widen or narrow it, Escape to clear it.
 */
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import { scaleLinear } from "d3";
import { LUT_SIZE, VIRIDIS_LUT, colorIndex } from "@/components/archive/colors";
import { descriptorValue, inRanges } from "@/components/archive/filter";
import type { ArchiveStore } from "@/components/archive/store";
import type { DescriptorRange } from "@/components/lib/use-elite-table";
import { fmtNum } from "@/components/lib/format";
import { useDark } from "@/components/lib/use-dark";
import { useWidth } from "@/components/lib/use-width";
import { drawParallel, sizeCanvas, type ParallelFrame } from "./parallel-draw";
import type { ParallelMessage } from "./parallel.worker";

interface Props {
  store: ArchiveStore;
  /** Bumped when the archive changes (the store is mutated in place). */
  version: number;
  ranges: DescriptorRange[];
  onRangesChange(ranges: DescriptorRange[]): void;
  selected: number | null;
}

const M = { top: 34, right: 56, bottom: 26, left: 56 };
const HEIGHT = 300;
/** Colour buckets: one stroke() per bucket keeps 10,000 lines to a few dozen draw calls. */
const BUCKETS = 32;

const LIVE_REDRAW_MS = 750;

/** Each bucket's colour (the middle of its stretch of the fitness scale), as "r,g,b". */
const BUCKET_COLORS = Array.from({ length: BUCKETS }, (_, b) => {
  const i = Math.min(LUT_SIZE - 1, Math.round(((b + 0.5) / BUCKETS) * LUT_SIZE)) * 4;
  return `${VIRIDIS_LUT[i]},${VIRIDIS_LUT[i + 1]},${VIRIDIS_LUT[i + 2]}`;
});

/**
 * The worker drawing onto each canvas. A canvas hands its drawing to an OffscreenCanvas once and for all, so the
 * worker stays with the element (a remount of the same element, as in development's strict mode, finds it).
 */
const painters = new WeakMap<HTMLCanvasElement, Worker>();

/** Draws a frame onto the canvas: through its worker, or here where OffscreenCanvas or workers are missing. */
function paint(el: HTMLCanvasElement, frame: ParallelFrame) {
  let worker = painters.get(el);
  if (!worker && typeof Worker !== "undefined" && typeof el.transferControlToOffscreen === "function" && !el.dataset.painted) {
    const offscreen = el.transferControlToOffscreen();
    worker = new Worker(new URL("./parallel.worker.ts", import.meta.url), { type: "module" });
    worker.postMessage({ canvas: offscreen } satisfies ParallelMessage, [offscreen]);
    painters.set(el, worker);
  }
  if (worker) {
    const { ys, stroke } = frame;
    // Copies the line arrays' views into buffers of their own, transferred (no copy on the way).
    const msg = { frame: { ...frame, ys: ys.slice(), stroke: stroke.slice() } } satisfies ParallelMessage;
    worker.postMessage(msg, [msg.frame.ys.buffer, msg.frame.stroke.buffer]);
    return;
  }
  el.dataset.painted = "here";
  sizeCanvas(el, frame);
  const ctx = el.getContext("2d");
  if (ctx) drawParallel(ctx, frame);
}

export const ParallelCoordinates = memo(function ParallelCoordinates({ store, version, ranges, onRangesChange, selected }: Props) {
  const [wrapRef, width] = useWidth<HTMLDivElement>(720);
  const dark = useDark();
  const canvas = useRef<HTMLCanvasElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  // A live run bumps `version` many times a second, and redrawing thousands of polylines each time
  // blocks the main thread (bench/dashboard: long tasks): the lines follow the archive at most every
  // LIVE_REDRAW_MS. Brushing, selection, theme and size still redraw at once.
  const latest = useRef(version);
  latest.current = version;
  const [drawnVersion, setDrawnVersion] = useState(version);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (version === drawnVersion || timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      setDrawnVersion(latest.current);
    }, LIVE_REDRAW_MS);
  }, [version, drawnVersion]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const d = store.dim;
  const axes = d + 1; // descriptors, then fitness
  const plotW = Math.max(120, width - M.left - M.right);
  const plotH = HEIGHT - M.top - M.bottom;
  const xOf = (a: number) => M.left + (axes === 1 ? plotW / 2 : (a * plotW) / (axes - 1));
  const domains = useMemo(() => {
    const out = store.geometry.ranges.map(([lo, hi]) => [lo, hi] as [number, number]);
    out.push(store.max >= store.min ? [store.min, store.max === store.min ? store.min + 1 : store.max] : [0, 1]);
    return out;
    // The fitness axis follows the archive.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, drawnVersion]);
  const scales = useMemo(() => domains.map(([lo, hi]) => scaleLinear().domain([lo, hi]).range([M.top + plotH, M.top])), [domains, plotH]);

  // The brush being dragged (local until released, so the table refetches once).
  const [drag, setDrag] = useState<{ axis: number; y0: number; y1: number } | null>(null);
  const shown = useMemo(() => {
    if (!drag) return ranges;
    const s = scales[drag.axis]!;
    const a = s.invert(Math.max(drag.y0, drag.y1));
    const b = s.invert(Math.min(drag.y0, drag.y1));
    return [...ranges.filter((r) => r.index !== drag.axis), { index: drag.axis, min: Math.min(a, b), max: Math.max(a, b) }];
  }, [drag, ranges, scales]);

  // Draw the lines: dimmed ones first, kept ones over them, the selected elite on top. This thread computes where
  // the lines go; a worker strokes them onto the canvas (./parallel.worker.ts).
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const filled = store.filled;
    const colors = store.colorRange;
    // The scales as y = v · slope + offset: a d3 scale call per point (its interpolator included) was most
    // of this loop's time over 10,000 elites.
    const slope = new Float64Array(axes);
    const offset = new Float64Array(axes);
    scales.forEach((s, a) => {
      const [d0, d1] = s.domain() as [number, number];
      const [r0, r1] = s.range() as [number, number];
      slope[a] = d1 !== d0 ? (r1 - r0) / (d1 - d0) : 0;
      offset[a] = d1 !== d0 ? r0 - d0 * slope[a]! : (r0 + r1) / 2;
    });
    const ys = new Float64Array(filled * axes);
    const stroke = new Int8Array(filled);
    let n = 0;
    for (let c = 0; c < store.cells && n < filled; c++) {
      const f = store.fitness[c]!;
      if (f !== f) continue;
      let ok = true;
      const at = n * axes;
      for (let k = 0; k < d; k++) {
        const v = descriptorValue(store, c, k);
        if (v !== v) ok = false;
        ys[at + k] = v * slope[k]! + offset[k]!;
      }
      if (!ok) continue;
      ys[at + d] = f * slope[d]! + offset[d]!;
      stroke[n++] = shown.length && !inRanges(store, c, shown) ? -1 : Math.min(BUCKETS - 1, Math.floor((colorIndex(f, colors.min, colors.max) / LUT_SIZE) * BUCKETS));
    }
    let selectedYs: Float64Array | null = null;
    if (selected != null && store.fitness[selected] === store.fitness[selected]) {
      selectedYs = new Float64Array(axes);
      for (let k = 0; k < d; k++) selectedYs[k] = scales[k]!(descriptorValue(store, selected, k));
      selectedYs[d] = scales[d]!(store.fitness[selected]!);
    }
    // Thin, translucent lines: a dense archive reads as bands, a sparse one as lines.
    const alpha = filled > 3000 ? 0.18 : filled > 500 ? 0.32 : 0.6;
    const frame: ParallelFrame = {
      width,
      height: HEIGHT,
      dpr: window.devicePixelRatio || 1,
      xs: Float64Array.from({ length: axes }, (_, a) => xOf(a)),
      ys: ys.subarray(0, n * axes),
      stroke: stroke.subarray(0, n),
      colors: BUCKET_COLORS.map((rgb) => `rgba(${rgb},${alpha})`),
      dimmed: dark ? "rgba(148,163,184,0.10)" : "rgba(100,116,139,0.10)",
      selected: selectedYs,
      dark,
    };
    paint(el, frame);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, drawnVersion, width, scales, shown, selected, dark]);

  // The worker goes with the canvas: once the element has left the page (not on a remount of the same element).
  useEffect(() => {
    const el = canvas.current;
    return () => {
      setTimeout(() => {
        if (!el || el.isConnected) return;
        painters.get(el)?.terminate();
        painters.delete(el);
      }, 0);
    };
  }, []);

  const axisAt = (clientX: number): number | null => {
    const r = svg.current!.getBoundingClientRect();
    const x = clientX - r.left;
    let best = -1;
    let dist = Infinity;
    for (let a = 0; a < d; a++) {
      const dd = Math.abs(xOf(a) - x);
      if (dd < dist) (dist = dd), (best = a);
    }
    return best >= 0 && dist <= 24 ? best : null;
  };
  const yIn = (clientY: number) => {
    const r = svg.current!.getBoundingClientRect();
    return Math.min(M.top + plotH, Math.max(M.top, clientY - r.top));
  };
  const onDown = (e: PointerEvent<SVGSVGElement>) => {
    const a = axisAt(e.clientX);
    if (a == null) return;
    e.preventDefault();
    svg.current!.setPointerCapture(e.pointerId);
    const y = yIn(e.clientY);
    setDrag({ axis: a, y0: y, y1: y });
  };
  const onMove = (e: PointerEvent<SVGSVGElement>) => drag && setDrag({ ...drag, y1: yIn(e.clientY) });
  const onUp = () => {
    if (!drag) return;
    const rest = ranges.filter((r) => r.index !== drag.axis);
    // A click without a drag clears the axis.
    if (Math.abs(drag.y1 - drag.y0) < 3) onRangesChange(rest);
    else onRangesChange(shown);
    setDrag(null);
  };

  const onAxisKey = (e: KeyboardEvent<SVGGElement>, a: number) => {
    const [lo, hi] = domains[a]!;
    const span = hi - lo;
    const cur = ranges.find((r) => r.index === a);
    const rest = ranges.filter((r) => r.index !== a);
    const clamp = (r: DescriptorRange) => ({ index: a, min: Math.max(lo, Math.min(r.min, hi)), max: Math.min(hi, Math.max(r.max, lo)) });
    let next: DescriptorRange | null | undefined;
    const step = span * 0.05;
    if (e.key === "Escape" || e.key === "Delete" || e.key === "Backspace") next = null;
    else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
      const dir = e.key === "ArrowUp" ? 1 : -1;
      if (!cur) next = { index: a, min: lo + span * 0.4, max: lo + span * 0.6 };
      else if (e.shiftKey) next = cur.max + dir * step > cur.min ? { ...cur, max: cur.max + dir * step } : cur;
      else {
        const shift = dir > 0 ? Math.min(step, hi - cur.max) : -Math.min(step, cur.min - lo);
        next = { ...cur, min: cur.min + shift, max: cur.max + shift };
      }
    } else return;
    e.preventDefault();
    onRangesChange(next ? [...rest, clamp(next)].sort((x, y) => x.index - y.index) : rest);
  };

  const names = [...store.names, "fitness"];
  const axisColor = dark ? "#94a3b8" : "#475569";
  const text = dark ? "#e2e8f0" : "#0f172a";

  return (
    <div ref={wrapRef} className="relative select-none" data-testid="parallel-coordinates">
      <canvas ref={canvas} style={{ width, height: HEIGHT }} className="block" aria-hidden="true" data-testid="parallel-canvas" />
      <svg
        ref={svg}
        width={width}
        height={HEIGHT}
        className="absolute inset-0 touch-none"
        role="group"
        aria-label={`Parallel coordinates of ${store.filled.toLocaleString("en-US")} elites over ${d} descriptors and fitness`}
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={() => setDrag(null)}
      >
        {names.map((name, a) => {
          const x = xOf(a);
          const s = scales[a]!;
          const r = shown.find((q) => q.index === a);
          const brushable = a < d;
          return (
            <g
              key={a}
              tabIndex={brushable ? 0 : undefined}
              role={brushable ? "slider" : undefined}
              aria-label={brushable ? `${name} axis: ↑/↓ brushes a range, Shift+↑/↓ resizes it, Escape clears it` : undefined}
              aria-valuetext={brushable ? (r ? `${fmtNum(r.min)} to ${fmtNum(r.max)}` : "no filter") : undefined}
              data-axis={name}
              onKeyDown={brushable ? (e) => onAxisKey(e, a) : undefined}
              className={brushable ? "cursor-crosshair outline-none [&:focus-visible>rect.focus]:opacity-100" : ""}
            >
              <rect className="focus opacity-0" x={x - 14} y={M.top - 6} width={28} height={plotH + 12} rx={4} fill="none" stroke="#6366f1" strokeWidth={2} />
              <rect x={x - 12} y={M.top} width={24} height={plotH} fill="transparent" />
              <line x1={x} x2={x} y1={M.top} y2={M.top + plotH} stroke={axisColor} strokeWidth={1} />
              {s.ticks(5).map((t) => (
                <g key={t} transform={`translate(${x},${s(t)})`}>
                  {/* The last axis has nothing to its right: its labels go there, clear of the lines. */}
                  <line x1={a === axes - 1 ? 0 : -3} x2={a === axes - 1 ? 3 : 0} stroke={axisColor} />
                  <text x={a === axes - 1 ? 5 : -5} dy="0.32em" textAnchor={a === axes - 1 ? "start" : "end"} fontSize={10} fill={axisColor} className="tabular-nums">
                    {fmtNum(t)}
                  </text>
                </g>
              ))}
              <text x={x} y={M.top - 14} textAnchor="middle" fontSize={11} fontWeight={600} fill={text}>
                {name.length > 18 ? `${name.slice(0, 17)}…` : name}
                <title>{name}</title>
              </text>
              {r && (
                <rect
                  x={x - 7}
                  y={s(r.max)}
                  width={14}
                  height={Math.max(2, s(r.min) - s(r.max))}
                  fill={dark ? "rgba(129,140,248,0.35)" : "rgba(99,102,241,0.25)"}
                  stroke="#6366f1"
                  strokeWidth={1.5}
                  rx={2}
                  data-testid={`brush-${a}`}
                />
              )}
            </g>
          );
        })}
      </svg>
      <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">Drag along a descriptor axis to keep a range (click the axis to clear it); the grid and the table show only the elites inside every range.</p>
    </div>
  );
});
