/** Canvas drawing of the archive: pure functions of the data, the layout and the theme. */
import type { Delaunay, Voronoi } from "d3";
import { LUT_SIZE, VIRIDIS_LUT, colorIndex, type Theme } from "./colors";
import type { Projection } from "./store";

export interface PlotBox {
  width: number;
  height: number;
}

/** Sizes a canvas for the device pixel ratio and returns its context scaled to CSS pixels. */
export function prepareCanvas(canvas: HTMLCanvasElement, box: PlotBox): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(box.width * dpr));
  const h = Math.max(1, Math.round(box.height * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext("2d")!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

let scratch: HTMLCanvasElement | null = null;

/**
 * Draws a projected grid: one pixel per cell in an offscreen image, scaled up
 * without smoothing (10,000 cells cost one putImageData and one drawImage).
 */
export function drawGrid(ctx: CanvasRenderingContext2D, p: Projection, box: PlotBox, min: number, max: number, t: Theme) {
  scratch ??= document.createElement("canvas");
  if (scratch.width !== p.bx || scratch.height !== p.by) {
    scratch.width = p.bx;
    scratch.height = p.by;
  }
  const sctx = scratch.getContext("2d")!;
  const img = sctx.createImageData(p.bx, p.by);
  const data = img.data;
  const [er, eg, eb] = t.empty;
  for (let py = 0; py < p.by; py++) {
    // Row 0 of the archive is the bottom of the plot.
    const row = (p.by - 1 - py) * p.bx;
    for (let px = 0; px < p.bx; px++) {
      const f = p.fitness[py * p.bx + px]!;
      const o = (row + px) * 4;
      if (f !== f) {
        data[o] = er;
        data[o + 1] = eg;
        data[o + 2] = eb;
        data[o + 3] = 255;
      } else {
        const i = colorIndex(f, min, max) * 4;
        data[o] = VIRIDIS_LUT[i]!;
        data[o + 1] = VIRIDIS_LUT[i + 1]!;
        data[o + 2] = VIRIDIS_LUT[i + 2]!;
        data[o + 3] = 255;
      }
    }
  }
  sctx.putImageData(img, 0, 0);
  ctx.clearRect(0, 0, box.width, box.height);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, 0, 0, p.bx, p.by, 0, 0, box.width, box.height);
  // Thin gaps between cells when they are big enough to read as tiles.
  const cw = box.width / p.bx;
  const ch = box.height / p.by;
  if (Math.min(cw, p.by === 1 ? Infinity : ch) >= 7) {
    ctx.strokeStyle = t.gap;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let i = 1; i < p.bx; i++) {
      const x = Math.round(i * cw) + 0.5;
      ctx.moveTo(x, 0);
      ctx.lineTo(x, box.height);
    }
    for (let j = 1; j < p.by; j++) {
      const y = Math.round(j * ch) + 0.5;
      ctx.moveTo(0, y);
      ctx.lineTo(box.width, y);
    }
    ctx.stroke();
  }
}

const CSS_LUT: string[] = Array.from({ length: LUT_SIZE }, (_, i) => `rgb(${VIRIDIS_LUT[i * 4]},${VIRIDIS_LUT[i * 4 + 1]},${VIRIDIS_LUT[i * 4 + 2]})`);

export interface VoronoiLayout {
  delaunay: Delaunay<number>;
  voronoi: Voronoi<number>;
  paths: (Path2D | null)[];
  edges: Path2D;
}

/** Draws CVT cells, each filled by its elite's fitness (empty cells in the theme's empty colour). */
export function drawVoronoi(ctx: CanvasRenderingContext2D, layout: VoronoiLayout, fitness: Float64Array, box: PlotBox, min: number, max: number, t: Theme) {
  ctx.clearRect(0, 0, box.width, box.height);
  const n = layout.paths.length;
  // Group by colour so fillStyle changes at most LUT_SIZE + 1 times.
  const buckets: number[][] = Array.from({ length: LUT_SIZE + 1 }, () => []);
  for (let c = 0; c < n; c++) {
    const f = fitness[c]!;
    buckets[f !== f ? LUT_SIZE : colorIndex(f, min, max)]!.push(c);
  }
  for (let b = 0; b <= LUT_SIZE; b++) {
    const list = buckets[b]!;
    if (!list.length) continue;
    ctx.fillStyle = b === LUT_SIZE ? t.emptyCss : CSS_LUT[b]!;
    for (const c of list) {
      const path = layout.paths[c];
      if (path) ctx.fill(path);
    }
  }
  ctx.strokeStyle = t.gap;
  ctx.lineWidth = 0.75;
  ctx.stroke(layout.edges);
}
