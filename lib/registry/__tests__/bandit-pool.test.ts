import { describe, expect, it } from "vitest";
import { ExperimentSpec, banditOf, emitterChains, jobPlan } from "@/lib/experiments/config";
import { chainEmitterConfig } from "@/lib/experiments/cma";
import { groupLabel, poolGroups } from "@/lib/registry/schedulers/bandit-pool";

const es = (ranker: string) => ({ type: "cma-me", count: 15, ranker });
/** pyribs' me_map_elites (examples/sphere.py) as an experiment. */
const meMapElites = {
  name: "me_map_elites",
  domain: { type: "sphere", dim: 100 },
  batchSize: 36,
  emitter: es("obj"),
  extraEmitters: [es("2rd"), es("2imp"), { type: "iso-line", isoSigma: 0.01, lineSigma: 0.1, count: 15 }],
  scheduler: { type: "bandit", numActive: 15 },
  budget: { evaluations: 5_400_000 },
};
const issues = (over: Record<string, unknown>) => {
  const r = ExperimentSpec.safeParse({ ...meMapElites, ...over });
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
};

describe("the bandit's mixed pool (extraEmitters)", () => {
  it("pyribs' me_map_elites: 60 members in 4 groups, 15 slots, each chain runs its group's emitter (mutation kinds without a count)", () => {
    const c = ExperimentSpec.parse(meMapElites);
    expect(banditOf(c)).toEqual({ numActive: 15, reselect: "terminated", zeta: 0.05, pool: 60 });
    expect(emitterChains(c)).toBe(15);
    expect(poolGroups(c).map((g) => [groupLabel(g.emitter), g.first, g.count])).toEqual([
      ["cma-me obj", 0, 15],
      ["cma-me 2rd", 15, 15],
      ["cma-me 2imp", 30, 15],
      ["iso-line 0.01 / 0.1", 45, 15],
    ]);
    expect(chainEmitterConfig(c, 14)).toMatchObject({ type: "cma-me", ranker: "obj", selectionRule: "filter", restartRule: "no_improvement" });
    expect(chainEmitterConfig(c, 30)).toMatchObject({ type: "cma-me", ranker: "2imp" });
    expect(chainEmitterConfig(c, 59)).toEqual({ type: "iso-line", isoSigma: 0.01, lineSigma: 0.1 });
    expect(() => chainEmitterConfig(c, 60)).toThrow(/outside the pool of 60/);
    const plan = jobPlan(c);
    expect(plan.perJob % 36).toBe(0);
  });

  it("says what is wrong and where: no bandit, DQD or CMA-MAE groups, a pool smaller than numActive, unknown fields", () => {
    expect(issues({ scheduler: undefined })).toEqual([{ path: "extraEmitters", message: 'extraEmitters make the bandit scheduler\'s mixed pool: set "scheduler": { "type": "bandit", "numActive": N }' }]);
    expect(issues({ extraEmitters: [{ type: "gradient-operator" }] })[0]!.message).toMatch(/^extraEmitters\[\]\.type must be one of "cma-me", "cma-mae", "iso-line", "gaussian" \(the bandit scheduler runs no gradient \(DQD\) emitters\)/);
    expect(issues({ extraEmitters: [{ type: "cma-mae" }] })).toEqual([{ path: "extraEmitters.0.type", message: expect.stringMatching(/^a mixed bandit pool runs on an elitist archive: use "cma-me"/) }]);
    expect(issues({ scheduler: { type: "bandit", numActive: 61 } })).toEqual([
      { path: "scheduler.numActive", message: "scheduler.numActive (61) must be at most the pool size (60: emitter.count plus the extraEmitters counts), the emitters it chooses from" },
    ]);
    expect(issues({ extraEmitters: [{ type: "iso-line", count: 0, sigma: 1 }] }).map((i) => i.path)).toEqual(["extraEmitters.0.count", "extraEmitters.0"]);
    expect(issues({ emitter: { type: "iso-line" } })[0]).toEqual({ path: "scheduler.type", message: expect.stringMatching(/^scheduler "bandit" chooses among CMA emitter chains: use emitter "cma-me" or "cma-mae" \(its count is the pool's first group; extraEmitters adds "cma-me", "iso-line", "gaussian" groups\)/) });
    expect(issues({ extraEmitters: Array.from({ length: 10 }, () => ({ type: "gaussian", count: 100 })) })).toEqual([{ path: "extraEmitters", message: "the bandit pool holds 1,015 emitters (emitter.count plus every extraEmitters count); at most 1,000" }]);
    expect(issues({ islands: { count: 2, migrationInterval: 100 } })).toEqual([{ path: "islands", message: "islands are not supported with the bandit scheduler (its emitters already run separate chains)" }]);
    expect(issues({ domain: { type: "arm", joints: 12 } })).toEqual([]);
  });
});
