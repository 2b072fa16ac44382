import { describe, expect, it } from "vitest";
import { ArchiveReplay, evaluationsAt, syntheticHistory } from "./replay";

/** The archive after the first k writes, computed the slow, obvious way. */
function naive(ev: ReturnType<typeof syntheticHistory>, k: number) {
  const f = new Float64Array(ev.cells).fill(NaN);
  for (let i = 0; i < k; i++) f[ev.cell[i]!] = ev.fitness[i]!;
  return f;
}

describe("ArchiveReplay", () => {
  it("matches a from-scratch replay at any position, whichever way it seeks", () => {
    const ev = syntheticHistory(50, 3000);
    const r = new ArchiveReplay(ev, 128);
    for (const k of [0, 3000, 17, 1500, 1499, 2999, 5, 2048, 0, 700]) {
      r.seek(k);
      const want = naive(ev, k);
      expect(Array.from(r.fitness)).toEqual(Array.from(want));
      const filled = want.filter((v) => v === v).length;
      expect(r.filled).toBe(filled);
      expect(r.sum).toBeCloseTo(want.reduce((s, v) => (v === v ? s + v : s), 0), 6);
    }
  });

  it("jumps through a checkpoint instead of walking a long way", () => {
    const ev = syntheticHistory(100, 50_000);
    const r = new ArchiveReplay(ev, 1000);
    expect(r.seek(49_990)).toBeLessThan(1000);
    expect(r.seek(10)).toBeLessThan(1000);
    expect(r.seek(20)).toBe(10);
  });

  it("maps times to positions and back", () => {
    const ev = syntheticHistory(10, 100);
    const r = new ArchiveReplay(ev);
    expect(r.positionAt(ev.createdAt[9]!)).toBe(10);
    expect(r.timeAt(10)).toBe(ev.createdAt[9]);
    expect(r.positionAt(0)).toBe(0);
  });
});

describe("evaluationsAt", () => {
  const snap = { evaluations: [0, 100, 300], createdAt: [1000, 2000, 3000] };
  it("interpolates between snapshots and clamps outside them", () => {
    expect(evaluationsAt(snap, 1500)).toBe(50);
    expect(evaluationsAt(snap, 2500)).toBe(200);
    expect(evaluationsAt(snap, 10)).toBe(0);
    expect(evaluationsAt(snap, 9999)).toBe(300);
    expect(evaluationsAt({ evaluations: [], createdAt: [] }, 5)).toBeNull();
  });
});
