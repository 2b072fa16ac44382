import { describe, expect, it } from "vitest";
import { ExperimentSpec } from "@/lib/experiments/config";
import { PROGRAM_EXAMPLE, programDomain } from "./ProgramFields";

const spec = (domain: unknown) =>
  ExperimentSpec.safeParse({ name: "p", domain, emitter: { type: "llm", baseURL: "http://127.0.0.1:8000/v1", model: "m", mode: "diff" }, batchSize: 2, budget: { evaluations: 10 } });

describe("program domain fields of the form", () => {
  it("the form's example is a valid experiment (default descriptor: code length)", () => {
    const r = spec(programDomain(PROGRAM_EXAMPLE));
    expect(r.success, r.success ? "" : JSON.stringify(r.error.issues)).toBe(true);
    if (!r.success || r.data.domain.type !== "program") return;
    expect(r.data.domain.evaluator).toMatchObject({ type: "openevolve", cascade: true, cascadeThresholds: [0.5, 0.75, 0.9], timeoutMs: 60000 });
    expect(r.data.domain.feedback).toEqual({ metrics: true, artifacts: true, logs: true, failedChildren: 3, inspirationCode: true, maxChars: 2000 });
  });

  it("command stages from thresholds, env lines, cwd; bad values point at their field", () => {
    const d = programDomain({ ...PROGRAM_EXAMPLE, evaluatorKind: "command", command: "python3 eval.py", thresholds: "0.3, 0.6", env: "SEED=1\nMODE=fast=yes", cwd: "/srv/task" });
    expect(d.evaluator).toEqual({ type: "command", command: "python3 eval.py", cwd: "/srv/task", env: { SEED: "1", MODE: "fast=yes" }, timeoutMs: 60000, stages: [{ threshold: 0.3 }, { threshold: 0.6 }, {}] });
    expect(spec(d).success).toBe(true);
    const bad = spec(programDomain({ ...PROGRAM_EXAMPLE, evaluatorKind: "command", env: "1BAD=x", timeoutMs: "5" }));
    expect(bad.success).toBe(false);
    const paths = bad.success ? [] : bad.error.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["domain.evaluator.env.1BAD", "domain.evaluator.timeoutMs"]));
    expect(spec(programDomain({ ...PROGRAM_EXAMPLE, evaluatorKind: "openevolve-path", evaluatorPath: "" })).success).toBe(false);
    expect(spec({ ...programDomain(PROGRAM_EXAMPLE), initialProgram: "" }).success).toBe(false);
  });
});
