import { describe, expect, it } from "vitest";
import { ExperimentSpec } from "./config";
import { parseYaml, YamlError } from "./mini-yaml";
import { importOpenEvolveConfig } from "./openevolve-import";

describe("the YAML subset of config files", () => {
  it("maps, lists of scalars and maps, flow lists, block scalars, comments, quoting", () => {
    const doc = parseYaml(`# a config
top: 10   # trailing comment
name: "a # not a comment"
quoted: 'it''s'
flags: [1.5, true, "x, y"]
empty:
nested:
  inner:
    deep: -2e3
  list:
    - one
    - two: 2
      three: 3
  same_indent_list:
  - a
  - b
text: |
  line one
    indented

  after a blank
folded: >-
  a
  b
`);
    expect(doc).toEqual({
      top: 10,
      name: "a # not a comment",
      quoted: "it's",
      flags: [1.5, true, "x, y"],
      empty: null,
      nested: { inner: { deep: -2000 }, list: ["one", { two: 2, three: 3 }], same_indent_list: ["a", "b"] },
      text: "line one\n  indented\n\nafter a blank\n",
      folded: "a b",
    });
    expect(() => parseYaml("a: &anchor 1")).toThrow(YamlError);
    expect(() => parseYaml("a: 1\n   b: 2")).toThrow(/line 2: unexpected indentation/);
  });
});

const CONFIG = `max_iterations: 50
random_seed: 7
diff_based_evolution: false
llm:
  primary_model: "model-a"
  primary_model_weight: 0.8
  secondary_model: "model-b"
  secondary_model_weight: 0.2
  api_base: "http://127.0.0.1:8000/v1"
  api_key: "sk-should-not-travel"
  temperature: 0.5
  max_tokens: 8000
  timeout: 90
prompt:
  system_message: |
    You optimise search algorithms.
  num_top_programs: 2
  num_diverse_programs: 1
database:
  num_islands: 3
  feature_dimensions: ["complexity", "diversity", "speed"]
  feature_bins: {complexity: 8, speed: 5}
evaluator:
  timeout: 30
  cascade_thresholds: [1.3]
  parallel_evaluations: 3
checkpoint_interval: 5
`;

describe("qd-studio import openevolve", () => {
  it("maps models and weights, api_base, iterations, system message, cascade, mode and features; lists the rest with a reason", () => {
    const { experiment, unmapped } = importOpenEvolveConfig(CONFIG, { program: "print(1)\n", evaluatorFile: "def evaluate(p):\n    return {'combined_score': 1}\n", name: "fm" });
    expect(experiment).toMatchObject({
      name: "fm",
      budget: { evaluations: 50 },
      seed: 7,
      batchSize: 3,
      emitter: { baseURL: "http://127.0.0.1:8000/v1", models: [{ model: "model-a", weight: 0.8 }, { model: "model-b", weight: 0.2 }], mode: "full", temperature: 0.5, maxTokens: 8000, timeoutMs: 90_000, maxInspirations: 3, apiKeyEnv: "OPENAI_API_KEY" },
      domain: { type: "program", language: "python", initialProgram: "print(1)\n", systemMessage: "You optimise search algorithms.\n", evaluator: { type: "openevolve", timeoutMs: 30_000, cascadeThresholds: [1.3], concurrency: 3 } },
      descriptors: [
        { name: "complexity", metric: "codeLength", min: 0, max: 10_000, bins: 8 },
        { name: "speed", metric: "speed", min: 0, max: 1, bins: 5 },
      ],
    });
    expect(JSON.stringify(experiment)).not.toContain("sk-should-not-travel");
    const fields = unmapped.map((u) => u.field);
    expect(fields).toEqual(expect.arrayContaining(["llm.api_key", "database.num_islands", "checkpoint_interval", "database.feature_dimensions: diversity", "database.feature_dimensions: speed"]));
    expect(unmapped.every((u) => u.why.length > 10)).toBe(true);
    expect(ExperimentSpec.safeParse(experiment).success).toBe(true);
  });

  it("maps a model's own api_base to models[].baseURL (an ensemble across servers)", () => {
    const yaml = "llm:\n  api_base: http://127.0.0.1:8000/v1\n  models:\n    - name: local\n      weight: 0.5\n    - name: gpt-4.1-mini\n      weight: 0.5\n      api_base: https://api.openai.com/v1\n";
    const { experiment } = importOpenEvolveConfig(yaml, { program: "print(1)\n", evaluatorFile: "def evaluate(p):\n    return {'combined_score': 1}\n" });
    expect(experiment.emitter).toMatchObject({ baseURL: "http://127.0.0.1:8000/v1", models: [{ model: "local", weight: 0.5 }, { model: "gpt-4.1-mini", weight: 0.5, baseURL: "https://api.openai.com/v1" }] });
    expect(ExperimentSpec.safeParse(experiment).success).toBe(true);
  });
});
