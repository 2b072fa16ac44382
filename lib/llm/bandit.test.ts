import { describe, expect, it } from "vitest";
import { Rng } from "../qd/rng";
import { armValues, chooseArms, relativeCosts, sampleBeta, type ArmStats } from "./bandit";

const arm = (model: string, pulls: number, costUsd: number, gain: number, improvements = Math.round(pulls / 4)): ArmStats => ({ model, pulls, costUsd, gain, improvements });

/** A simulated ensemble: each call costs `cost` and improves the archive by `gain` with probability `p`. */
function simulate(policy: "ucb" | "thompson", env: { model: string; cost: number; p: number; gain: number }[], calls: number, batch: number, seed: number) {
  const rng = new Rng(seed);
  const world = new Rng(seed + 1);
  const stats = env.map((e) => arm(e.model, 0, 0, 0, 0));
  for (let done = 0; done < calls; done += batch) {
    // Choices are made from the record as it stands before the batch (like a job reading the database).
    for (const m of chooseArms(stats, batch, rng, { policy })) {
      const i = env.findIndex((e) => e.model === m);
      const s = stats[i]!;
      s.pulls++;
      s.costUsd += env[i]!.cost;
      if (world.random() < env[i]!.p) {
        s.improvements++;
        s.gain += env[i]!.gain * (0.5 + world.random());
      }
    }
  }
  return Object.fromEntries(stats.map((s) => [s.model, s.pulls / calls]));
}

describe("model bandit", () => {
  it("relative costs: the cheapest pulled arm is 1, free arms a thousandth of the dearest, no prices means equal", () => {
    expect(relativeCosts([arm("a", 10, 0.1, 1), arm("b", 10, 0.4, 1), arm("c", 0, 0, 0)])).toEqual([1, 4, 1]);
    const free = relativeCosts([arm("local", 10, 0, 1), arm("paid", 10, 1, 1)]);
    expect(free[0]).toBe(1);
    expect(free[1]).toBeCloseTo(1000);
    expect(relativeCosts([arm("a", 5, 0, 1), arm("b", 5, 0, 2)])).toEqual([1, 1]);
  });

  it("values arms by gain per dollar: a dear model must improve proportionally more", () => {
    const [cheap, dear] = armValues([arm("cheap", 100, 1, 10), arm("dear", 100, 3, 20)]);
    expect(cheap).toBeGreaterThan(dear!);
    const [cheap2, dear2] = armValues([arm("cheap", 100, 1, 10), arm("dear", 100, 3, 40)]);
    expect(dear2).toBeGreaterThan(cheap2!);
  });

  it("tries every model once before ranking them", () => {
    for (const policy of ["ucb", "thompson"] as const) {
      const first = chooseArms([arm("a", 0, 0, 0), arm("b", 0, 0, 0), arm("c", 0, 0, 0)], 3, new Rng(5), { policy });
      expect([...first].sort()).toEqual(["a", "b", "c"]);
      const second = chooseArms([arm("a", 50, 1, 40), arm("b", 0, 0, 0)], 1, new Rng(5), { policy });
      expect(second).toEqual(["b"]);
    }
  });

  it("is deterministic for a seed", () => {
    const arms = [arm("a", 20, 0.2, 3), arm("b", 20, 0.5, 6), arm("c", 20, 1, 7)];
    for (const policy of ["ucb", "thompson"] as const) expect(chooseArms(arms, 16, new Rng(9), { policy })).toEqual(chooseArms(arms, 16, new Rng(9), { policy }));
  });

  it("UCB spreads a batch over close arms instead of piling every call on one", () => {
    const picks = chooseArms([arm("a", 30, 0.3, 10, 8), arm("b", 30, 0.3, 10, 8)], 8, new Rng(1), { policy: "ucb" });
    expect(picks.filter((m) => m === "a").length).toBe(4);
  });

  it("with many pulls, a clearly worse model is rarely chosen", () => {
    const arms = [arm("good", 400, 4, 200, 100), arm("bad", 400, 4, 20, 10)];
    for (const policy of ["ucb", "thompson"] as const) {
      const picks = chooseArms(arms, 50, new Rng(3), { policy });
      expect(picks.filter((m) => m === "good").length, policy).toBeGreaterThan(40);
    }
  });

  // Three models: cheap and weak, mid, dear and strong; per dollar the mid one is best.
  const env = [
    { model: "cheap", cost: 0.001, p: 0.1, gain: 1 }, // 100 gain per $
    { model: "mid", cost: 0.002, p: 0.35, gain: 1 }, // 175 gain per $
    { model: "dear", cost: 0.01, p: 0.6, gain: 1 }, // 60 gain per $
  ];
  for (const policy of ["ucb", "thompson"] as const) {
    it(`${policy}: over 3,000 calls in batches of 6, most calls go to the model with the best gain per dollar`, () => {
      const share = simulate(policy, env, 3000, 6, 11);
      expect(share.mid, JSON.stringify(share)).toBeGreaterThan(0.55);
      expect(share.dear, JSON.stringify(share)).toBeLessThan(0.2);
    });
  }

  it("without prices it maximises gain per call", () => {
    const free = env.map((e) => ({ ...e, cost: 0 }));
    const share = simulate("thompson", free, 2000, 4, 2);
    expect(share.dear, JSON.stringify(share)).toBeGreaterThan(0.6);
  });

  it("Beta samples have the right mean", () => {
    const rng = new Rng(4);
    let s = 0;
    for (let i = 0; i < 4000; i++) s += sampleBeta(rng, 3, 7);
    expect(s / 4000).toBeCloseTo(0.3, 1);
    let t = 0;
    for (let i = 0; i < 4000; i++) t += sampleBeta(rng, 0.5, 0.5);
    expect(t / 4000).toBeCloseTo(0.5, 1);
  });
});
