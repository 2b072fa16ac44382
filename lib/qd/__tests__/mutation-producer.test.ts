import { describe, expect, it } from "vitest";
import { GridArchive } from "../archive/grid";
import { FROM_X0, GaussianEmitter, IsoLineEmitter, parentIdsOf, type MutationEmitter } from "../emitters/mutation";
import { Rng } from "../rng";

/** One producer: ask() on the archive, and selectParents + vary on only the picked rows (REST ask), agree. */
describe("mutation emitters as the one producer", () => {
  const filled = () => {
    const a = new GridArchive({ solutionDim: 3, dims: [4, 4], ranges: [[0, 1], [0, 1]] });
    const rng = new Rng(9);
    for (let i = 0; i < 40; i++) a.add([rng.random() * 4, rng.random(), rng.random()], [rng.random()], [rng.random(), rng.random()]);
    return a;
  };
  const make = (kind: "gaussian" | "iso-line", archive: GridArchive, batchSize: number): MutationEmitter =>
    kind === "gaussian"
      ? new GaussianEmitter(archive, { x0: [0, 0, 0], sigma: 0.2, batchSize, rng: new Rng(5) })
      : new IsoLineEmitter(archive, { x0: [0, 0, 0], isoSigma: 0.1, lineSigma: 0.3, batchSize, rng: new Rng(5) });

  for (const kind of ["gaussian", "iso-line"] as const) {
    it(`${kind}: the same children and parents from the whole archive or from the picked rows only`, () => {
      const archive = filled();
      const whole = make(kind, archive, 32);
      const viaArchive = new Float64Array(32 * 3);
      whole.ask(viaArchive);

      const packed = make(kind, archive, 32);
      const picks = new Int32Array(32 * packed.parentsPer);
      packed.selectParents(archive.occupiedList, archive.numElites, 32, picks);
      expect(Array.from(picks)).toEqual(Array.from(whole.parents));
      const cells = [...new Set(picks)];
      const rows = new Float64Array(cells.length * 3);
      cells.forEach((c, i) => rows.set(archive.solutions.subarray(c * 3, c * 3 + 3), i * 3));
      const out = new Float64Array(32 * 3);
      packed.vary(out, rows, Int32Array.from(picks, (c) => cells.indexOf(c)), 32);
      expect(Array.from(out)).toEqual(Array.from(viaArchive));
    });
  }

  it("cold start: parents are FROM_X0 and children are x0 plus noise, for both kinds", () => {
    const empty = new GridArchive({ solutionDim: 3, dims: [4, 4], ranges: [[0, 1], [0, 1]] });
    for (const kind of ["gaussian", "iso-line"] as const) {
      const e = make(kind, empty, 10);
      const out = new Float64Array(30);
      e.ask(out);
      expect(Array.from(e.parents).every((p) => p === FROM_X0)).toBe(true);
      for (const v of out) expect(Math.abs(v)).toBeLessThan(1.5);
      expect(parentIdsOf(e.parents, 0, e.parentsPer, ["a"])).toEqual([]);
    }
  });

  it("parentIdsOf lists each known parent once", () => {
    expect(parentIdsOf([2, 2, 0, 1], 0, 2, ["a", "b", "c"])).toEqual(["c"]);
    expect(parentIdsOf([2, 2, 0, 1], 1, 2, ["a", undefined, "c"])).toEqual(["a"]);
  });
});
