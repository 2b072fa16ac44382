import { describe, expect, it } from "vitest";
import { gridCellOf } from "../qd/archive/grid";
import { cellCentre, cellCoords, cellIndex, chooseTargetNiche } from "./niche";

const ds = [
  { name: "codeLength", min: 0, max: 1000, bins: 10 },
  { name: "minGap", min: 0, max: 0.05, bins: 5 },
];

describe("target niche", () => {
  it("cell indices agree with the engine's gridCellOf", () => {
    const lower = new Float64Array([0, 0]);
    const interval = new Float64Array([1000, 0.05]);
    for (const v of [[0, 0], [999, 0.049], [250, 0.021], [1500, -1]]) {
      expect(cellIndex(ds, cellCoords(ds, v))).toBe(gridCellOf(v, 0, new Int32Array([10, 5]), lower, interval, 0));
    }
    expect(cellCentre(ds, [2, 4])).toEqual([250, 0.045]);
  });

  it("prefers an empty cell near the parent, else the weakest; deterministic per seed", () => {
    const parent = [250, 0.021]; // cell (2, 2)
    const filled = new Map<number, number>();
    for (let i = 0; i < 50; i++) filled.set(i, 1 + (i % 7));
    filled.delete(cellIndex(ds, [3, 2])); // one empty neighbour
    const pick = (seed: number) => chooseTargetNiche({ descriptors: ds, eliteFitness: (c) => filled.get(c), parent, seed });
    const a = pick(1);
    expect(a).toEqual(pick(1));
    expect(a).toMatchObject({ empty: true, coords: [3, 2], fitness: null, descriptors: [350, 0.025] });
    filled.set(cellIndex(ds, [3, 2]), 5);
    const full = pick(2);
    expect(full.empty).toBe(false);
    expect(full.fitness).toBe(1); // the weakest value present
  });
});
