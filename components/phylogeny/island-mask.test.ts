import { describe, expect, it } from "vitest";
import { islandMask, type PhyloData } from "./data";

const tree = (island?: number[]): PhyloData => ({
  n: 4,
  ids: ["s", "a", "b", "c"],
  parentStart: Int32Array.from([0, 0, 1, 2, 3]),
  parents: Int32Array.from([0, 0, 1]),
  fitness: Float64Array.from([1, 2, 3, 4]),
  cell: Int32Array.from([0, 1, 2, 3]),
  operators: ["seed", "mutate"],
  operator: Uint16Array.from([0, 1, 1, 1]),
  models: [],
  model: Int16Array.from([-1, -1, -1, -1]),
  createdAt: Float64Array.from([1, 2, 3, 4]),
  elite: Uint8Array.from([0, 1, 0, 1]),
  ...(island ? { island: Int32Array.from(island) } : {}),
});

describe("island filter of the phylogeny", () => {
  it("keeps one island's nodes and the seeds every island starts from", () => {
    expect([...islandMask(tree([-1, 0, 1, 1]), 1)]).toEqual([1, 0, 1, 1]);
    expect([...islandMask(tree([-1, 0, 1, 1]), 0)]).toEqual([1, 1, 0, 0]);
  });

  it("keeps everything when the run has no islands", () => {
    expect([...islandMask(tree(), 0)]).toEqual([1, 1, 1, 1]);
  });
});
