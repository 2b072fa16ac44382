/**
 * The parallel-coordinates lines as one message: every elite's y on each axis and its stroke (dimmed or a colour
 * bucket), drawn by drawParallel: in a Web Worker onto the page's canvas (./parallel.worker.ts), so stroking
 * 10,000 translucent polylines, tens to hundreds of ms of rasterising, never blocks the page.
 */

/** The lines of one draw, in CSS pixels. */
export interface ParallelFrame {
  width: number;
  height: number;
  dpr: number;
  /** x of each axis. */
  xs: Float64Array;
  /** Line i's y on axis a at ys[i * xs.length + a]. */
  ys: Float64Array;
  /** Line i's stroke: -1 dimmed (outside a brush), else an index into `colors`. */
  stroke: Int8Array;
  /** The buckets' stroke styles (kept lines), and the dimmed lines'. */
  colors: string[];
  dimmed: string;
  /** The selected elite's y on each axis, drawn on top; null when none. */
  selected: Float64Array | null;
  dark: boolean;
}

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Dimmed lines first, kept ones over them (one stroke per colour bucket), the selected elite on top. */
export function drawParallel(ctx: Context2D, f: ParallelFrame) {
  ctx.setTransform(f.dpr, 0, 0, f.dpr, 0, 0);
  ctx.clearRect(0, 0, f.width, f.height);
  const axes = f.xs.length;
  const lines = f.stroke.length;
  const dimmed = new Path2D();
  const kept = f.colors.map(() => new Path2D());
  const line = (p: Path2D, ys: Float64Array, at: number) => {
    p.moveTo(f.xs[0]!, ys[at]!);
    for (let a = 1; a < axes; a++) p.lineTo(f.xs[a]!, ys[at + a]!);
  };
  for (let i = 0; i < lines; i++) {
    const s = f.stroke[i]!;
    line(s < 0 ? dimmed : kept[s]!, f.ys, i * axes);
  }
  ctx.lineWidth = 1;
  ctx.strokeStyle = f.dimmed;
  ctx.stroke(dimmed);
  kept.forEach((p, b) => {
    ctx.strokeStyle = f.colors[b]!;
    ctx.stroke(p);
  });
  if (f.selected) {
    const p = new Path2D();
    line(p, f.selected, 0);
    ctx.lineWidth = 4;
    ctx.strokeStyle = f.dark ? "#0f172a" : "#ffffff";
    ctx.stroke(p);
    ctx.lineWidth = 2;
    ctx.strokeStyle = f.dark ? "#fb923c" : "#ea580c";
    ctx.stroke(p);
  }
}

/** Sizes a canvas (on- or offscreen) for the device pixel ratio. */
export function sizeCanvas(canvas: { width: number; height: number }, f: Pick<ParallelFrame, "width" | "height" | "dpr">) {
  const w = Math.max(1, Math.round(f.width * f.dpr));
  const h = Math.max(1, Math.round(f.height * f.dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
}
