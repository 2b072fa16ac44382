import { describe, expect, it } from "vitest";
import { Rng } from "../rng";

describe("Rng", () => {
  it("is deterministic per seed and differs across seeds", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xa = Array.from({ length: 20 }, () => a.random());
    const xb = Array.from({ length: 20 }, () => b.random());
    const xc = Array.from({ length: 20 }, () => c.random());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it("uniforms stay in [0,1) and int(n) in [0,n)", () => {
    const r = new Rng(1);
    let mn = 1;
    let mx = 0;
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) {
      const u = r.random();
      mn = Math.min(mn, u);
      mx = Math.max(mx, u);
      counts[r.int(7)]++;
    }
    expect(mn).toBeGreaterThanOrEqual(0);
    expect(mx).toBeLessThan(1);
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it("normals have N(0,1) moments and tails (single and bulk draws)", () => {
    const r = new Rng(7);
    const n = 400_000;
    const xs = new Float64Array(n);
    r.fillNormal(xs, 1, 0, n / 2);
    for (let i = n / 2; i < n; i++) xs[i] = r.normal();
    let s = 0;
    let s2 = 0;
    let s4 = 0;
    let tail = 0;
    for (const x of xs) {
      s += x;
      s2 += x * x;
      s4 += x ** 4;
      if (Math.abs(x) > 3) tail++;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.01);
    expect(Math.abs(s4 / n - 3)).toBeLessThan(0.06);
    // P(|Z| > 3) = 0.0027
    expect(Math.abs(tail / n - 0.0027)).toBeLessThan(0.0004);
    // Tail beyond the ziggurat base R = 3.44 must be reachable.
    expect(xs.some((x) => Math.abs(x) > 3.6)).toBe(true);
  });

  it("fillNormal scales by sigma", () => {
    const r = new Rng(3);
    const xs = new Float64Array(100_000);
    r.fillNormal(xs, 0.5);
    const v = xs.reduce((a, x) => a + x * x, 0) / xs.length;
    expect(Math.abs(v - 0.25)).toBeLessThan(0.01);
  });

  it("state round-trips: a restored generator continues the same streams", () => {
    const r = new Rng(99);
    r.random();
    r.fillNormal(new Float64Array(333));
    const st = JSON.parse(JSON.stringify(r.getState()));
    const next = [r.random(), r.normal(), r.int(1000)];
    const buf1 = new Float64Array(50);
    r.fillNormal(buf1);
    const q = new Rng(0);
    q.setState(st);
    expect([q.random(), q.normal(), q.int(1000)]).toEqual(next);
    const buf2 = new Float64Array(50);
    q.fillNormal(buf2);
    expect(Array.from(buf2)).toEqual(Array.from(buf1));
  });

  it("spawned streams are deterministic and distinct", () => {
    const a = new Rng(5).spawn();
    const b = new Rng(5).spawn();
    const p = new Rng(5);
    const c1 = p.spawn();
    const c2 = p.spawn();
    expect(a.random()).toBe(b.random());
    expect(c1.random()).not.toBe(c2.random());
  });

  it("mutateRow uses the same draws as fillNormal: a + σz + line·(b − a)", () => {
    const st = new Rng(12).getState();
    const r1 = new Rng(0);
    r1.setState(st);
    const z = new Float64Array(3000);
    r1.fillNormal(z, 0.7);
    const r2 = new Rng(0);
    r2.setState(st);
    const a = Float64Array.from({ length: 3000 }, (_, i) => i % 7);
    const b = Float64Array.from({ length: 3000 }, (_, i) => (i % 5) - 2);
    const out = new Float64Array(3000);
    r2.mutateRow(out, 0, a, 0, b, 0, 3000, 0.7, 0.3);
    for (let i = 0; i < 3000; i++) expect(out[i]).toBeCloseTo(a[i] + 0.3 * (b[i] - a[i]) + z[i], 12);
  });
});
