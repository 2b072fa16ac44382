import { describe, expect, it } from "vitest";
import { DensityArchive } from "../archive/density";
import { ProximityArchive } from "../archive/proximity";
import { Rng } from "../rng";

/**
 * Distributed runs store what a job changed in a search archive (its delta) instead of the whole
 * archive: a worker that applies the deltas must hold exactly the archive of the worker that made
 * them, and go on answering novelty / density queries exactly as it would.
 */

const SD = 4;
const MD = 2;

/** A batch of n random candidates; measures in a small box so that neighbours compete. */
function batch(rng: Rng, n: number, spread = 3) {
  const solutions = Float64Array.from({ length: n * SD }, () => rng.normal());
  const objectives = Float64Array.from({ length: n }, () => rng.random() * 10);
  const measures = Float64Array.from({ length: n * MD }, () => (rng.random() - 0.5) * spread);
  return { solutions, objectives, measures, n };
}

type B = ReturnType<typeof batch>;
const bytes = (u: Uint8Array) => Buffer.from(u).toString("base64");

const proximity = () => new ProximityArchive({ solutionDim: SD, measureDim: MD, kNeighbors: 5, noveltyThreshold: 0.15, localCompetition: true });
const density = (seed = 7) => new DensityArchive({ solutionDim: SD, measureDim: MD, bufferSize: 300, bandwidth: 0.2, rng: new Rng(seed) });

describe.each([
  ["proximity (NSLC)", proximity],
  ["density (reservoir full after a few batches)", () => density()],
] as const)("%s deltas", (_name, make) => {
  const add = (a: ReturnType<typeof make>, b: B) => a.add(b.solutions, b.objectives, b.measures, b.n);

  it("a copy that applies each job's delta holds the same archive and answers the same as the one that made them", () => {
    const rng = new Rng(11);
    const maker = make();
    const follower = make();
    for (let job = 0; job < 40; job++) {
      maker.beginDelta();
      for (let step = 0; step < 3; step++) add(maker, batch(rng, 36));
      const delta = maker.exportDelta();
      follower.applyDelta(delta);
      expect(bytes(follower.exportState())).toBe(bytes(maker.exportState()));
      // Both answer the next batch identically (neighbour structures kept in step with the data).
      const probe = batch(rng, 36);
      maker.beginDelta();
      follower.beginDelta();
      const ra = add(maker, probe);
      const rb = add(follower, probe);
      expect(Array.from(rb.status)).toEqual(Array.from(ra.status));
      expect(Array.from(rb.value)).toEqual(Array.from(ra.value));
      expect(bytes(follower.exportState())).toBe(bytes(maker.exportState()));
    }
    // A delta is what changed, not the archive: far smaller than the state once the archive is full.
    maker.beginDelta();
    add(maker, batch(rng, 36));
    expect(maker.exportDelta().length).toBeLessThan(maker.exportState().length / 4);
  });

  it("rollbackDelta restores the state at beginDelta; replaying newer deltas then the same steps matches the serial order", () => {
    const rng = new Rng(5);
    const base = make();
    for (let i = 0; i < 20; i++) add(base, batch(rng, 36));
    const start = base.exportState();
    const mine = [batch(rng, 36), batch(rng, 36)];
    const theirs = [batch(rng, 36), batch(rng, 36)];

    // Serial truth: their job, then mine.
    const serial = make();
    serial.importState(start);
    for (const b of theirs) add(serial, b);
    for (const b of mine) add(serial, b);

    // Their job's delta, made by another copy from the same start.
    const other = make();
    other.importState(start);
    other.beginDelta();
    for (const b of theirs) add(other, b);
    const theirDelta = other.exportDelta();

    // Mine, computed on the old start, then rebased: undo, apply theirs, redo mine.
    const worker = make();
    worker.importState(start);
    worker.beginDelta();
    for (const b of mine) add(worker, b);
    worker.rollbackDelta();
    expect(bytes(worker.exportState())).toBe(bytes(start));
    worker.applyDelta(theirDelta);
    worker.beginDelta();
    for (const b of mine) add(worker, b);
    expect(bytes(worker.exportState())).toBe(bytes(serial.exportState()));

    // And a third copy at their revision reaches the same state from my rebased delta.
    const third = make();
    third.importState(other.exportState());
    third.applyDelta(worker.exportDelta());
    expect(bytes(third.exportState())).toBe(bytes(serial.exportState()));
  });

  it("rejects a delta of another kind or shape", () => {
    const a = make();
    a.beginDelta();
    add(a, batch(new Rng(1), 10));
    const other = make === proximity ? density() : proximity();
    other.beginDelta();
    other.add(new Float64Array(SD * 2), new Float64Array(2), new Float64Array(MD * 2), 2);
    expect(() => a.applyDelta(other.exportDelta())).toThrow(/delta is not of this/);
    expect(() => make().exportDelta()).toThrow(/beginDelta/);
  });
});
