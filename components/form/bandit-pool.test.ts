import { describe, expect, it } from "vitest";
import { ExperimentSpec } from "@/lib/experiments/config";
import { buildConfig } from "./form-config";
import { initialState } from "./form-state";
import { presetFromConfig } from "./preset";
import { ME_MAP_ELITES, newPoolRow, poolRowConfig } from "./bandit-pool";

describe("the form's bandit pool", () => {
  it("a mixed-pool run comes back into the form with nothing unshown, and the form rebuilds the same config", () => {
    const config = ExperimentSpec.parse({
      name: "pool",
      domain: { type: "sphere", dim: 20 },
      batchSize: 36,
      emitter: ME_MAP_ELITES.emitter,
      extraEmitters: ME_MAP_ELITES.extra,
      scheduler: ME_MAP_ELITES.scheduler,
      budget: { evaluations: 54_000 },
    });
    const preset = presetFromConfig(config as never);
    expect(preset.unshown.filter((k) => /^(emitter|extraEmitters|scheduler)/.test(k))).toEqual([]);
    const state = initialState(preset);
    expect(state.extraEmitters.map((r) => r.type)).toEqual(["cma-me", "cma-me", "iso-line"]);
    const rebuilt = ExperimentSpec.parse(buildConfig(state, undefined));
    expect(rebuilt.extraEmitters).toEqual(config.extraEmitters);
    expect(rebuilt.scheduler).toEqual(config.scheduler);
    expect(rebuilt.emitter).toEqual(config.emitter);
  });

  it("a new group row: Iso+LineDD with one emitter; its count comes from its own field", () => {
    const row = newPoolRow("iso-line");
    expect(poolRowConfig(row)).toEqual({ type: "iso-line", isoSigma: 0.01, lineSigma: 0.2, count: 1 });
    row.params["iso-line"]!.count = "7";
    row.type = "gaussian";
    expect(poolRowConfig(row)).toEqual({ type: "gaussian", sigma: 0.5, count: 1 });
    row.type = "cma-me";
    expect(poolRowConfig(row)).toMatchObject({ type: "cma-me", count: 15 });
  });
});
