/**
 * Draws the parallel coordinates onto the page's canvas (transferred here as an OffscreenCanvas): the page's
 * main thread only computes the lines' positions. A burst of frames draws the latest one only.
 */
import { drawParallel, sizeCanvas, type ParallelFrame } from "./parallel-draw";

export type ParallelMessage = { canvas: OffscreenCanvas } | { frame: ParallelFrame };

const scope = self as unknown as { onmessage: ((e: MessageEvent<ParallelMessage>) => void) | null };

let canvas: OffscreenCanvas | null = null;
let next: ParallelFrame | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;

function flush() {
  timer = null;
  const f = next;
  next = null;
  if (!f || !canvas) return;
  sizeCanvas(canvas, f);
  drawParallel(canvas.getContext("2d")!, f);
}

scope.onmessage = (e) => {
  if ("canvas" in e.data) canvas = e.data.canvas;
  else next = e.data.frame;
  // Messages already queued run before this timer: only the last of a burst is drawn.
  timer ??= setTimeout(flush, 0);
};
