/**
 * Evaluator feedback for the next prompt about a parent: what its evaluation said (metrics, text
 * included; artifacts; the tail of its logs) and how its latest children failed, each part
 * bounded in size. Which parts are gathered is the experiment's `domain.feedback` (workers read
 * the rows, see workers/program-feedback.ts); this module only renders them. Pure.
 */
export interface FailedChild {
  status: "failed" | "invalid";
  /** Why it failed, as stored with the candidate. */
  reason: string;
  /** Tail of its logs (stderr) and its artifacts (traceback, …). */
  logs?: string;
  artifacts?: Record<string, string>;
  /** Its change against the parent (unified diff), when known. */
  diff?: string;
}

export interface PromptFeedback {
  /** The parent's artifacts, by name. */
  artifacts?: Record<string, string>;
  /** The tail of the parent's logs. */
  logs?: string;
  /** The parent's latest failed or invalid children, newest first. */
  failedChildren?: FailedChild[];
  /** Bound of each part, in characters (default 2,000). */
  maxChars?: number;
}

/** The last `max` characters of a text, cut at a line start. */
export function tailOf(text: string, max: number): string {
  const t = text.replace(/\s+$/, "");
  if (t.length <= max) return t;
  const cut = t.slice(-max);
  const nl = cut.indexOf("\n");
  return "… " + (nl >= 0 && nl < cut.length - 1 ? cut.slice(nl + 1) : cut);
}

/** The first `max` characters of a text. */
export function headOf(text: string, max: number): string {
  const t = text.replace(/\s+$/, "");
  return t.length <= max ? t : t.slice(0, max) + ` … (${t.length - max} more characters)`;
}

function block(body: string): string {
  const ticks = body.includes("```") ? "````" : "```";
  return `${ticks}\n${body}\n${ticks}`;
}

function artifactLines(artifacts: Record<string, string>, max: number): string[] {
  const entries = Object.entries(artifacts).filter(([, v]) => v.trim());
  if (!entries.length) return [];
  const each = Math.max(200, Math.floor(max / entries.length));
  return entries.map(([k, v]) => (v.includes("\n") || v.length > 120 ? `- ${k}:\n${block(tailOf(v, each))}` : `- ${k}: ${v.trim()}`));
}

/** The feedback sections of a prompt ("" when there is nothing to say). */
export function renderFeedback(fb: PromptFeedback | null | undefined, what = "program"): string {
  if (!fb) return "";
  const max = fb.maxChars ?? 2000;
  const parts: string[] = [];
  const own: string[] = [];
  const art = artifactLines(fb.artifacts ?? {}, max);
  if (art.length) own.push("Artifacts:\n" + art.join("\n"));
  if (fb.logs?.trim()) own.push(`Output (last lines):\n${block(tailOf(fb.logs, max))}`);
  if (own.length) parts.push(`# Evaluation of the parent ${what}\n${own.join("\n\n")}`);
  const kids = fb.failedChildren ?? [];
  if (kids.length) {
    parts.push(
      `# Recent failed attempts\nThe latest children of this parent that failed, newest first. Do not repeat their mistakes:\n\n` +
        kids
          .map((k, i) => {
            const lines = [`## Attempt ${i + 1} (${k.status === "invalid" ? "invalid: never evaluated" : "failed evaluation"})`, `Reason: ${headOf(k.reason, max)}`];
            const a = artifactLines(k.artifacts ?? {}, max);
            if (a.length) lines.push("Artifacts:\n" + a.join("\n"));
            if (k.logs?.trim()) lines.push(`Output (last lines):\n${block(tailOf(k.logs, max))}`);
            if (k.diff?.trim()) lines.push(`Its change:\n${block(headOf(k.diff, max))}`);
            return lines.join("\n");
          })
          .join("\n\n"),
    );
  }
  return parts.join("\n\n");
}
