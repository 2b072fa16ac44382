import { describe, expect, it } from "vitest";
import { agreement, agreementMetrics, verificationOf } from "./reevaluation";
import { ExperimentSpec } from "./config";

describe("re-evaluation of new elites", () => {
  it("fitness is the mean, spread is max − min, verified when the spread is within the tolerance", () => {
    const a = agreement(10, [12, 11], 2.5);
    expect(a).toEqual({ fitness: 11, spread: 2, reevaluations: 2, failed: 0, verified: true });
    expect(agreement(10, [12, 11], 1.5).verified).toBe(false);
  });

  it("default tolerance: 1% of |mean|; a deterministic evaluator is always verified", () => {
    expect(agreement(100, [100.5, 99.8]).verified).toBe(true);
    expect(agreement(100, [103, 100]).verified).toBe(false);
    expect(agreement(0, [0, 0]).verified).toBe(true);
  });

  it("a failed re-evaluation is left out of the mean and makes the elite unverified", () => {
    const a = agreement(4, [null, 6]);
    expect(a.fitness).toBe(5);
    expect(a.failed).toBe(1);
    expect(a.verified).toBe(false);
    expect(agreementMetrics(a)).toEqual({ reevaluations: 2, fitnessSpread: 2, verified: 0, reevaluationsFailed: 1 });
  });

  it("the dashboard reads verification back from the metrics", () => {
    expect(verificationOf(agreementMetrics(agreement(1, [1, 1])))).toEqual({ verified: true, spread: 0, reevaluations: 2 });
    expect(verificationOf({ score: 3 })).toBeNull();
    expect(verificationOf(null)).toBeNull();
  });

  it("configuration: only where an evaluator can run again; tolerance needs reevaluate", () => {
    const base = { name: "n", domain: { type: "command", command: "python3 e.py", dim: 2, bounds: [-1, 1] }, emitter: { type: "gaussian" }, descriptors: [{ name: "a", min: 0, max: 1, bins: 4 }], budget: { evaluations: 10 } };
    expect(ExperimentSpec.parse({ ...base, evaluation: { reevaluate: 3, tolerance: 0.1 } }).evaluation).toEqual({ reevaluate: 3, tolerance: 0.1 });
    const msgs = (x: unknown) => { const r = ExperimentSpec.safeParse(x); return r.success ? "" : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "); };
    expect(msgs({ ...base, evaluation: { tolerance: 0.1 } })).toMatch(/evaluation.tolerance: .*set evaluation.reevaluate too/);
    expect(msgs({ name: "s", domain: { type: "sphere", dim: 4 }, budget: { evaluations: 10 }, evaluation: { reevaluate: 2 } })).toMatch(/evaluation.reevaluate: .*domain "sphere" has none to run again/);
    expect(msgs({ ...base, evaluation: { reevaluate: 0 } })).toMatch(/at least 1/);
  });
});
