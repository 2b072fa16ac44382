import { describe, expect, it } from "vitest";
import { createAlgorithm, runAlgorithm, type AlgorithmConfig } from "../algorithm";
import { DensityArchive } from "../archive/density";
import { DiscountArchive } from "../archive/discount";
import { ProximityArchive } from "../archive/proximity";
import { main, parseRunConfig } from "@/lib/cli";
import { SPHERE_REFERENCE } from "../reproduce";

const small = { type: "sphere" as const, dim: 10 };
const cma = (ranker: "nov" | "nslc" | "2imp" | "density" | "imp", sigma0 = 0.5) => ({ type: "cma-me" as const, sigma0, batchSize: 12, count: 3, ranker, selectionRule: "mu" as const, restartRule: "basic" as const });

describe("algorithms on proximity, density and discount archives", { timeout: 60_000 }, () => {
  const configs: [string, AlgorithmConfig, new (...a: never[]) => unknown][] = [
    ["novelty search", { domain: small, archive: { type: "proximity", kNeighbors: 5, noveltyThreshold: 2 }, emitter: cma("nov"), seed: 1 }, ProximityArchive],
    ["NSLC", { domain: small, archive: { type: "proximity", kNeighbors: 5, noveltyThreshold: 1, localCompetition: true }, emitter: cma("nslc"), seed: 1 }, ProximityArchive],
    ["density descent", { domain: small, archive: { type: "density", bandwidth: 2.56, bufferSize: 500 }, emitter: cma("density", 1.5), seed: 1 }, DensityArchive],
    ["discount model search", { domain: small, archive: { type: "discount", initTrainPoints: 100, emptyPoints: 20, hidden: [16, 16] }, emitter: cma("imp"), seed: 1 }, DiscountArchive],
  ];
  for (const [name, config, Kind] of configs) {
    it(`${name}: fills the grid result archive and is reproducible from the seed`, () => {
      const a = createAlgorithm(config);
      expect(a.searchArchive).toBeInstanceOf(Kind);
      const m = runAlgorithm(a, 30);
      expect(m.evaluations).toBe(30 * 36);
      expect(m.coverage).toBeGreaterThan(0.005);
      expect(m.coverage).toBe(a.resultArchive.stats().coverage);
      expect(runAlgorithm(createAlgorithm(config), 30).normQdScore).toBe(m.normQdScore);
    });
  }

  it("novelty search stores spread-out points (mean distance to 5 nearest, self included, above half the threshold)", () => {
    const a = createAlgorithm(configs[0][1]);
    runAlgorithm(a, 30);
    const p = a.searchArchive as ProximityArchive;
    expect(p.numElites).toBeGreaterThan(15);
    const nov = new Float64Array(p.numElites);
    p.computeNovelty(p.measures, p.numElites, nov);
    // Each stored point counts itself (distance 0) among its k neighbours.
    const mean = nov.reduce((x, y) => x + y, 0) / p.numElites;
    expect(mean).toBeGreaterThan(1);
  });

  it("rejects emitters these archives cannot drive", () => {
    expect(() => createAlgorithm({ domain: small, archive: { type: "density", bandwidth: 1 }, emitter: { type: "gaussian", sigma: 0.5, batchSize: 10 }, seed: 1 })).toThrow(/cma-me/);
  });

  it("the CLI builds them from flags and reproduce knows the pyribs names", async () => {
    const p = parseRunConfig(["--emitter", "cma-me", "--archive", "proximity", "--novelty-threshold", "3.7", "--local-competition", "--ranker", "nslc"]);
    expect(p.config.archive).toEqual({ type: "proximity", kNeighbors: 15, noveltyThreshold: 3.7, localCompetition: true });
    expect(p.config.emitter).toMatchObject({ type: "cma-me", ranker: "nslc" });
    const d = parseRunConfig(["--emitter", "cma-me", "--archive", "density", "--bandwidth", "25.6", "--density-method", "kde_sklearn"]);
    expect(d.config.archive).toEqual({ type: "density", bandwidth: 25.6, bufferSize: 10_000, method: "kde_sklearn", reservoir: "uniform" });
    const dp = parseRunConfig(["--emitter", "cma-me", "--archive", "density", "--bandwidth", "25.6", "--reservoir", "pyribs"]);
    expect(dp.config.archive).toMatchObject({ type: "density", reservoir: "pyribs" });
    expect(() => parseRunConfig(["--emitter", "cma-me", "--archive", "density", "--bandwidth", "1", "--reservoir", "lifo"])).toThrow(/--reservoir must be one of/);
    expect(parseRunConfig(["--emitter", "cma-me", "--archive", "discount"]).config.archive).toMatchObject({ type: "discount", learningRate: 0.1 });
    expect(() => parseRunConfig(["--emitter", "gaussian", "--archive", "density", "--bandwidth", "1"])).toThrow(/cma-me/);
    expect(() => parseRunConfig(["--emitter", "cma-me", "--archive", "proximity"])).toThrow(/novelty-threshold/);
    expect(() => parseRunConfig(["--emitter", "cma-me", "--ranker", "bogus"])).toThrow(/--ranker must be one of/);
    for (const name of ["ns_cma", "nslc", "nslc_cma_imp", "dds", "dds_kde_sklearn", "dms"]) {
      expect(SPHERE_REFERENCE.some((r) => r.name === name)).toBe(true);
    }
    // A reduced-budget reproduce of one row runs end to end and exits 0.
    const write = process.stdout.write;
    let out = "";
    process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
    const err = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(await main(["reproduce", "sphere", "--only", "ns_cma", "--iterations", "3", "--json"])).toBe(0);
    } finally {
      process.stdout.write = write;
      process.stderr.write = err;
    }
    const res = JSON.parse(out);
    expect(res.rows.map((r: { name: string }) => r.name)).toEqual(["ns_cma"]);
    expect(res.rows[0].ours.evaluations).toBe(3 * 540);
  });
});
