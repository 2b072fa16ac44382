import { describe, expect, it } from "vitest";
import { ExperimentSpec } from "@/lib/experiments/config";
import { banditScheduler } from "@/lib/registry/schedulers/bandit";
import { gradientArborescence } from "@/lib/registry/emitters/gradient-arborescence";
import { kindConfig, kindValues } from "./KindFields";
import { presetFromConfig } from "./preset";

const sphere = (over: Record<string, unknown>) => ExperimentSpec.parse({ name: "s", domain: { type: "sphere", dim: 10 }, batchSize: 36, budget: { evaluations: 10_000 }, ...over });

describe("the form's scheduler and CMA-MEGA fields", () => {
  it("a bandit run's scheduler comes back into the form with nothing unshown, and the form's values rebuild it", () => {
    const config = sphere({ emitter: { type: "cma-me", count: 20 }, scheduler: { type: "bandit", numActive: 5, reselect: "all", zeta: 0.1 } });
    const preset = presetFromConfig(config as never);
    expect(preset.scheduler).toBe("bandit");
    expect(preset.unshown.filter((k) => k.startsWith("scheduler"))).toEqual([]);
    const values = kindValues(banditScheduler, preset.schedulerParams);
    expect(values).toEqual({ numActive: "5", reselect: "all", zeta: "0.1" });
    expect(banditScheduler.schema.parse(kindConfig(banditScheduler, values))).toEqual(config.scheduler);
  });

  it("CMA-MAEGA's optional learning rate is a form field: blank gives CMA-MEGA, a value round-trips", () => {
    const maega = sphere({ emitter: { type: "gradient-arborescence", learningRate: 0.01, ranker: "imp", gradOpt: "adam", restartRule: "basic" } });
    const preset = presetFromConfig(maega as never);
    expect(preset.unshown.filter((k) => k.startsWith("emitter"))).toEqual([]);
    const values = kindValues(gradientArborescence, preset.emitterParams);
    expect(values.learningRate).toBe("0.01");
    const rebuilt = gradientArborescence.schema.parse(kindConfig(gradientArborescence, values));
    expect(rebuilt).toEqual(maega.emitter);
    expect(gradientArborescence.schema.parse(kindConfig(gradientArborescence, { ...values, learningRate: "" })).learningRate).toBeUndefined();
  });
});
