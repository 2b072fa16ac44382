import { describe, expect, it } from "vitest";
import { DensityArchive } from "../archive/density";
import { Rng } from "../rng";

/** Straight from the definitions: pyribs' KDE and sklearn's log density. */
function bruteDensity(q: number[], buffer: Float64Array, md: number, h: number, log: boolean): number {
  const m = buffer.length / md;
  let s = 0;
  for (let j = 0; j < m; j++) {
    let d2 = 0;
    for (let k = 0; k < md; k++) d2 += (q[k] - buffer[j * md + k]) ** 2;
    s += Math.exp(-0.5 * d2 / (h * h));
  }
  if (!log) return s / Math.sqrt(2 * Math.PI) / (m * h);
  return Math.log(s) - Math.log(m) - md * Math.log(h) - (md / 2) * Math.log(2 * Math.PI);
}

function clustered(rng: Rng, n: number): Float64Array {
  // Two blobs and a sparse tail, like a search that explored unevenly.
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const r = rng.random();
    const [cx, cy, s] = r < 0.5 ? [-100, 50, 20] : r < 0.9 ? [120, -80, 40] : [0, 0, 200];
    out[2 * i] = cx + s * rng.normal();
    out[2 * i + 1] = cy + s * rng.normal();
  }
  return out;
}

describe("DensityArchive", { timeout: 60_000 }, () => {
  it("reports density 0 on an empty buffer and status 2 for every row", () => {
    const a = new DensityArchive({ solutionDim: 3, measureDim: 2, bandwidth: 1, rng: new Rng(1) });
    const r = a.add(new Float64Array(6), [1, 2], [0, 0, 1, 1], 2);
    expect(Array.from(r.density!)).toEqual([0, 0]);
    expect(Array.from(r.status)).toEqual([2, 2]);
    expect(a.size).toBe(2);
  });

  it("matches a brute-force KDE (kde and kde_sklearn) before the batch enters the buffer", () => {
    for (const method of ["kde", "kde_sklearn"] as const) {
      const rng = new Rng(7);
      const a = new DensityArchive({ solutionDim: 1, measureDim: 2, bandwidth: 25.6, bufferSize: 3000, method, rng: new Rng(3) });
      const pts = clustered(rng, 3000);
      a.add(new Float64Array(3000), new Float64Array(3000), pts, 3000);
      const before = Float64Array.from(a.buffer);
      // Queries inside the blobs, between them and far outside (underflow regime for the naive sum).
      const queries = [-100, 50, 120, -80, 10, -10, 400, 400, -2000, 1500, 130, -70];
      const r = a.add(new Float64Array(6), new Float64Array(6), queries, 6);
      for (let i = 0; i < 6; i++) {
        const q = [queries[2 * i], queries[2 * i + 1]];
        const want = bruteDensity(q, before, 2, 25.6, method === "kde_sklearn");
        if (method === "kde" && want === 0) expect(r.density![i]).toBe(0);
        else if (Number.isFinite(want)) expect(Math.abs(r.density![i] - want) / Math.abs(want)).toBeLessThan(1e-9);
        else expect(Number.isFinite(r.density![i])).toBe(true); // sklearn stays finite far away
      }
      // Far away the sklearn log density still orders by distance.
      if (method === "kde_sklearn") expect(r.density![4]).toBeLessThan(r.density![3]);
    }
  });

  it("matches brute force in 3-D too", () => {
    const rng = new Rng(2);
    const a = new DensityArchive({ solutionDim: 1, measureDim: 3, bandwidth: 2, bufferSize: 500, rng: new Rng(5) });
    const pts = Float64Array.from({ length: 1500 }, () => rng.normal() * 3);
    a.add(new Float64Array(500), new Float64Array(500), pts, 500);
    const before = Float64Array.from(a.buffer);
    const q = [0.5, -1, 2];
    const r = a.add(new Float64Array(1), [0], q, 1);
    expect(r.density![0]).toBeCloseTo(bruteDensity(q, before, 3, 2, false), 12);
  });

  it("keeps a uniform reservoir sample of everything offered", () => {
    // 50 slots, 10,000 values 0..9,999 offered in batches: each value kept with probability 1/200.
    const counts = new Float64Array(4);
    for (let seed = 0; seed < 20; seed++) {
      const a = new DensityArchive({ solutionDim: 1, measureDim: 1, bandwidth: 1, bufferSize: 50, rng: new Rng(seed) });
      for (let b = 0; b < 100; b++) {
        const m = Float64Array.from({ length: 100 }, (_, i) => b * 100 + i);
        a.add(new Float64Array(100), new Float64Array(100), m, 100);
      }
      expect(a.size).toBe(50);
      for (const v of a.buffer) counts[Math.floor(v / 2500)]++;
    }
    // 1,000 kept values over four equal quarters of the stream: ~250 each (sd ≈ 14).
    for (const c of counts) expect(Math.abs(c - 250)).toBeLessThan(60);
  });

  it("reproduces pyribs' reservoir loop with reservoir \"pyribs\" (mostly the batch's first row)", () => {
    // 200 slots, 200 batches of 54 rows labelled (batch, position). pyribs 0.10's own
    // DensityArchive on this stream, 20 seeds: position-0 share 0.639 (0.595-0.710),
    // 42.0 duplicated slots on average; a uniform reservoir: ~1/54 and none.
    const stats = (reservoir: "uniform" | "pyribs") => {
      let pos0 = 0;
      let dup = 0;
      for (let seed = 0; seed < 20; seed++) {
        const a = new DensityArchive({ solutionDim: 1, measureDim: 2, bandwidth: 1e6, bufferSize: 200, reservoir, rng: new Rng(seed) });
        for (let b = 0; b < 200; b++) {
          const m = new Float64Array(108);
          for (let i = 0; i < 54; i++) [m[2 * i], m[2 * i + 1]] = [b, i];
          a.add(new Float64Array(54), new Float64Array(54), m, 54);
        }
        const buf = a.buffer;
        const seen = new Set<string>();
        for (let j = 0; j < 200; j++) {
          if (buf[2 * j + 1] === 0) pos0++;
          seen.add(`${buf[2 * j]},${buf[2 * j + 1]}`);
        }
        dup += 200 - seen.size;
      }
      return { pos0: pos0 / 4000, dup: dup / 20 };
    };
    const pyribs = stats("pyribs");
    expect(pyribs.pos0).toBeGreaterThan(0.57);
    expect(pyribs.pos0).toBeLessThan(0.71);
    expect(pyribs.dup).toBeGreaterThan(32);
    expect(pyribs.dup).toBeLessThan(52);
    const uniform = stats("uniform");
    expect(uniform.pos0).toBeLessThan(0.05);
    expect(uniform.dup).toBe(0);
  });

  it("sums a buffer full of repeated points as the brute force over every slot does", () => {
    // The pyribs rule fills the buffer with copies; they are summed once with their count.
    const a = new DensityArchive({ solutionDim: 1, measureDim: 2, bandwidth: 25.6, bufferSize: 2000, reservoir: "pyribs", rng: new Rng(5) });
    const rng = new Rng(9);
    for (let b = 0; b < 60; b++) a.add(new Float64Array(300), new Float64Array(300), clustered(rng, 300), 300);
    const before = Float64Array.from(a.buffer);
    const distinct = new Set<string>();
    for (let j = 0; j < before.length; j += 2) distinct.add(`${before[j]},${before[j + 1]}`);
    expect(distinct.size).toBeLessThan(1500); // repeats are really there
    const queries = [-100, 50, 120, -80, 10, -10, 400, 400, -2000, 1500];
    const r = a.add(new Float64Array(5), new Float64Array(5), queries, 5);
    for (let i = 0; i < 5; i++) {
      const want = bruteDensity([queries[2 * i], queries[2 * i + 1]], before, 2, 25.6, false);
      if (want === 0) expect(r.density![i]).toBeLessThan(1e-300);
      else expect(Math.abs(r.density![i] - want) / want).toBeLessThan(1e-12);
    }
  });

  it("ranks lower density first through the density ranker", async () => {
    const { Ranker } = await import("../emitters/rankers");
    const r = new Ranker("density");
    const order = new Int32Array(3);
    const density = Float64Array.from([0.5, 0.1, 0.3]);
    const batch = { solutions: new Float64Array(3), objectives: new Float64Array(3), measures: new Float64Array(6), status: new Uint8Array(3).fill(2), value: new Float64Array(3), n: 3, density };
    r.rank(batch, 2, order);
    expect(Array.from(order)).toEqual([1, 2, 0]);
  });
});
