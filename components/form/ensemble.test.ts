import { describe, expect, it } from "vitest";
import { ExperimentSpec } from "@/lib/experiments/config";
import { ensembleFields, newModelRow } from "./ModelEnsemble";
import { presetFromConfig } from "./preset";

const base = {
  name: "ensemble",
  budget: { evaluations: 10 },
  domain: { type: "javascript", code: "function evaluate(g) { return { fitness: 1, descriptors: [0, 0] }; }", seeds: ["a"], description: "d" },
  descriptors: [
    { name: "x", min: 0, max: 1, bins: 2 },
    { name: "y", min: 0, max: 1, bins: 2 },
  ],
};

describe("the form's ensemble fields", () => {
  it("one model stays `model`; more become `models` with their own servers, prices, selection and strategy", () => {
    expect(ensembleFields({ model: "m", weight: "1", pricePrompt: "", priceCompletion: "" }, [], "fixed", "evolve")).toEqual({ model: "m" });
    const rows = [newModelRow({ model: "b", baseURL: "http://127.0.0.1:9/v1", pricePrompt: "3", priceCompletion: "6" }), newModelRow()];
    const f = ensembleFields({ model: "a", weight: "2", pricePrompt: "1", priceCompletion: "2" }, rows, "ucb", "best-of-n");
    expect(f).toEqual({
      models: [{ model: "a" }, { model: "b", baseURL: "http://127.0.0.1:9/v1" }],
      modelSelection: "ucb",
      prices: { a: { prompt: 1, completion: 2 }, b: { prompt: 3, completion: 6 } },
      strategy: "best-of-n",
    });
    const spec = ExperimentSpec.parse({ ...base, emitter: { type: "llm", baseURL: "http://127.0.0.1:8/v1", ...f } });
    expect(spec.emitter).toMatchObject({ modelSelection: "ucb", strategy: "best-of-n" });
    // Fixed selection sends the weights.
    expect((ensembleFields({ model: "a", weight: "2", pricePrompt: "", priceCompletion: "" }, rows, "fixed", "evolve") as { models?: unknown }).models).toEqual([{ model: "a", weight: 2 }, { model: "b", baseURL: "http://127.0.0.1:9/v1", weight: 1 }]);
  });

  it("a stored ensemble opens in the form as it was (clone / template)", () => {
    const config = {
      ...base,
      emitter: { type: "llm", baseURL: "http://127.0.0.1:8/v1", models: [{ model: "a", weight: 3 }, { model: "b", baseURL: "http://127.0.0.1:9/v1", weight: 1, apiKeyEnv: "B_API_KEY" }], modelSelection: "thompson", strategy: "best-of-n", prices: { b: { prompt: 3, completion: 6 } } },
    };
    const p = presetFromConfig(config);
    expect(p).toMatchObject({ model: "a", mainWeight: "3", modelSelection: "thompson", strategy: "best-of-n", extraModels: [{ model: "b", baseURL: "http://127.0.0.1:9/v1", weight: "1", pricePrompt: "3", priceCompletion: "6" }] });
    // The form has one key variable: a model's own is listed as a setting it does not show.
    expect(p.unshown).toEqual(["emitter.models.1.apiKeyEnv"]);
  });
});
