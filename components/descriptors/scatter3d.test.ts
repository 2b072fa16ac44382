import { describe, expect, it } from "vitest";
import { paintOrder, project } from "./scatter3d";

describe("3-D scatter camera", () => {
  it("looks straight at the x–y face with no turn: x right, y up, z towards the viewer", () => {
    const p = project(new Float64Array([1, 0.5, 0.5, 0.5, 1, 0.5, 0.5, 0.5, 1]), 3, { yaw: 0, pitch: 0 });
    expect([...p.sx]).toEqual([0.5, 0, 0]);
    expect([...p.sy]).toEqual([-0, -0.5, -0]);
    expect([...p.depth]).toEqual([0, 0, 0.5]);
  });

  it("a quarter turn about the vertical axis brings z to the right", () => {
    const p = project(new Float64Array([0.5, 0.5, 1]), 1, { yaw: Math.PI / 2, pitch: 0 });
    expect(p.sx[0]).toBeCloseTo(0.5);
    expect(p.depth[0]).toBeCloseTo(0);
  });

  it("keeps lengths (a rotation): every corner of the cube stays √3/2 from the centre", () => {
    const corners = new Float64Array(Array.from({ length: 8 }, (_, k) => [k & 1, (k >> 1) & 1, (k >> 2) & 1]).flat());
    const p = project(corners, 8, { yaw: 0.7, pitch: -0.4 });
    for (let i = 0; i < 8; i++) expect(Math.hypot(p.sx[i]!, p.sy[i]!, p.depth[i]!)).toBeCloseTo(Math.sqrt(3) / 2);
  });

  it("paints back to front and skips empty cells", () => {
    const order = paintOrder(new Float64Array([0.3, -0.2, 0.9, -0.5]), new Uint8Array([1, 1, 1, 0]));
    expect([...order]).toEqual([1, 0, 2]);
  });
});
