import { describe, expect, it } from "vitest";
import { parseRunConfig } from "../run";
import { SPHERE_REFERENCE } from "@/lib/qd/reproduce";

const row = (name: string) => SPHERE_REFERENCE.find((r) => r.name === name)!.config(1);

describe("CLI argument parsing", () => {
  it("runs pyribs' ME-MAP-Elites mixed pool from flags: the same config as the reproduction row", () => {
    const pool = JSON.stringify([
      { type: "cma-me", ranker: "2rd", count: 15 },
      { type: "cma-me", ranker: "2imp", count: 15 },
      { type: "iso-line", isoSigma: 0.01, lineSigma: 0.1, count: 15 },
    ]);
    const r = parseRunConfig(["--emitter", "cma-me", "--ranker", "obj", "--emitters", "15", "--batch", "540", "--scheduler", "bandit", "--active", "15", "--extra-emitters", pool]);
    const { scheduler, ...rest } = row("me_map_elites");
    expect(r.config).toMatchObject(rest);
    expect(r.config.scheduler).toMatchObject({ type: "bandit", numActive: 15 });
    expect(scheduler).toMatchObject({ type: "bandit", numActive: 15, reselect: "terminated" }); // the engine's default reselect
    // --active counts the whole pool.
    expect(parseRunConfig(["--emitter", "cma-me", "--emitters", "2", "--batch", "72", "--scheduler", "bandit", "--active", "3", "--extra-emitters", '[{"type":"gaussian","count":2}]']).config.extraEmitters).toEqual([
      { type: "gaussian", sigma: 0.5, batchSize: 36, count: 2 },
    ]);
    const bad = (json: string, extra: string[] = ["--scheduler", "bandit", "--active", "1"]) => () => parseRunConfig(["--emitter", "cma-me", ...extra, "--extra-emitters", json]);
    expect(bad("[{type:")).toThrow(/--extra-emitters must be a JSON array/);
    expect(bad('[{"type":"gradient-operator"}]')).toThrow(/--extra-emitters: .*no gradient \(DQD\) emitters.*\[0\]\.type/);
    expect(bad('[{"type":"cma-mae"}]')).toThrow(/elitist archive/);
    expect(bad('[{"type":"iso-line","count":0}]')).toThrow(/--extra-emitters: .*count/);
    expect(bad('[{"type":"iso-line"}]', [])).toThrow(/add --scheduler bandit/);
    expect(bad('[{"type":"iso-line","count":2}]', ["--scheduler", "bandit", "--active", "18"])).toThrow(/pool of 17 emitters/);
  });
  it("builds a run config from flags", () => {
    const r = parseRunConfig(["--domain", "sphere", "--dim", "100", "--emitter", "iso-line", "--iso-sigma", "0.5", "--line-sigma", "0.2", "--batch", "540", "--iterations", "10", "--seed", "1", "--json"]);
    expect(r.config.emitter).toEqual({ type: "iso-line", isoSigma: 0.5, lineSigma: 0.2, batchSize: 540, count: 1 });
    expect(r.iterations).toBe(10);
    expect(r.json).toBe(true);
    const c = parseRunConfig(["--emitter", "cma-mae"]);
    expect(c.config.emitter).toMatchObject({ type: "cma-mae", batchSize: 36, count: 15, learningRate: 0.01 });
    const cvt = parseRunConfig(["--archive", "cvt", "--cells", "500", "--samples", "5000"]);
    expect(cvt.config.archive).toEqual({ type: "cvt", cells: 500, samples: 5000 });
    expect(parseRunConfig(["--domain", "arm", "--joints", "7"]).config.domain).toEqual({ type: "arm", joints: 7 });
  });
  it("rejects bad flags with clear messages", () => {
    expect(() => parseRunConfig(["--dim", "abc"])).toThrow(/--dim must be a number/);
    expect(() => parseRunConfig(["--emitter", "foo"])).toThrow(/--emitter must be one of/);
    expect(() => parseRunConfig(["--batch", "100", "--emitters", "15"])).toThrow(/not divisible/);
    expect(() => parseRunConfig(["--iterations", "1.5"])).toThrow(/integer/);
    expect(() => parseRunConfig(["--nope"])).toThrow(/Unknown option/);
  });
  it("runs the pyribs DQD, CMA-ME variant and bandit rows from flags", () => {
    const emitterOf = (args: string[]) => parseRunConfig(args).config.emitter;
    expect(emitterOf(["--emitter", "gradient-arborescence", "--lr", "0.002", "--grad-opt", "adam", "--selection-rule", "mu"])).toMatchObject(row("cma_mega_adam").emitter);
    expect(emitterOf(["--emitter", "gradient-arborescence", "--learning-rate", "0.01", "--threshold-min", "0", "--restart-rule", "basic"])).toMatchObject(row("cma_maega").emitter);
    expect(emitterOf(["--emitter", "gradient-operator", "--sigma", "0", "--sigma-g", "10", "--measure-gradients", "--normalize-grad", "true"])).toMatchObject(row("omg_mega").emitter);
    expect(emitterOf(["--emitter", "gradient-operator"])).toMatchObject(row("og_map_elites").emitter);
    expect(emitterOf(["--emitter", "cma-me", "--ranker", "2rd", "--selection-rule", "mu"])).toMatchObject(row("cma_me_rd_mu").emitter);
    expect(emitterOf(["--emitter", "cma-me", "--restart-rule", "25"])).toMatchObject({ restartRule: 25 });
    const b = parseRunConfig(["--emitter", "cma-me", "--emitters", "60", "--batch", "2160", "--scheduler", "bandit", "--active", "15"]);
    expect(b.config.scheduler).toEqual({ type: "bandit", numActive: 15 });
    expect(() => parseRunConfig(["--scheduler", "bandit"])).toThrow(/--active/);
    expect(() => parseRunConfig(["--emitter", "gradient-operator", "--batch", "541"])).toThrow(/even/);
    expect(() => parseRunConfig(["--emitter", "cma-me", "--ranker", "best"])).toThrow(/--ranker must be one of/);
    expect(() => parseRunConfig(["--emitter", "cma-me", "--restart-rule", "sometimes"])).toThrow(/--restart-rule/);
    expect(() => parseRunConfig(["--emitter", "gradient-operator", "--normalize-grad", "yes"])).toThrow(/true or false/);
  });
  it("runs the search-archive rows from the same ranker and rule flags", () => {
    const nslc = parseRunConfig(["--emitter", "cma-me", "--archive", "proximity", "--novelty-threshold", String(0.037 * 100), "--local-competition", "--ranker", "nslc"]).config;
    expect(nslc.emitter).toMatchObject(row("nslc").emitter);
    expect(nslc.archive).toMatchObject(row("nslc").archive);
    const dds = parseRunConfig(["--emitter", "cma-me", "--sigma0", "1.5", "--archive", "density", "--bandwidth", "25.6", "--reservoir", "pyribs", "--ranker", "density", "--selection-rule", "mu", "--restart-rule", "basic"]).config;
    expect(dds.emitter).toMatchObject(row("dds").emitter);
    expect(dds.archive).toMatchObject(row("dds").archive);
    expect(() => parseRunConfig(["--emitter", "cma-me", "--selection", "mu"])).toThrow(/Unknown option/);
    expect(() => parseRunConfig(["--emitter", "cma-me", "--emitters", "4", "--batch", "144", "--scheduler", "bandit", "--active", "2", "--archive", "proximity", "--novelty-threshold", "1"])).toThrow(/default scheduler/);
  });
  it("lists pyribs' 24 sphere rows in its table order", () => {
    expect(SPHERE_REFERENCE.map((r) => r.name)).toEqual([
      "map_elites", "line_map_elites", "cvt_map_elites", "line_cvt_map_elites", "me_map_elites",
      "cma_me_imp", "cma_me_imp_mu", "cma_me_basic", "cma_me_rd", "cma_me_rd_mu", "cma_me_opt", "cma_me_mixed",
      "og_map_elites", "omg_mega", "cma_mega", "cma_mega_adam", "cma_mae", "cma_maega",
      "ns_cma", "nslc", "nslc_cma_imp", "dds", "dds_kde_sklearn", "dms",
    ]);
  });
});
