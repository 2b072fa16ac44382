"use client";
/**
 * The compared runs' final archives side by side: one small heatmap per run (the first two descriptors,
 * the others folded to their best elite; Voronoi cells for CVT), all on one fitness colour scale so a
 * colour means the same fitness in every panel. Takes its data as props.
 */
import { memo, useLayoutEffect, useMemo, useRef } from "react";
import Link from "next/link";
import { Delaunay, scaleLinear } from "d3";
import { Axes } from "@/components/archive/Axes";
import { ColorLegend } from "@/components/archive/ColorLegend";
import { colorRangeOf, theme } from "@/components/archive/colors";
import { drawGrid, drawVoronoi, prepareCanvas } from "@/components/archive/draw";
import { ArchiveStore, defaultView, projectGrid } from "@/components/archive/store";
import { decodeF64, decodeI32 } from "@/components/lib/codec";
import { fmtInt } from "@/components/lib/format";
import type { Geometry } from "@/components/lib/types";
import { useDark } from "@/components/lib/use-dark";

/** One run's final archive as sent from the server (typed arrays in base64, like the experiment page). */
export interface FinalArchive {
  id: string;
  name: string;
  cells: number;
  geometry: Geometry;
  names: string[];
  /** base64 Int32Array of cells / Float64Array of fitness, one entry per elite. */
  cell: string;
  fitness: string;
}

const M = { top: 6, right: 8, bottom: 46, left: 52 };
const PLOT = 200;

function storeOf(a: FinalArchive): ArchiveStore {
  const cell = decodeI32(a.cell);
  const fitness = decodeF64(a.fitness);
  return new ArchiveStore({ cells: a.cells, geometry: a.geometry, descriptorNames: a.names, cell, fitness, descriptors: new Float64Array(cell.length * a.geometry.ranges.length).fill(NaN) });
}

const fmtRange = ([lo, hi]: [number, number]) => `[${+lo.toPrecision(4)}, ${+hi.toPrecision(4)}]`;

const MiniArchive = memo(function MiniArchive({ run, store, color, min, max, dark }: { run: FinalArchive; store: ArchiveStore; color: string; min: number; max: number; dark: boolean }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const g = store.geometry;
  const strip = store.dim < 2;
  const plotH = strip ? 36 : PLOT;
  const [xlo, xhi] = g.ranges[0] ?? [0, 1];
  const [ylo, yhi] = g.ranges[1] ?? [0, 1];
  const x = useMemo(() => scaleLinear().domain([xlo, xhi]).range([0, PLOT]), [xlo, xhi]);
  const y = useMemo(() => (strip ? null : scaleLinear().domain([ylo, yhi]).range([plotH, 0])), [ylo, yhi, plotH, strip]);

  useLayoutEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const box = { width: PLOT, height: plotH };
    const ctx = prepareCanvas(canvas, box);
    const t = theme(dark);
    if (g.type === "grid") {
      drawGrid(ctx, projectGrid(store, defaultView(store.dim)), box, min, max, t);
    } else {
      const pts = g.centroids.map((c) => [x(c[0] ?? 0), y ? y(c[1] ?? 0) : plotH / 2] as [number, number]);
      const voronoi = Delaunay.from(pts).voronoi([0, 0, PLOT, plotH]);
      const paths = pts.map((_, i) => {
        const p = new Path2D();
        voronoi.renderCell(i, p as unknown as CanvasRenderingContext2D);
        return p;
      });
      const edges = new Path2D();
      voronoi.render(edges as unknown as CanvasRenderingContext2D);
      drawVoronoi(ctx, { delaunay: voronoi.delaunay, voronoi, paths, edges }, store.fitness, box, min, max, t);
    }
  }, [store, g, x, y, plotH, min, max, dark]);

  const best = store.filled ? store.max : null;
  return (
    <figure className="min-w-0" data-testid="final-grid" data-run={run.id} data-filled={store.filled}>
      <figcaption className="mb-1 flex items-center gap-1.5 text-xs">
        <span className="inline-block h-2.5 w-2.5 shrink-0 rounded-full" style={{ background: color }} aria-hidden="true" />
        <Link href={`/experiments/${run.id}`} className="truncate font-medium text-slate-800 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500 dark:text-slate-200" title={`Open ${run.name}`}>
          {run.name}
        </Link>
      </figcaption>
      <div className="relative" style={{ width: PLOT + M.left + M.right, height: plotH + M.top + M.bottom }}>
        <canvas
          ref={ref}
          role="img"
          aria-label={`${run.name}: ${fmtInt(store.filled)} of ${fmtInt(store.cells)} cells filled${best != null ? `, best fitness ${best.toPrecision(4)}` : ""}`}
          className="absolute rounded-sm"
          style={{ left: M.left, top: M.top, width: PLOT, height: plotH }}
        />
        <Axes
          width={PLOT}
          height={plotH}
          margin={M}
          x={x}
          y={y}
          xLabel={`${store.names[0] ?? "descriptor 1"}  ${fmtRange(g.ranges[0] ?? [0, 1])}`}
          yLabel={strip ? null : `${store.names[1] ?? "descriptor 2"}  ${fmtRange(g.ranges[1] ?? [0, 1])}`}
        />
      </div>
      <p className="mt-0.5 text-xs tabular-nums text-slate-500 dark:text-slate-400">
        {fmtInt(store.filled)} / {fmtInt(store.cells)} cells{store.dim > 2 ? ` · best over ${store.names.slice(2).join(", ")}` : ""}
      </p>
    </figure>
  );
});

export function FinalGrids({ archives, colors }: { archives: FinalArchive[]; colors: Record<string, string> }) {
  const dark = useDark();
  const stores = useMemo(() => archives.map(storeOf), [archives]);
  // One colour scale over every run's elites.
  const range = useMemo(() => colorRangeOf(stores.flatMap((s) => Array.from(s.fitness))), [stores]);
  const { min, max } = range;
  if (!archives.length) return null;
  return (
    <section aria-label="Final archives" className="mt-6 border-t border-slate-200 pt-4 dark:border-slate-800" data-testid="final-grids">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
        <h3 className="text-sm font-semibold text-slate-800 dark:text-slate-200">Final archives</h3>
        <ColorLegend {...range} label="fitness (one scale for all runs)" lineage={false} />
      </div>
      <div className="flex flex-wrap gap-x-6 gap-y-4">
        {archives.map((a, i) => (
          <MiniArchive key={a.id} run={a} store={stores[i]!} color={colors[a.id] ?? "#64748b"} min={min} max={max} dark={dark} />
        ))}
      </div>
    </section>
  );
}
