import { describe, expect, it } from "vitest";
import { ExperimentSpec, islandOfJob } from "./config";
import { maxIslands } from "@/lib/db/island-store";

const base = {
  name: "islands",
  domain: { type: "javascript", code: "function evaluate(x) { return { fitness: 0, descriptors: [x[0]] }; }", dim: 2, bounds: [-1, 1] },
  descriptors: [{ name: "a", min: -1, max: 1, bins: 4 }],
  emitter: { type: "gaussian", sigma: 0.1 },
  budget: { evaluations: 100 },
};
const messages = (r: ReturnType<typeof ExperimentSpec.safeParse>) => (r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));

describe("islands config", () => {
  it("fills defaults: 1 migrant, ring topology; stagnation spawns up to twice the islands, from the initial population", () => {
    const c = ExperimentSpec.parse({ ...base, islands: { count: 3, migrationInterval: 20, spawnOnStagnation: { evaluations: 50 } } });
    expect(c.islands).toEqual({ count: 3, migrationInterval: 20, migrants: 1, topology: "ring", spawnOnStagnation: { evaluations: 50, seedWith: "initial" } });
    expect(maxIslands(c.islands!)).toBe(6);
    expect(maxIslands({ ...c.islands!, count: 40 })).toBe(64);
    expect(maxIslands({ ...c.islands!, spawnOnStagnation: { evaluations: 5, seedWith: "best", maxIslands: 4 } })).toBe(4);
  });

  it("names the field that is wrong", () => {
    expect(messages(ExperimentSpec.safeParse({ ...base, islands: { count: 0, migrationInterval: 5 } }))).toContain("islands.count: islands.count must be at least 1");
    expect(messages(ExperimentSpec.safeParse({ ...base, islands: { count: 2 } }))).toContain("islands.migrationInterval: islands.migrationInterval must be a number");
    expect(messages(ExperimentSpec.safeParse({ ...base, islands: { count: 2, migrationInterval: 5, topology: "star" } }))).toContain('islands.topology: islands.topology must be "ring" or "all"');
    expect(messages(ExperimentSpec.safeParse({ ...base, islands: { count: 5, migrationInterval: 5, spawnOnStagnation: { evaluations: 9, maxIslands: 3 } } }))).toContain(
      "islands.spawnOnStagnation.maxIslands: islands.spawnOnStagnation.maxIslands must be at least islands.count",
    );
    expect(messages(ExperimentSpec.safeParse({ ...base, islands: { count: 2, migrationInterval: 5, size: 3 } })).join()).toMatch(/size/);
  });

  it("refuses islands for CMA emitters and ask/tell runs", () => {
    const cma = ExperimentSpec.safeParse({ name: "c", domain: { type: "sphere", dim: 4 }, emitter: { type: "cma-me" }, batchSize: 4, budget: { evaluations: 100 }, islands: { count: 2, migrationInterval: 5 } });
    expect(messages(cma)).toContain('islands: islands are not supported with emitter "cma-me" (its emitters already run separate chains)');
    const external = ExperimentSpec.safeParse({ ...base, domain: { type: "external", dim: 2, bounds: [-1, 1] }, islands: { count: 2, migrationInterval: 5 } });
    expect(messages(external).join()).toMatch(/islands need jobs run by the workers/);
  });

  it("assigns jobs to islands round robin over the islands that exist", () => {
    expect([0, 1, 2, 3, 4, 5].map((k) => islandOfJob(k, 3))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(islandOfJob(7, 0)).toBeNull();
  });
});
