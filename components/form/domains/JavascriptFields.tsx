/** JavaScript function: the sandboxed evaluate(genome) and its limits. */
import { CodeEditor } from "../CodeEditor";
import { Field } from "../Field";
import type { SectionProps } from "../sections/props";

export function JavascriptFields({ s, set, err }: SectionProps) {
  return (
    <>
      <CodeEditor
        label="evaluate(genome)"
        value={s.code}
        onChange={(code) => set({ code })}
        error={err("domain.code")}
        rows={Math.min(24, Math.max(12, s.code.split("\n").length + 1))}
        hint="Runs in a sandbox (no network, files or process). Tab indents, Shift+Tab dedents; Escape, then Tab, leaves the editor."
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Timeout (ms)" type="number" min={1} value={s.jsTimeout} onChange={(e) => set({ jsTimeout: e.target.value })} error={err("domain.timeoutMs")} hint="Per candidate." />
        <Field label="Memory limit (MB)" type="number" min={8} value={s.jsMemory} onChange={(e) => set({ jsMemory: e.target.value })} error={err("domain.memoryMb")} />
      </div>
    </>
  );
}
