/**
 * Artifacts (named texts an evaluator returns besides its metrics: a traceback, a compiler error,
 * "failing test: ...") are stored with the candidate's logs, one section each, so they need no
 * column of their own and show in the elite panel's logs:
 *
 *   <stderr tail>
 *   --- artifact: traceback ---
 *   Traceback (most recent call last): ...
 *
 * `splitLogs` reads them back for the next prompt's feedback. Browser-safe.
 */
const HEADER = /^--- artifact: (.{1,200}?) ---$/gm;

export function formatArtifacts(artifacts: Record<string, string>, maxChars = 16 * 1024): string {
  return Object.entries(artifacts)
    .map(([name, text]) => `--- artifact: ${name.replace(/\n/g, " ")} ---\n${text.length > maxChars ? text.slice(0, maxChars) + `\n… (${text.length - maxChars} more characters)` : text}`)
    .join("\n");
}

/** Logs with artifacts appended (either may be empty). */
export function withArtifacts(logs: string | undefined, artifacts: Record<string, string> | undefined, maxChars?: number): string | undefined {
  const parts = [logs?.replace(/\s+$/, ""), artifacts && Object.keys(artifacts).length ? formatArtifacts(artifacts, maxChars) : ""].filter(Boolean);
  return parts.length ? parts.join("\n") : undefined;
}

/** The plain logs and the artifacts of a stored candidate's logs. */
export function splitLogs(logs: string | null | undefined): { logs: string; artifacts: Record<string, string> } {
  const text = logs ?? "";
  const artifacts: Record<string, string> = {};
  const heads = [...text.matchAll(HEADER)];
  if (!heads.length) return { logs: text, artifacts };
  heads.forEach((m, i) => {
    const start = m.index! + m[0].length + 1;
    const end = i + 1 < heads.length ? heads[i + 1]!.index! - 1 : text.length;
    artifacts[m[1]!] = text.slice(start, Math.max(start, end));
  });
  return { logs: text.slice(0, Math.max(0, heads[0]!.index! - 1)), artifacts };
}
