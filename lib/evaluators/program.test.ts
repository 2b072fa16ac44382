import { afterEach, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { splitLogs } from "./artifacts";
import { createProgramEvaluator, parseProgramOutput, scoreOf } from "./program";
import type { Evaluator } from "./types";

const evaluators: Evaluator[] = [];
const make = (...a: Parameters<typeof createProgramEvaluator>) => {
  const e = createProgramEvaluator(...a);
  evaluators.push(e);
  return e;
};
afterEach(async () => {
  await Promise.all(evaluators.splice(0).map((e) => e.close()));
});

/** A command evaluator in Python: scores `value = <number>` programs; stage 2 adds a metric. */
const EVALUATE_PY = `
import json, os, sys, time
path = sys.argv[-1]
assert path == os.environ["PROGRAM_PATH"], "argv and PROGRAM_PATH disagree"
stage = int(os.environ["QD_STAGE"])
src = open(path).read()
ns = {}
exec(compile(src, path, "exec"), ns)
if stage == 2 and ns.get("slow"):
    time.sleep(5)
out = {"metrics": {"value": ns["value"], "note": "stage %d ok" % stage, "cwd_has_data": os.path.exists("data.txt")},
       "combined_score": ns["value"] / 10, "artifacts": {"seen": "stage %d saw %d characters" % (stage, len(src))}}
if stage == 2:
    out["metrics"]["precise"] = 1
print("progress line")
print(json.dumps(out))
`;

const domain = (over: Record<string, unknown> = {}) => ({
  type: "program" as const,
  language: "python",
  initialProgram: "value = 1\n",
  files: { "evaluate.py": EVALUATE_PY, "data.txt": "x" },
  evaluator: { type: "command" as const, command: "python3 evaluate.py", cwd: undefined, ...over },
});

describe("program evaluator: command", { timeout: 60_000 }, () => {
  it("gets the program as a file (argv and PROGRAM_PATH) next to the support files; metrics may be text; artifacts go to the logs", async () => {
    const ev = make(domain());
    const [r] = await ev.evaluate([{ id: "a", genome: "value = 7\n" }]);
    expect(r!.ok).toBe(true);
    if (!r!.ok) return;
    expect(r.fitness).toBeCloseTo(0.7);
    expect(r.metrics).toMatchObject({ value: 7, note: "stage 1 ok", cwd_has_data: "true", codeLength: 10, codeLines: 1 });
    expect(splitLogs(r.logs).artifacts).toEqual({ seen: "stage 1 saw 10 characters" });
  });

  it("a failing program fails with the evaluator's traceback in the logs", async () => {
    const ev = make(domain());
    const [r] = await ev.evaluate([{ id: "a", genome: "value = 1 / 0\n" }]);
    expect(r!.ok).toBe(false);
    if (r!.ok) return;
    expect(r.error).toMatch(/exited with code 1: .*ZeroDivisionError/s);
    expect(r.logs).toMatch(/Traceback[\s\S]*ZeroDivisionError/);
  });

  it("cascade: a candidate under stage 1's threshold stops there; the others run stage 2 and merge its metrics", async () => {
    const ev = make(domain({ stages: [{ threshold: 0.5 }, { timeoutMs: 20_000 }] }));
    const [low, high] = await ev.evaluate([
      { id: "low", genome: "value = 2\n" },
      { id: "high", genome: "value = 8\n" },
    ]);
    expect(low).toMatchObject({ ok: true, fitness: 0.2, metrics: { stage: 1, note: "stage 1 ok" } });
    expect((low as { metrics: Record<string, unknown> }).metrics.precise).toBeUndefined();
    expect(high).toMatchObject({ ok: true, fitness: 0.8, metrics: { stage: 2, note: "stage 2 ok", precise: 1 } });
    expect(splitLogs((high as { logs: string }).logs).artifacts.seen).toBe("stage 2 saw 10 characters");
  });

  it("cascade: a later stage that times out keeps the earlier stages' result, marked as failed there", async () => {
    const ev = make(domain({ stages: [{ threshold: 0 }, { timeoutMs: 600 }] }));
    const [r] = await ev.evaluate([{ id: "s", genome: "value = 5\nslow = True\n" }]);
    expect(r).toMatchObject({ ok: true, fitness: 0.5, metrics: { stage: 1, stage2_passed: 0 } });
    const { artifacts } = splitLogs((r as { logs: string }).logs);
    expect(artifacts.failure_stage).toBe("stage2");
    expect(artifacts.stage2_error).toMatch(/timed out after 600 ms/);
  });
});

describe("program evaluator: OpenEvolve evaluators through the shipped harness", { timeout: 60_000 }, () => {
  const EVALUATOR = `
import importlib.util
from openevolve.evaluation_result import EvaluationResult

def load(p):
    spec = importlib.util.spec_from_file_location("program", p)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m

def evaluate(program_path):
    print("this print goes to the logs")
    m = load(program_path)
    if not hasattr(m, "f"):
        return EvaluationResult(metrics={"combined_score": 0.0, "error": "Missing f"}, artifacts={"hint": b"define f(x)"})
    return {"score_a": m.f(1), "score_b": m.f(3), "ok": True}
`;
  const oe = (over: Record<string, unknown> = {}) => ({
    type: "program" as const,
    language: "python",
    initialProgram: "def f(x):\n    return x\n",
    evaluator: { type: "openevolve" as const, evaluatorFile: EVALUATOR, ...over },
  });

  it("evaluate(program_path) runs unchanged; dict metrics average into the fitness; prints become logs", async () => {
    const ev = make(oe());
    const [r, missing] = await ev.evaluate([
      { id: "a", genome: "def f(x):\n    return 2 * x\n" },
      { id: "b", genome: "g = 1\n" },
    ]);
    // OpenEvolve's rule without combined_score: the mean of the numeric metrics (a flag is not a score).
    expect(r).toMatchObject({ ok: true, fitness: 4, metrics: { score_a: 2, score_b: 6, ok: "true" } });
    expect((r as { logs: string }).logs).toContain("this print goes to the logs");
    expect(missing).toMatchObject({ ok: true, fitness: 0, metrics: { error: "Missing f" } });
    expect(splitLogs((missing as { logs: string }).logs).artifacts).toEqual({ hint: "define f(x)" });
  });

  it("a program that raises fails with the traceback as an artifact", async () => {
    const ev = make(oe());
    const [r] = await ev.evaluate([{ id: "a", genome: "def f(x):\n    return undefined_name\n" }]);
    expect(r).toMatchObject({ ok: false, error: "evaluate raised NameError: name 'undefined_name' is not defined" });
    expect(splitLogs((r as { logs: string }).logs).artifacts.traceback).toMatch(/Traceback \(most recent call last\)[\s\S]*line 2, in f/);
  });
});

describe("program output", () => {
  it("fitness, then combined_score, then the mean of numeric metrics (not error, not descriptor metrics)", () => {
    const out = parseProgramOutput({ metrics: { a: 1, b: 3, error: 100, len: 50, why: "x" } });
    expect(out.ok && scoreOf(out, ["len"])).toBe(2);
    expect(parseProgramOutput({ metrics: { combined_score: 0.4, a: 1 } })).toMatchObject({ ok: true });
    const cs = parseProgramOutput({ combined_score: 0.3, metrics: { a: 1 } });
    expect(cs.ok && scoreOf(cs)).toBe(0.3);
    const f = parseProgramOutput({ fitness: 2, combined_score: 0.3 });
    expect(f.ok && scoreOf(f)).toBe(2);
  });

  it("non-finite scores are failures; non-finite metrics are kept as text", () => {
    expect(parseProgramOutput({ combined_score: NaN })).toMatchObject({ ok: false, error: "invalid output: combined_score: must be a finite number, got NaN" });
    expect(parseProgramOutput({ fitness: 1, metrics: { t: Infinity } })).toMatchObject({ ok: true, metrics: { t: "Infinity" } });
    expect(parseProgramOutput({ error: "no f" })).toMatchObject({ ok: false, error: "evaluator reported an error: no f" });
    expect(parseProgramOutput([1])).toMatchObject({ ok: false });
  });
});

describe("webhook and JavaScript program evaluators: the program contract", () => {
  const PROGRAM = "def f(x):\n    if x:\n        return 1\n    return 0\n";
  const domain = (evaluator: Record<string, unknown>) => ({ type: "program", language: "python", initialProgram: PROGRAM, evaluator }) as unknown as Parameters<typeof createProgramEvaluator>[0];

  it("JavaScript: text metrics, combined_score, descriptors and artifacts; the built-in code measures are added", async () => {
    const code = `function evaluate(program) {
      if (program.includes("raise")) return { error: "the program raises", artifacts: { traceback: "ValueError at line 1" } };
      return { metrics: { lines: program.split("\\n").length, verdict: "looks fine" }, combined_score: program.length / 100, descriptors: [2], artifacts: { review: "uses an if" } };
    }`;
    const ev = make(domain({ type: "javascript", code }));
    const [ok, bad] = await ev.evaluate([
      { id: "a", genome: PROGRAM },
      { id: "b", genome: "raise ValueError()" },
    ]);
    expect(ok).toMatchObject({ ok: true, fitness: PROGRAM.length / 100, descriptors: [2], metrics: { lines: 5, verdict: "looks fine", codeLength: PROGRAM.length, codeLines: 4, codeComplexity: 2, editDistance: 0 } });
    expect(splitLogs(ok!.logs).artifacts).toEqual({ review: "uses an if" });
    expect(bad).toMatchObject({ ok: false, error: "evaluator reported an error: the program raises" });
    expect(splitLogs(bad!.logs).artifacts).toEqual({ traceback: "ValueError at line 1" });
  });

  it("webhook: the same contract in the response body; no fitness at all says so", async () => {
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        const { genome } = JSON.parse(body) as { genome: string };
        const out = genome.startsWith("#") ? { metrics: { note: "comment only" } } : { fitness: 7, metrics: { note: "scored", size: genome.length }, artifacts: { stdout: "ran" } };
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const ev = make(domain({ type: "webhook", url, retries: 0 }));
      const [ok, none] = await ev.evaluate([
        { id: "a", genome: PROGRAM.replace("return 0", "return 2") },
        { id: "b", genome: "# nothing" },
      ]);
      expect(ok).toMatchObject({ ok: true, fitness: 7, metrics: { note: "scored", editDistance: 2 } });
      expect(splitLogs(ok!.logs).artifacts).toEqual({ stdout: "ran" });
      expect(none).toMatchObject({ ok: false, error: expect.stringMatching(/no fitness: return fitness or combined_score/) });
    } finally {
      server.close();
    }
  });
});
