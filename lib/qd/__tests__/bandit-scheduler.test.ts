import { describe, expect, it } from "vitest";
import { createAlgorithm, runAlgorithm } from "../algorithm";
import { GridArchive } from "../archive/grid";
import { BanditScheduler } from "../bandit-scheduler";
import type { Emitter, TellBatch } from "../emitters/types";
import { SPHERE_REFERENCE } from "../reproduce";

/**
 * A fixed-quality emitter: "good" ones propose solutions whose measures land
 * in fresh cells (always added), "bad" ones NaN measures (never added).
 * `restartEvery` makes it report a restart every N tells.
 */
class ProbeEmitter implements Emitter {
  readonly solutionDim = 1;
  restarts: number | undefined = 0;
  asks = 0;
  private tells = 0;
  constructor(readonly batchSize: number, readonly good: boolean, private readonly restartEvery = 0, noRestarts = false) {
    if (noRestarts) this.restarts = undefined;
  }
  ask(out: Float64Array): void {
    this.asks++;
    out.fill(this.good ? 1 : 0);
  }
  tell(_b: TellBatch): void {
    this.tells++;
    if (this.restarts !== undefined && this.restartEvery > 0 && this.tells % this.restartEvery === 0) this.restarts++;
  }
  getState(): unknown {
    return {};
  }
  setState(): void {}
}

const archive = () => new GridArchive({ solutionDim: 1, dims: [100, 100], ranges: [[0, 100], [0, 100]] });

/** Evaluates a bandit batch: good rows get a fresh cell each, bad rows NaN measures. */
function step(s: BanditScheduler, cellCounter: { next: number }): void {
  const sols = s.ask();
  const n = sols.length;
  const obj = new Float64Array(n).fill(1);
  const meas = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    if (sols[i] === 1) {
      const c = cellCounter.next++;
      meas[2 * i] = (c % 100) + 0.5;
      meas[2 * i + 1] = (Math.floor(c / 100) % 100) + 0.5;
    } else {
      meas[2 * i] = NaN;
      meas[2 * i + 1] = NaN;
    }
  }
  s.tell(obj, meas);
}

describe("BanditScheduler", () => {
  it("starts with the first numActive emitters, keeps emitters that have not restarted, and tries every emitter once", () => {
    const pool = Array.from({ length: 6 }, (_, i) => new ProbeEmitter(4, i % 2 === 0, i < 2 ? 0 : 1));
    const s = new BanditScheduler(archive(), pool, { numActive: 2 });
    const cells = { next: 0 };
    step(s, cells);
    expect(Array.from(s.active)).toEqual([1, 1, 0, 0, 0, 0]);
    // Emitters 0 and 1 never restart: they stay active however poorly they do.
    for (let i = 0; i < 5; i++) step(s, cells);
    expect(s.active[0] && s.active[1]).toBe(1);
    expect(s.evaluations).toBe(6 * 8);
  });

  it("gives freed slots to the emitters with the best success rate (UCB1), after trying each once", () => {
    // Emitters without restarts (like Iso+LineDD) are reselected every iteration.
    const pool = Array.from({ length: 8 }, (_, i) => new ProbeEmitter(5, i === 2 || i === 5, 0, true));
    const s = new BanditScheduler(archive(), pool, { numActive: 2 });
    const cells = { next: 0 };
    for (let i = 0; i < 30; i++) step(s, cells);
    expect(pool.every((e) => e.asks > 0)).toBe(true);
    expect(Array.from(s.active)).toEqual([0, 0, 1, 0, 0, 1, 0, 0]);
    expect(pool[2].asks + pool[5].asks).toBeGreaterThan(45);
    expect(s.success[2]).toBe(pool[2].asks * 5);
    expect(s.success[0]).toBe(0);
  });

  it('"all" reselects every iteration; a saved state resumes the same choices', () => {
    const mk = () => Array.from({ length: 5 }, (_, i) => new ProbeEmitter(3, i === 4));
    const a = new BanditScheduler(archive(), mk(), { numActive: 1, reselect: "all" });
    const cells = { next: 0 };
    for (let i = 0; i < 12; i++) step(a, cells);
    expect(Array.from(a.active)).toEqual([0, 0, 0, 0, 1]);
    const b = new BanditScheduler(archive(), mk(), { numActive: 1, reselect: "all" });
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    step(a, { next: 5000 });
    step(b, { next: 5000 });
    expect(Array.from(b.active)).toEqual(Array.from(a.active));
    expect(Array.from(b.selection)).toEqual(Array.from(a.selection));
  });

  it("rejects bad configurations", () => {
    const pool = [new ProbeEmitter(2, true), new ProbeEmitter(2, true)];
    expect(() => new BanditScheduler(archive(), pool, { numActive: 3 })).toThrow(/numActive/);
    expect(() => new BanditScheduler(archive(), [pool[0], pool[0]], { numActive: 1 })).toThrow(/distinct/);
    expect(() => new BanditScheduler(archive(), pool, { numActive: 0 })).toThrow();
    const s = new BanditScheduler(archive(), pool, { numActive: 1 });
    expect(() => s.tell(new Float64Array(2), new Float64Array(4))).toThrow(/ask/);
  });

  it("me_map_elites (15 of 60 CMA-ME and Iso+LineDD emitters) runs 540 evaluations per iteration and beats MAP-Elites early", () => {
    const ref = SPHERE_REFERENCE.find((r) => r.name === "me_map_elites")!;
    const alg = createAlgorithm(ref.config(1));
    expect(alg.scheduler.emitters.length).toBe(60);
    const m = runAlgorithm(alg, 150);
    expect(m.evaluations).toBe(150 * 540);
    const base = runAlgorithm(createAlgorithm(SPHERE_REFERENCE.find((r) => r.name === "map_elites")!.config(1)), 150);
    expect(m.coverage).toBeGreaterThan(base.coverage);
  }, 60_000);
});
