"use client";
/**
 * The phylogeny drawn on a canvas: seeds at the top, one row per generation, an edge from each parent
 * to its child (second parents of a crossover in a second colour). Zoom and pan with d3-zoom (wheel,
 * drag, or the keyboard: arrows pan, + and - zoom, 0 fits). Hover a node for its operator, model and
 * fitness; click it (or Enter) to open it.
 *
 * Fast at 100,000 nodes: geometry goes into Path2D objects in world coordinates once per layout (edges)
 * or per zoom level (nodes, bucketed by colour), in chunks of CHUNK nodes, so a full render is a transform
 * and a few fill/stroke calls per chunk with no per-node JavaScript; and a pan frame within MARGIN px only
 * copies a bitmap. A render caused by new data or a new selection (a live reload) is time-sliced into a
 * back bitmap, a few chunks per frame, while the old picture stays on screen: no long task.
 */
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { interpolateSinebow, quadtree, select, zoom, zoomIdentity, type Quadtree, type ZoomBehavior, type ZoomTransform } from "d3";
import { VIRIDIS_LUT, colorIndex, LUT_SIZE } from "@/components/archive/colors";
import { useDark } from "@/components/lib/use-dark";
import { useWidth } from "@/components/lib/use-width";
import { fmtDate, fmtNum } from "@/components/lib/format";
import type { PhyloData } from "./data";
import type { PhyloLayout } from "./layout";

export type ColorBy = "fitness" | "cell";

interface Props {
  data: PhyloData;
  layout: PhyloLayout;
  colorBy: ColorBy;
  /** Node index. */
  selected: number | null;
  /** Nodes to outline (the selected node's ancestry). */
  highlight?: Uint8Array | null;
  /** Archive replay: nodes from this index on did not exist yet and are drawn faded. */
  timeCount?: number | null;
  onSelect(node: number | null): void;
  onOpen(node: number): void;
  height?: number;
  /**
   * The view is fitted to the tree when this changes (a filter); new data alone (a live reload) refits
   * only while the user has not zoomed or panned, so a tree that grows never yanks their view away.
   */
  fitKey?: string;
}

const SLOT = 10;
/** CSS px rendered beyond each side of the view, so short pans only move a bitmap. */
const MARGIN = 384;
const BUCKETS = 32;
/** Nodes per geometry chunk: one chunk's stroke or fills take a few ms at most. */
const CHUNK = 4096;
/** ms of rendering per frame for a time-sliced render. */
const SLICE_MS = 8;

declare global {
  interface Window {
    /** Bench hooks: draw times (ms) and a programmatic pan through the same zoom behaviour as a drag. */
    __qdPhylo?: { draws: number[]; rendered: number; n: number; panBy(dx: number, dy: number): void };
  }
}

function bucketColors(colorBy: ColorBy): string[] {
  const out: string[] = [];
  for (let b = 0; b < BUCKETS; b++) {
    if (colorBy === "cell") out.push(interpolateSinebow(b / BUCKETS));
    else {
      const i = Math.round((b / (BUCKETS - 1)) * (LUT_SIZE - 1)) * 4;
      out.push(`rgb(${VIRIDIS_LUT[i]},${VIRIDIS_LUT[i + 1]},${VIRIDIS_LUT[i + 2]})`);
    }
  }
  return out;
}

/** Cells scatter over the hue circle (neighbouring cells get different colours). */
const cellBucket = (c: number) => (c < 0 ? -1 : (Math.imul(c, 2654435761) >>> 0) % BUCKETS);

export const PhylogenyCanvas = memo(function PhylogenyCanvas({ data, layout, colorBy, selected, highlight = null, timeCount = null, onSelect, onOpen, height = 520, fitKey = "" }: Props) {
  const [wrapRef, width] = useWidth<HTMLDivElement>(900);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const dark = useDark();
  const transform = useRef<ZoomTransform>(zoomIdentity);
  const zoomRef = useRef<ZoomBehavior<HTMLCanvasElement, unknown> | null>(null);
  const frame = useRef(0);
  const [hover, setHover] = useState<{ node: number; x: number; y: number } | null>(null);
  /** The user moved the view since the last fit (then live reloads keep it). */
  const userMoved = useRef(false);

  // World coordinates: x slots × SLOT; generations spaced so the whole tree roughly fits the view's aspect.
  const world = useMemo(() => {
    const span = (layout.maxX - layout.minX + 1) * SLOT;
    const rowGap = Math.min(80, Math.max(12, (span * (height / Math.max(1, width))) / Math.max(1, layout.maxDepth)));
    const X = new Float32Array(data.n);
    const Y = new Float32Array(data.n);
    for (let i = 0; i < data.n; i++) {
      X[i] = (layout.x[i]! - layout.minX) * SLOT;
      Y[i] = layout.depth[i]! * rowGap;
    }
    return { X, Y, w: span, h: layout.maxDepth * rowGap + SLOT };
  }, [data, layout, width, height]);

  // Edge paths per chunk of children, built when first drawn.
  const edges = useMemo(() => {
    const chunks = Math.ceil(data.n / CHUNK);
    const first: (Path2D | undefined)[] = new Array(chunks);
    const second: (Path2D | undefined)[] = new Array(chunks);
    const build = (j: number) => {
      const f = new Path2D();
      const sec = new Path2D();
      const { X, Y } = world;
      for (let c = j * CHUNK, end = Math.min(data.n, c + CHUNK); c < end; c++) {
        if (X[c] !== X[c]) continue;
        for (let q = data.parentStart[c]!; q < data.parentStart[c + 1]!; q++) {
          const p = data.parents[q]!;
          if (p < 0 || X[p] !== X[p]) continue;
          const path = q === data.parentStart[c] ? f : sec;
          path.moveTo(X[p]!, Y[p]!);
          path.lineTo(X[c]!, Y[c]!);
        }
      }
      first[j] = f;
      second[j] = sec;
    };
    return {
      chunks,
      first: (j: number) => (first[j] ?? (build(j), first[j]!)),
      second: (j: number) => (second[j] ?? (build(j), second[j]!)),
    };
  }, [data, world]);

  // The hit-test index, built on the first hover or click (not on every live reload of a big tree).
  const treeRef = useRef<{ world: unknown; tree: Quadtree<number> } | null>(null);
  const hitTree = (): Quadtree<number> => {
    if (treeRef.current?.world === world) return treeRef.current.tree;
    const idx: number[] = [];
    for (let i = 0; i < data.n; i++) if (world.X[i] === world.X[i]) idx.push(i);
    const tree = quadtree<number>()
      .x((i) => world.X[i]!)
      .y((i) => world.Y[i]!)
      .addAll(idx);
    treeRef.current = { world, tree };
    return tree;
  };

  const buckets = useMemo(() => {
    const b = new Int8Array(data.n);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < data.n; i++) {
      const f = data.fitness[i]!;
      if (f === f) (lo = Math.min(lo, f)), (hi = Math.max(hi, f));
    }
    for (let i = 0; i < data.n; i++) {
      const f = data.fitness[i]!;
      b[i] = colorBy === "cell" ? cellBucket(data.cell[i]!) : f === f ? Math.round((colorIndex(f, lo, hi) / (LUT_SIZE - 1)) * (BUCKETS - 1)) : -1;
    }
    return { of: b, colors: bucketColors(colorBy), lo, hi };
  }, [data, colorBy]);

  // Node squares per chunk and colour bucket, rebuilt only when the zoom changes their size noticeably
  // (never while panning); each chunk is built when first drawn.
  const nodePaths = useRef<{ r: number; chunk(j: number): { fills: (Path2D | null)[]; none: Path2D }; key: unknown } | null>(null);
  const nodesFor = useCallback(
    (k: number) => {
      const rScreen = Math.min(6, Math.max(1.2, k * SLOT * 0.38));
      const r = rScreen / k;
      const cur = nodePaths.current;
      if (cur && cur.key === buckets && cur.r / r < 1.3 && r / cur.r < 1.3) return cur;
      const built: { fills: (Path2D | null)[]; none: Path2D }[] = [];
      const chunk = (j: number) => {
        if (built[j]) return built[j]!;
        const fills: (Path2D | null)[] = new Array(BUCKETS).fill(null);
        const none = new Path2D();
        const { X, Y } = world;
        for (let i = j * CHUNK, end = Math.min(data.n, i + CHUNK); i < end; i++) {
          if (X[i] !== X[i]) continue;
          const b = buckets.of[i]!;
          (b < 0 ? none : (fills[b] ??= new Path2D())).rect(X[i]! - r, Y[i]! - r, 2 * r, 2 * r);
        }
        return (built[j] = { fills, none });
      };
      return (nodePaths.current = { r, chunk, key: buckets });
    },
    [data, world, buckets],
  );
  useEffect(() => {
    nodePaths.current = null;
  }, [world, buckets]);

  // Faded overlay for nodes that did not exist yet at the replay's moment (a suffix in creation order).
  const future = useMemo(() => {
    if (timeCount == null || timeCount >= data.n) return null;
    return { from: timeCount };
  }, [timeCount, data.n]);

  /**
   * The whole scene under transform t, into ctx (CSS px w × h, offset by (ox, oy) CSS px), as steps of
   * about one chunk each (a generator), so a render can run at once or a few steps per frame.
   */
  const render = useCallback(
    function* (ctx: CanvasRenderingContext2D, t: ZoomTransform, w: number, h: number, ox: number, oy: number): Generator<void, void, void> {
      const dpr = window.devicePixelRatio || 1;
      const scene = () => {
        ctx.setTransform(dpr * t.k, 0, 0, dpr * t.k, dpr * (t.x + ox), dpr * (t.y + oy));
        ctx.lineWidth = 1 / t.k;
      };
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.fillStyle = dark ? "#0f172a" : "#ffffff";
      ctx.fillRect(0, 0, w, h);
      // Edges under nodes, first parents under second parents, as before chunking.
      for (let j = 0; j < edges.chunks; j++) {
        scene();
        ctx.strokeStyle = dark ? "rgba(148,163,184,0.35)" : "rgba(100,116,139,0.35)";
        ctx.stroke(edges.first(j));
        yield;
      }
      for (let j = 0; j < edges.chunks; j++) {
        scene();
        ctx.strokeStyle = dark ? "rgba(251,146,60,0.45)" : "rgba(234,88,12,0.4)";
        ctx.stroke(edges.second(j));
        yield;
      }
      const nodes = nodesFor(t.k);
      for (let j = 0; j < edges.chunks; j++) {
        scene();
        const c = nodes.chunk(j);
        for (let b = 0; b < BUCKETS; b++) {
          const path = c.fills[b];
          if (!path) continue;
          ctx.fillStyle = buckets.colors[b]!;
          ctx.fill(path);
        }
        ctx.fillStyle = "#94a3b8";
        ctx.fill(c.none);
        yield;
      }
      scene();
      const { X, Y } = world;
      const r = nodes.r;
      if (future) {
        ctx.fillStyle = dark ? "rgba(15,23,42,0.85)" : "rgba(255,255,255,0.85)";
        ctx.beginPath();
        for (let i = future.from; i < data.n; i++) if (X[i] === X[i]) ctx.rect(X[i]! - r * 1.2, Y[i]! - r * 1.2, 2.4 * r, 2.4 * r);
        ctx.fill();
      }
      if (highlight) {
        ctx.strokeStyle = dark ? "#fb923c" : "#ea580c";
        ctx.lineWidth = 1.5 / t.k;
        ctx.beginPath();
        for (let i = 0; i < data.n; i++) if (highlight[i] && X[i] === X[i]) ctx.rect(X[i]! - r * 1.6, Y[i]! - r * 1.6, 3.2 * r, 3.2 * r);
        ctx.stroke();
      }
      if (selected != null && X[selected] === X[selected]) {
        ctx.strokeStyle = dark ? "#f8fafc" : "#0f172a";
        ctx.lineWidth = 2 / t.k;
        ctx.beginPath();
        ctx.arc(X[selected]!, Y[selected]!, Math.max(r * 2.2, 7 / t.k), 0, 2 * Math.PI);
        ctx.stroke();
      }
    },
    [dark, edges, nodesFor, buckets, world, data.n, future, highlight, selected],
  );

  /**
   * Panning is a blit: the scene is rendered into a bitmap MARGIN px larger than the view on each side,
   * and a pan frame copies the shifted bitmap. A new bitmap is needed when the zoom or anything drawn
   * changes, or when a pan leaves the margin; it is rendered in slices of SLICE_MS per frame behind the
   * current one (a small tree completes in the first slice, at once), and meanwhile the current bitmap
   * is shown moved and scaled to the new view. So neither a live reload of 100,000 nodes nor a zoom is a
   * long task.
   */
  type Cached = { canvas: HTMLCanvasElement; render: unknown; k: number; x: number; y: number; w: number; h: number };
  const cache = useRef<Cached | null>(null);
  const job = useRef<{ next: Cached; steps: Generator<void, void, void>; raf: number } | null>(null);
  /** The bitmap a finished job replaced: the next job draws into it. */
  const spare = useRef<HTMLCanvasElement | null>(null);
  const drawRef = useRef<() => void>(() => {});
  const draw = useCallback(() => {
    frame.current = 0;
    const canvas = canvasRef.current;
    if (!canvas) return;
    const t0 = performance.now();
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.width / dpr;
    const h = canvas.height / dpr;
    const t = transform.current;
    const serves = (b: Cached | null | undefined) => !!b && b.render === render && b.k === t.k && b.w === w && b.h === h && Math.abs(t.x - b.x) <= MARGIN && Math.abs(t.y - b.y) <= MARGIN;
    if (!serves(cache.current) && !serves(job.current?.next)) {
      if (job.current) cancelAnimationFrame(job.current.raf);
      const reuse = job.current?.next.canvas ?? (spare.current && spare.current !== cache.current?.canvas ? spare.current : null);
      const back = reuse ?? document.createElement("canvas");
      const bw = Math.round((w + 2 * MARGIN) * dpr);
      const bh = Math.round((h + 2 * MARGIN) * dpr);
      if (back.width !== bw || back.height !== bh) (back.width = bw), (back.height = bh);
      const next: Cached = { canvas: back, render, k: t.k, x: t.x, y: t.y, w, h };
      const j = (job.current = { next, steps: render(back.getContext("2d")!, t, w + 2 * MARGIN, h + 2 * MARGIN, MARGIN, MARGIN), raf: 0 });
      const slice = () => {
        if (job.current !== j) return;
        const s0 = performance.now();
        let done = false;
        while (!(done = j.steps.next().done === true) && performance.now() - s0 < SLICE_MS);
        if (!done) return void (j.raf = requestAnimationFrame(slice));
        job.current = null;
        spare.current = cache.current?.canvas ?? null;
        cache.current = next;
        (window.__qdPhylo ??= { draws: [], rendered: 0, n: 0, panBy: () => {} }).rendered++;
        // Done within this draw: it goes on to show it; done in a later frame: show it now.
        if (!inDraw && !frame.current) frame.current = requestAnimationFrame(() => drawRef.current());
      };
      let inDraw = true;
      slice();
      inDraw = false;
    }
    const ctx = canvas.getContext("2d")!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = dark ? "#0f172a" : "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const c = cache.current;
    if (c) {
      // The bitmap holds world point p at c.k·p + c.{x,y} + MARGIN; the view wants it at t.k·p + t.{x,y}.
      const s = t.k / c.k;
      if (s === 1) ctx.drawImage(c.canvas, Math.round((t.x - c.x - MARGIN) * dpr), Math.round((t.y - c.y - MARGIN) * dpr));
      else ctx.drawImage(c.canvas, (t.x - s * (c.x + MARGIN)) * dpr, (t.y - s * (c.y + MARGIN)) * dpr, c.canvas.width * s, c.canvas.height * s);
    }
    const ms = performance.now() - t0;
    const wnd = (window.__qdPhylo ??= { draws: [], rendered: 0, n: 0, panBy: () => {} });
    wnd.n = layout.count;
    wnd.draws.push(ms);
    if (wnd.draws.length > 4000) wnd.draws.splice(0, 2000);
  }, [render, dark, layout.count]);
  useEffect(() => {
    drawRef.current = draw;
  }, [draw]);

  const schedule = useCallback(() => {
    if (!frame.current) frame.current = requestAnimationFrame(draw);
  }, [draw]);

  const fit = useCallback(() => {
    const canvas = canvasRef.current;
    const z = zoomRef.current;
    if (!canvas || !z) return;
    const pad = 24;
    const k = Math.min((width - 2 * pad) / Math.max(1, world.w), (height - 2 * pad) / Math.max(1, world.h), 4);
    const t = zoomIdentity.translate((width - world.w * k) / 2, pad).scale(k);
    select(canvas).call(z.transform, t);
  }, [width, height, world]);

  // d3-zoom owns the transform; every zoom event schedules one frame.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const z = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([1e-3, 64])
      .on("zoom", (e: { transform: ZoomTransform; sourceEvent: unknown }) => {
        transform.current = e.transform;
        if (e.sourceEvent) userMoved.current = true;
        setHover(null);
        schedule();
      });
    zoomRef.current = z;
    select(canvas).call(z).on("dblclick.zoom", null);
    const w = (window.__qdPhylo ??= { draws: [], rendered: 0, n: 0, panBy: () => {} });
    w.panBy = (dx, dy) => z.translateBy(select(canvas), dx / transform.current.k, dy / transform.current.k);
    return () => {
      select(canvas).on(".zoom", null);
    };
  }, [schedule]);

  const lastFitKey = useRef<string | null>(null);
  useEffect(() => {
    if (lastFitKey.current === fitKey && userMoved.current) return;
    lastFitKey.current = fitKey;
    userMoved.current = false;
    fit();
  }, [fit, fitKey]);

  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    schedule();
  }, [width, height, schedule]);

  useEffect(
    () => () => {
      cancelAnimationFrame(frame.current);
      if (job.current) cancelAnimationFrame(job.current.raf);
    },
    [],
  );

  const nodeAt = (clientX: number, clientY: number): number | null => {
    const canvas = canvasRef.current!;
    const rect = canvas.getBoundingClientRect();
    const [wx, wy] = transform.current.invert([clientX - rect.left, clientY - rect.top]);
    const found = hitTree().find(wx, wy, Math.max(8, 3 * (nodePaths.current?.r ?? 1) * transform.current.k) / transform.current.k);
    return found ?? null;
  };

  const onMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    if (e.buttons) return;
    const i = nodeAt(e.clientX, e.clientY);
    const rect = e.currentTarget.getBoundingClientRect();
    setHover(i == null ? null : { node: i, x: e.clientX - rect.left, y: e.clientY - rect.top });
  };

  const down = useRef<{ x: number; y: number } | null>(null);
  const onClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const d = down.current;
    if (d && Math.hypot(e.clientX - d.x, e.clientY - d.y) > 4) return; // a drag, not a click
    const i = nodeAt(e.clientX, e.clientY);
    onSelect(i);
    if (i != null) onOpen(i);
  };

  const firstChild = useMemo(() => {
    // Only computed for keyboard navigation: the first child of each node.
    const fc = new Int32Array(data.n).fill(-1);
    for (let c = data.n - 1; c >= 0; c--) {
      const p = data.parents[data.parentStart[c]!]!;
      if (data.parentStart[c + 1]! > data.parentStart[c]! && p >= 0 && world.X[c] === world.X[c]) fc[p] = c;
    }
    return fc;
  }, [data, world]);

  const centreOn = (i: number) => {
    const canvas = canvasRef.current;
    const z = zoomRef.current;
    if (!canvas || !z || world.X[i] !== world.X[i]) return;
    z.translateTo(select(canvas), world.X[i]!, world.Y[i]!);
  };

  const onKey = (e: React.KeyboardEvent<HTMLCanvasElement>) => {
    const canvas = canvasRef.current;
    const z = zoomRef.current;
    if (!canvas || !z) return;
    const s = select(canvas);
    const step = 60 / transform.current.k;
    const go = (i: number) => {
      onSelect(i);
      centreOn(i);
    };
    const bestElite = () => {
      let best = -1;
      for (let i = 0; i < data.n; i++) if (data.elite[i] && world.X[i] === world.X[i] && (best < 0 || data.fitness[i]! > data.fitness[best]!)) best = i;
      return best;
    };
    const handled = () => {
      e.preventDefault();
      if (e.key !== "0") userMoved.current = true;
    };
    switch (e.key) {
      case "ArrowLeft": z.translateBy(s, step, 0); return handled();
      case "ArrowRight": z.translateBy(s, -step, 0); return handled();
      case "ArrowUp": z.translateBy(s, 0, step); return handled();
      case "ArrowDown": z.translateBy(s, 0, -step); return handled();
      case "+": case "=": z.scaleBy(s, 1.4); return handled();
      case "-": z.scaleBy(s, 1 / 1.4); return handled();
      case "0": fit(); userMoved.current = false; return handled();
      case "Escape": onSelect(null); return handled();
      case "e": { const b = bestElite(); if (b >= 0) go(b); return handled(); }
      case "p": {
        if (selected == null) return;
        const p = data.parentStart[selected + 1]! > data.parentStart[selected]! ? data.parents[data.parentStart[selected]!]! : -1;
        if (p >= 0) go(p);
        return handled();
      }
      case "c": {
        if (selected == null) return;
        const c = firstChild[selected]!;
        if (c >= 0) go(c);
        return handled();
      }
      case "Enter": if (selected != null) onOpen(selected); return handled();
    }
  };

  useEffect(() => schedule(), [schedule]);

  const h = hover ? hover.node : null;
  return (
    <div ref={wrapRef} className="relative">
      <canvas
        ref={canvasRef}
        style={{ width: "100%", height, display: "block" }}
        className="cursor-grab rounded-md border border-slate-200 outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 active:cursor-grabbing dark:border-slate-700"
        tabIndex={0}
        role="img"
        aria-label={`Phylogeny of ${layout.count.toLocaleString("en-US")} solutions over ${layout.maxDepth} generations. Arrow keys pan, plus and minus zoom, 0 fits, e selects the best elite, p and c move to the parent and child, Enter opens the selected solution.`}
        data-testid="phylogeny-canvas"
        onMouseMove={onMove}
        onMouseLeave={() => setHover(null)}
        onMouseDown={(e) => (down.current = { x: e.clientX, y: e.clientY })}
        onClick={onClick}
        onKeyDown={onKey}
      />
      {h != null && hover && (
        <div
          role="tooltip"
          data-testid="phylogeny-tooltip"
          className="pointer-events-none absolute z-10 max-w-72 rounded-md border border-slate-200 bg-white/95 px-2.5 py-1.5 text-xs shadow-lg dark:border-slate-700 dark:bg-slate-900/95"
          style={{ left: Math.min(hover.x + 12, width - 250), top: Math.min(hover.y + 12, height - 90) }}
        >
          <NodeSummary data={data} node={h} depth={layout.depth[h]!} />
        </div>
      )}
    </div>
  );
});

/** One node in words: what made it (operator, model, from how many parents) and what it scored. */
export function NodeSummary({ data, node: i, depth }: { data: PhyloData; node: number; depth: number }) {
  const nParents = data.parentStart[i + 1]! - data.parentStart[i]!;
  const model = data.model[i]! >= 0 ? data.models[data.model[i]!] : null;
  return (
    <div className="space-y-0.5">
      <div className="font-medium tabular-nums">
        fitness {fmtNum(data.fitness[i]! === data.fitness[i]! ? data.fitness[i]! : null, 4)}
        {data.elite[i] ? <span className="ml-1.5 rounded bg-indigo-100 px-1 text-[10px] text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">elite</span> : null}
      </div>
      <div className="text-slate-600 dark:text-slate-300">
        {nParents === 0 ? "seed" : `${nParents === 1 ? "from 1 parent" : `from ${nParents} parents`}`} by <span className="font-mono">{data.operators[data.operator[i]!]}</span>
        {model ? (
          <>
            {" "}
            with <span className="font-mono">{model}</span>
          </>
        ) : null}
      </div>
      <div className="text-slate-500 dark:text-slate-400">
        generation {depth} · cell {data.cell[i]! >= 0 ? data.cell[i]!.toLocaleString("en-US") : "—"} · {fmtDate(new Date(data.createdAt[i]!).toISOString())}
      </div>
    </div>
  );
}
