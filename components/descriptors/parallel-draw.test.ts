import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { drawParallel, sizeCanvas, type ParallelFrame } from "./parallel-draw";

/** Path2D stand-in (node has none): records its segments. */
class FakePath {
  segments: string[] = [];
  moveTo(x: number, y: number) {
    this.segments.push(`M${x},${y}`);
  }
  lineTo(x: number, y: number) {
    this.segments.push(`L${x},${y}`);
  }
}

/** A context that records each stroke with its style and width. */
function recorder() {
  const strokes: { style: string; width: number; segments: string[] }[] = [];
  const ctx = {
    strokeStyle: "",
    lineWidth: 0,
    transform: [] as number[],
    cleared: false,
    setTransform(...m: number[]) {
      this.transform = m;
    },
    clearRect() {
      this.cleared = true;
    },
    stroke(p: FakePath) {
      strokes.push({ style: this.strokeStyle, width: this.lineWidth, segments: p.segments });
    },
  };
  return { ctx, strokes };
}

const frame = (over: Partial<ParallelFrame> = {}): ParallelFrame => ({
  width: 300,
  height: 100,
  dpr: 2,
  xs: Float64Array.of(0, 100, 200),
  // Three lines over three axes.
  ys: Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9),
  stroke: Int8Array.of(1, -1, 0),
  colors: ["c0", "c1"],
  dimmed: "dim",
  selected: null,
  dark: false,
  ...over,
});

describe("drawParallel", () => {
  beforeEach(() => vi.stubGlobal("Path2D", FakePath));
  afterEach(() => vi.unstubAllGlobals());

  it("strokes the dimmed lines first, then one path per colour bucket in order", () => {
    const { ctx, strokes } = recorder();
    drawParallel(ctx as unknown as CanvasRenderingContext2D, frame());
    expect(ctx.cleared).toBe(true);
    expect(ctx.transform).toEqual([2, 0, 0, 2, 0, 0]);
    expect(strokes.map((s) => s.style)).toEqual(["dim", "c0", "c1"]);
    expect(strokes[0]!.segments).toEqual(["M0,4", "L100,5", "L200,6"]);
    expect(strokes[1]!.segments).toEqual(["M0,7", "L100,8", "L200,9"]);
    expect(strokes[2]!.segments).toEqual(["M0,1", "L100,2", "L200,3"]);
  });

  it("draws the selected elite last, wide and outlined, in the theme's colours", () => {
    const { ctx, strokes } = recorder();
    drawParallel(ctx as unknown as CanvasRenderingContext2D, frame({ selected: Float64Array.of(10, 20, 30), dark: true }));
    const [outline, line] = strokes.slice(-2);
    expect(outline).toEqual({ style: "#0f172a", width: 4, segments: ["M0,10", "L100,20", "L200,30"] });
    expect(line).toMatchObject({ style: "#fb923c", width: 2 });
  });
});

describe("sizeCanvas", () => {
  it("sizes the backing store for the pixel ratio, and leaves a right-sized canvas alone", () => {
    const c = { width: 0, height: 0 };
    sizeCanvas(c, { width: 300.4, height: 100, dpr: 1.5 });
    expect(c).toEqual({ width: 451, height: 150 });
  });
});
