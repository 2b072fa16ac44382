import { describe, expect, it } from "vitest";
import { ExperimentSpec, evaluationConcurrency } from "@/lib/experiments/config";
import { presetFromConfig } from "./preset";

const command = { type: "command", command: "sh -c 'read l; echo {\"fitness\": 1}'", dim: 2, bounds: [-1, 1] };
const spec = (over: Record<string, unknown>) =>
  ExperimentSpec.safeParse({ name: "c", domain: command, descriptors: [{ name: "a", min: 0, max: 1, bins: 4 }], emitter: { type: "gaussian", sigma: 0.1 }, batchSize: 20, budget: { evaluations: 100 }, ...over });

describe("evaluation.concurrency (form field and schema)", () => {
  it("is accepted for an evaluator and read back into the form", () => {
    const r = spec({ evaluation: { concurrency: 32 } });
    expect(r.success, r.success ? "" : JSON.stringify(r.error.issues)).toBe(true);
    if (!r.success) return;
    expect(evaluationConcurrency(r.data)).toBe(32);
    const preset = presetFromConfig(r.data as never);
    expect(preset.evalConcurrency).toBe("32");
    expect(preset.unshown).not.toContain("evaluation");
    expect(evaluationConcurrency(spec({}).data!)).toBeUndefined();
  });

  it("bad values name the field", () => {
    for (const [value, message] of [
      [0, "evaluation.concurrency must be at least 1"],
      [257, "evaluation.concurrency must be at most 256"],
      [2.5, "evaluation.concurrency must be a whole number"],
    ] as const) {
      const r = spec({ evaluation: { concurrency: value } });
      expect(r.success).toBe(false);
      expect(r.error!.issues).toEqual([expect.objectContaining({ path: ["evaluation", "concurrency"], message })]);
    }
    const unknown = spec({ evaluation: { concurency: 4 } });
    expect(unknown.error!.issues[0]!.path).toEqual(["evaluation"]);
  });

  it("is refused for built-in domains, which are evaluated in bulk", () => {
    const r = ExperimentSpec.safeParse({ name: "s", domain: { type: "sphere", dim: 10 }, budget: { evaluations: 100 }, evaluation: { concurrency: 8 } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ["evaluation", "concurrency"], message: expect.stringContaining('domain "sphere" is evaluated in bulk') });
  });
});
