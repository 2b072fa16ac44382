"use client";
/**
 * The program domain's fields in the new-experiment form: language, initial program (highlighted),
 * evaluator (an OpenEvolve evaluator.py, or a command), working directory, environment, timeout,
 * cascade thresholds, what the model is told, and which evaluator feedback goes into prompts.
 * The state lives in the form; `programDomain(state)` turns it into the API's `domain`.
 */
import { LANGUAGES } from "@/lib/evaluators/program-languages";
import { Field, SelectField, TextAreaField } from "./Field";
import { CodeEditor } from "./CodeEditor";

export type ProgramEvaluatorKind = "openevolve-source" | "openevolve-path" | "command";

export interface ProgramState {
  language: string;
  initialProgram: string;
  evaluatorKind: ProgramEvaluatorKind;
  evaluatorSource: string;
  evaluatorPath: string;
  command: string;
  cwd: string;
  /** NAME=value lines. */
  env: string;
  timeoutMs: string;
  /** Comma-separated: OpenEvolve's cascade_thresholds, or the thresholds of command stages 1..n. */
  thresholds: string;
  description: string;
  systemMessage: string;
  feedbackMetrics: boolean;
  feedbackArtifacts: boolean;
  feedbackLogs: boolean;
  failedChildren: string;
}

/** A small working example (examples/evolve-program has the full one). */
export const PROGRAM_EXAMPLE: ProgramState = {
  language: "python",
  initialProgram: `import math
import random


# EVOLVE-BLOCK-START
def search(iterations=2000, bounds=(-5.12, 5.12)):
    """Plain random search: returns (x, y, value) of the best point seen."""
    best = None
    for _ in range(iterations):
        x = random.uniform(*bounds)
        y = random.uniform(*bounds)
        value = objective(x, y)
        if best is None or value < best[2]:
            best = (x, y, value)
    return best
# EVOLVE-BLOCK-END


def objective(x, y):
    dx, dy = x - 1.0, y + 0.5
    return 20 + dx * dx - 10 * math.cos(2 * math.pi * dx) + dy * dy - 10 * math.cos(2 * math.pi * dy)


def run(iterations=2000):
    return search(iterations)
`,
  evaluatorKind: "openevolve-source",
  evaluatorSource: `import importlib.util, math, random
from openevolve.evaluation_result import EvaluationResult


def evaluate(program_path):
    spec = importlib.util.spec_from_file_location("program", program_path)
    program = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(program)
    values = []
    for seed in range(5):
        random.seed(seed)
        x, y, value = program.run(2000)
        values.append(program.objective(x, y))
    best = min(values)
    return EvaluationResult(
        metrics={"combined_score": sum(1 / (1 + v) for v in values) / len(values), "best_value": best},
        artifacts={"values": ", ".join(f"{v:.4f}" for v in values)},
    )
`,
  evaluatorPath: "",
  command: "python3 evaluate.py",
  cwd: "",
  env: "",
  timeoutMs: "60000",
  thresholds: "",
  description: "Find the global minimum of a shifted 2-D Rastrigin function; run(iterations) returns (x, y, value).",
  systemMessage: "",
  feedbackMetrics: true,
  feedbackArtifacts: true,
  feedbackLogs: true,
  failedChildren: "3",
};

const toNum = (s: string): number | undefined => (s.trim() === "" ? undefined : Number(s));

function parseEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const eq = line.indexOf("=");
    // A line without "=" keeps its name, so the schema can say what is wrong with it.
    out[(eq < 0 ? line : line.slice(0, eq)).trim()] = eq < 0 ? "" : line.slice(eq + 1);
  }
  return out;
}

const numbers = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean).map(Number);

/** The API's `domain` for the form's state. */
export function programDomain(p: ProgramState) {
  const common = { cwd: p.cwd.trim() || undefined, env: parseEnv(p.env), timeoutMs: toNum(p.timeoutMs) };
  const thresholds = numbers(p.thresholds);
  const evaluator =
    p.evaluatorKind === "command"
      ? { type: "command", command: p.command, ...common, ...(thresholds.length ? { stages: [...thresholds.map((threshold) => ({ threshold })), {}] } : {}) }
      : {
          type: "openevolve",
          ...(p.evaluatorKind === "openevolve-source" ? { evaluatorFile: p.evaluatorSource } : { path: p.evaluatorPath.trim() }),
          ...common,
          ...(thresholds.length ? { cascadeThresholds: thresholds } : {}),
        };
  return {
    type: "program",
    language: p.language,
    initialProgram: p.initialProgram,
    evaluator,
    ...(p.description.trim() ? { description: p.description } : {}),
    ...(p.systemMessage.trim() ? { systemMessage: p.systemMessage } : {}),
    feedback: { metrics: p.feedbackMetrics, artifacts: p.feedbackArtifacts, logs: p.feedbackLogs, failedChildren: toNum(p.failedChildren) },
  };
}

interface Props {
  value: ProgramState;
  onChange(next: ProgramState): void;
  err(path: string): string | undefined;
}

export function ProgramFields({ value: p, onChange, err }: Props) {
  const set = <K extends keyof ProgramState>(k: K, v: ProgramState[K]) => onChange({ ...p, [k]: v });
  const evErr = (k: string) => err(`domain.evaluator.${k}`);
  return (
    <div className="space-y-4" data-testid="program-fields">
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField label="Language" value={p.language} onChange={(v) => set("language", v)} options={LANGUAGES.map((l) => ({ value: l.id, label: l.name }))} hint="Prompts, code fences and highlighting follow it." />
        <SelectField
          label="Evaluator"
          value={p.evaluatorKind}
          onChange={(v) => set("evaluatorKind", v as ProgramEvaluatorKind)}
          options={[
            { value: "openevolve-source", label: "OpenEvolve evaluator.py (paste it)" },
            { value: "openevolve-path", label: "OpenEvolve evaluator.py (path on the workers)" },
            { value: "command", label: "Command (any language)" },
          ]}
        />
      </div>
      <CodeEditor
        label="Initial program"
        language={p.language}
        value={p.initialProgram}
        onChange={(v) => set("initialProgram", v)}
        error={err("domain.initialProgram")}
        rows={Math.min(24, Math.max(10, p.initialProgram.split("\n").length + 1))}
        hint="Lines between EVOLVE-BLOCK-START and EVOLVE-BLOCK-END comments are the only ones the model may change (when the markers are there)."
      />
      {p.evaluatorKind === "openevolve-source" && (
        <CodeEditor
          label="evaluator.py"
          language="python"
          value={p.evaluatorSource}
          onChange={(v) => set("evaluatorSource", v)}
          error={evErr("evaluatorFile") ?? err("domain.evaluator")}
          rows={Math.min(20, Math.max(8, p.evaluatorSource.split("\n").length + 1))}
          hint="evaluate(program_path) and optionally evaluate_stage1/2/3, returning a dict or an EvaluationResult. Runs unchanged: QD Studio's harness provides openevolve.evaluation_result."
        />
      )}
      {p.evaluatorKind === "openevolve-path" && (
        <Field label="evaluator.py path" value={p.evaluatorPath} onChange={(e) => set("evaluatorPath", e.target.value)} error={evErr("path") ?? evErr("evaluatorFile") ?? err("domain.evaluator")} mono placeholder="/srv/tasks/evaluator.py" hint="Absolute, or relative to the working directory below. Read on the workers." />
      )}
      {p.evaluatorKind === "command" && (
        <Field
          label="Command"
          value={p.command}
          onChange={(e) => set("command", e.target.value)}
          error={evErr("command") ?? err("domain.evaluator")}
          mono
          spellCheck={false}
          hint={
            <>
              Runs without a shell with the program&apos;s path appended (also in <code className="font-mono">PROGRAM_PATH</code>; the stage in <code className="font-mono">QD_STAGE</code>). Prints{" "}
              <code className="font-mono">{`{"metrics", "combined_score" | "fitness", "artifacts"?}`}</code> as its last stdout line.
            </>
          }
        />
      )}
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Working directory" value={p.cwd} onChange={(e) => set("cwd", e.target.value)} error={evErr("cwd")} mono placeholder="a fresh one per candidate" hint="Where the evaluator runs (on the workers)." />
        <Field label="Timeout per stage (ms)" type="number" min={100} value={p.timeoutMs} onChange={(e) => set("timeoutMs", e.target.value)} error={evErr("timeoutMs")} />
        <Field
          label="Cascade thresholds"
          value={p.thresholds}
          onChange={(e) => set("thresholds", e.target.value)}
          error={evErr("cascadeThresholds") ?? evErr("stages")}
          mono
          placeholder={p.evaluatorKind === "command" ? "none: one stage" : "0.5, 0.75, 0.9"}
          hint={p.evaluatorKind === "command" ? "Comma-separated; n thresholds make n + 1 stages." : "Stage N+1 runs when stage N scores at least threshold N."}
        />
      </div>
      <TextAreaField label="Environment" value={p.env} onChange={(v) => set("env", v)} error={evErr("env")} rows={2} mono placeholder="NAME=value, one per line" hint="Nothing of the workers' own environment is passed to the evaluator." />
      <TextAreaField label="Description" value={p.description} onChange={(v) => set("description", v)} error={err("domain.description")} rows={2} hint="What the program must do and how it is scored; in every prompt." />
      <TextAreaField label="System message" value={p.systemMessage} onChange={(v) => set("systemMessage", v)} error={err("domain.systemMessage")} rows={2} placeholder="Default: an expert programmer in the language above." />
      <fieldset className="space-y-1.5 text-sm">
        <legend className="mb-1 font-medium text-slate-700 dark:text-slate-300">Evaluator feedback in prompts</legend>
        <div className="flex flex-wrap items-center gap-x-5 gap-y-2">
          {(
            [
              ["feedbackMetrics", "parent's metrics"],
              ["feedbackArtifacts", "parent's artifacts"],
              ["feedbackLogs", "parent's output (tail)"],
            ] as const
          ).map(([k, label]) => (
            <label key={k} className="flex items-center gap-2">
              <input type="checkbox" checked={p[k]} onChange={(e) => set(k, e.target.checked)} />
              {label}
            </label>
          ))}
          <label className="flex items-center gap-2">
            last
            <input type="number" min={0} max={10} aria-label="failed children shown" className="w-14 rounded border border-slate-300 px-1 py-0.5 dark:border-slate-700 dark:bg-slate-950" value={p.failedChildren} onChange={(e) => set("failedChildren", e.target.value)} />
            failed children, with why
          </label>
        </div>
      </fieldset>
    </div>
  );
}
