import { describe, expect, it } from "vitest";
import { ExperimentSpec } from "@/lib/experiments/config";
import { PROGRAM_EXAMPLE, programDomain } from "./ProgramFields";
import { presetFromConfig } from "./preset";

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

describe("cloning a program run pre-fills the program fields", () => {
  const stored = (domain: unknown, descriptors?: unknown) =>
    ExperimentSpec.parse({ name: "p", domain, ...(descriptors ? { descriptors } : {}), emitter: { type: "llm", baseURL: "http://127.0.0.1:8000/v1", model: "m", mode: "diff" }, batchSize: 2, budget: { evaluations: 10 } });

  it("an OpenEvolve run comes back as the same domain, with nothing reported unshown", () => {
    const edited = { ...PROGRAM_EXAMPLE, language: "python", thresholds: "0.4, 0.8", env: "SEED=1", cwd: "/srv/task", timeoutMs: "9000", description: "minimise", systemMessage: "You write Python.", feedbackLogs: false, failedChildren: "5" };
    const config = stored(programDomain(edited)) as unknown as Record<string, unknown>;
    const p = presetFromConfig(config);
    expect(p.domain).toBe("program");
    expect({ ...PROGRAM_EXAMPLE, ...p.program }).toEqual(edited);
    expect(p.unshown.filter((k) => k.startsWith("domain."))).toEqual([]);
    expect(stored(programDomain({ ...PROGRAM_EXAMPLE, ...p.program })).domain).toEqual((config as { domain: unknown }).domain);
  });

  it("a command run with stages keeps its command and thresholds; settings without a field are listed", () => {
    const edited = { ...PROGRAM_EXAMPLE, evaluatorKind: "command" as const, command: "python3 eval.py --fast", thresholds: "0.3" };
    const config = stored({ ...programDomain(edited), files: { "data.csv": "1,2" } }) as unknown as Record<string, unknown>;
    const p = presetFromConfig(config);
    expect(p.program).toMatchObject({ evaluatorKind: "command", command: "python3 eval.py --fast", thresholds: "0.3", initialProgram: PROGRAM_EXAMPLE.initialProgram });
    expect(p.unshown.filter((k) => k.startsWith("domain."))).toEqual(["domain.files"]);
  });

  it("an auto-range descriptor row comes back as auto", () => {
    const config = stored(programDomain(PROGRAM_EXAMPLE), [{ name: "length", metric: "codeLength", range: "auto", bins: 10 }]) as unknown as Record<string, unknown>;
    expect(presetFromConfig(config).rows).toEqual([expect.objectContaining({ name: "length", metric: "codeLength", auto: true, bins: "10" })]);
  });
});
