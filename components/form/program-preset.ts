/**
 * A stored `program` domain turned back into the form's program fields (cloning a program run, or
 * a template): the inverse of `programDomain` in ProgramFields.tsx. A plain module (no "use client"),
 * because the page builds presets on the server. Settings the fields cannot show are returned as
 * `unshown` paths, so the page says they will take their defaults.
 */
import type { ProgramState } from "./ProgramFields";
import { FeedbackConfig, ProgramCommandEvaluator, ProgramOpenEvolveEvaluator } from "@/lib/evaluators/program-schema";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const s = (v: unknown): string => (v === undefined || v === null ? "" : String(v));

/** Domain keys the program fields show (anything else is unshown). */
const SHOWN_DOMAIN = ["type", "language", "initialProgram", "evaluator", "description", "systemMessage", "feedback"];
const SHOWN_EVALUATOR = ["type", "command", "evaluatorFile", "path", "cwd", "env", "timeoutMs", "stages", "cascadeThresholds"];
const SHOWN_FEEDBACK = ["metrics", "artifacts", "logs", "failedChildren"];
const DOMAIN_DEFAULTS: Json = { files: {}, qdScoreOffset: 0 };

/** The fields set by the stored domain; the form fills the others (e.g. the command of an OpenEvolve run) from its example. */
export function programPreset(d: Json): { program: Partial<ProgramState>; unshown: string[] } {
  const ev = (d.evaluator ?? {}) as Json;
  const fb = (d.feedback ?? {}) as Json;
  const unshown: string[] = [];
  // Stored configurations carry every default: only settings that differ from theirs are worth a word.
  const check = (obj: Json, keys: string[], defaults: Json, prefix: string) => {
    for (const [k, v] of Object.entries(obj)) if (v !== undefined && !keys.includes(k) && JSON.stringify(v) !== JSON.stringify(defaults[k])) unshown.push(prefix + k);
  };
  check(d, SHOWN_DOMAIN, DOMAIN_DEFAULTS, "domain.");
  check(fb, SHOWN_FEEDBACK, FeedbackConfig.parse({}), "domain.feedback.");
  if (ev.type === "command") check(ev, SHOWN_EVALUATOR, ProgramCommandEvaluator.parse({ type: "command", command: "x" }), "domain.evaluator.");
  else if (ev.type === "openevolve") check(ev, SHOWN_EVALUATOR, ProgramOpenEvolveEvaluator.parse({ type: "openevolve", evaluatorFile: "x" }), "domain.evaluator.");
  else unshown.push(`domain.evaluator (a ${s(ev.type) || "missing"} evaluator)`);
  // Command stages: the form's thresholds are those of stages 1..n-1 (the last stage has none).
  const stages = Array.isArray(ev.stages) ? (ev.stages as Json[]) : [];
  if (stages.some((st) => st.timeoutMs !== undefined)) unshown.push("domain.evaluator.stages[].timeoutMs");
  const thresholds = ev.type === "command" ? stages.map((st) => st.threshold).filter((t) => typeof t === "number") : Array.isArray(ev.cascadeThresholds) ? ev.cascadeThresholds : [];
  const env = ev.env && typeof ev.env === "object" ? Object.entries(ev.env as Record<string, unknown>).map(([k, v]) => `${k}=${s(v)}`).join("\n") : "";
  const evaluatorKind = ev.type === "command" ? "command" : ev.path ? "openevolve-path" : "openevolve-source";
  return {
    program: {
      language: s(d.language) || "python",
      initialProgram: s(d.initialProgram),
      evaluatorKind,
      ...(evaluatorKind === "openevolve-source" ? { evaluatorSource: s(ev.evaluatorFile) } : {}),
      ...(evaluatorKind === "openevolve-path" ? { evaluatorPath: s(ev.path) } : {}),
      ...(evaluatorKind === "command" ? { command: s(ev.command) } : {}),
      cwd: s(ev.cwd),
      env,
      timeoutMs: s(ev.timeoutMs),
      thresholds: thresholds.join(", "),
      description: s(d.description),
      systemMessage: s(d.systemMessage),
      feedbackMetrics: fb.metrics !== false,
      feedbackArtifacts: fb.artifacts !== false,
      feedbackLogs: fb.logs !== false,
      failedChildren: fb.failedChildren === undefined ? "3" : s(fb.failedChildren),
    },
    unshown,
  };
}
