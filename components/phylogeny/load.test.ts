import { describe, expect, it } from "vitest";
import { syntheticPhylogeny, type PhyloData, type PhyloPage } from "./data";
import { layoutPhylogeny, rememberLayout, wholeLayout } from "./layout";
import { loadPhylogeny, PHYLOGENY_CAP, transferables } from "./load";

/** Pages of `total` nodes as the API cuts them (limit per page), each node the child of the one before. */
function server(total: number) {
  const asked: string[] = [];
  const getJson = async (url: string): Promise<PhyloPage> => {
    asked.push(url);
    const q = new URL(url, "http://x").searchParams;
    const offset = Number(q.get("offset"));
    const n = Math.max(0, Math.min(Number(q.get("limit")), total - offset));
    const ids = Array.from({ length: n }, (_, j) => `s${offset + j}`);
    const parentStart = [0];
    const parents: number[] = [];
    for (let j = 0; j < n; j++) {
      if (offset + j > 0) parents.push(offset + j - 1);
      parentStart.push(parents.length);
    }
    return {
      total, offset, nextOffset: offset + n < total ? offset + n : null, elites: 1, ids, parentStart, parents,
      fitness: ids.map((_, j) => offset + j), cell: ids.map(() => 0), operators: ["op"], operator: ids.map(() => 0),
      models: [], model: ids.map(() => -1), createdAt: ids.map((_, j) => offset + j), elite: ids.map((_, j) => (offset + j === total - 1 ? 1 : 0)),
    };
  };
  return { asked, getJson };
}

describe("loading the phylogeny (worker and page share this)", () => {
  it("reads every page in order and joins them into one tree", async () => {
    const s = server(250_001);
    const got = (await loadPhylogeny("e1", s.getJson))!;
    expect(s.asked).toEqual([
      "/api/experiments/e1/phylogeny?offset=0&limit=100000",
      "/api/experiments/e1/phylogeny?offset=100000&limit=100000",
      "/api/experiments/e1/phylogeny?offset=200000&limit=100000",
    ]);
    expect(got.total).toBe(250_001);
    expect(got.data.n).toBe(250_001);
    // Parent indexes stay global across pages.
    expect(got.data.parents[got.data.parentStart[150_000]!]).toBe(149_999);
    expect(got.data.ids[200_000]).toBe("s200000");
  });

  it("stops at the cap and says how many there are", async () => {
    const s = server(PHYLOGENY_CAP + 5);
    const got = (await loadPhylogeny("e1", s.getJson))!;
    expect(got.data.n).toBe(PHYLOGENY_CAP);
    expect(got.total).toBe(PHYLOGENY_CAP + 5);
  });

  it("gives up when asked to stop", async () => {
    let calls = 0;
    const s = server(250_000);
    expect(await loadPhylogeny("e1", (u) => (calls++, s.getJson(u)), () => calls >= 1)).toBeNull();
    expect(calls).toBe(1);
  });

  it("moves every column of the tree and its layout, each buffer once", () => {
    const d = syntheticPhylogeny(50);
    const l = layoutPhylogeny(d);
    const buffers = transferables(d, l);
    const columns = [...Object.values(d), ...Object.values(l)].filter((v) => ArrayBuffer.isView(v));
    expect(buffers.length).toBe(columns.length);
    expect(new Set(buffers).size).toBe(buffers.length);
  });

  it("uses the layout made with the data (by the worker) instead of laying it out again", () => {
    const d = syntheticPhylogeny(30);
    const made = layoutPhylogeny(d);
    rememberLayout(d, made);
    expect(wholeLayout(d)).toBe(made);
    const other: PhyloData = syntheticPhylogeny(30);
    const fresh = wholeLayout(other);
    expect(fresh).not.toBe(made);
    expect(Array.from(fresh.x)).toEqual(Array.from(made.x));
  });
});
