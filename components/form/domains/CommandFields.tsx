/** Command: the evaluator program, its timeout and batch mode. */
import { Field } from "../Field";
import type { SectionProps } from "../sections/props";

export function CommandFields({ s, set, err }: SectionProps) {
  return (
    <>
      <Field
        label="Command"
        value={s.command}
        onChange={(e) => set({ command: e.target.value })}
        error={err("domain.command")}
        mono
        spellCheck={false}
        hint={
          <>
            Run without a shell, in a clean environment. Reads <code className="font-mono">{`{"id", "genome"}`}</code> as JSON on stdin and prints{" "}
            <code className="font-mono">{`{"fitness", "descriptors"?, "metrics"?}`}</code> as its last line of stdout; stderr becomes the logs.
          </>
        }
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Timeout (ms)" type="number" min={1} value={s.commandTimeout} onChange={(e) => set({ commandTimeout: e.target.value })} error={err("domain.timeoutMs")} hint="Per invocation; the whole process group is killed." />
        <label className="flex items-start gap-2 pt-6 text-sm">
          <input type="checkbox" className="mt-0.5" checked={s.commandBatch} onChange={(e) => set({ commandBatch: e.target.checked })} />
          <span>
            <span className="font-medium text-slate-700 dark:text-slate-300">Batch mode</span>
            <span className="mt-0.5 block text-xs text-slate-500 dark:text-slate-400">
              One invocation per batch: <code className="font-mono">{`{"candidates": […]}`}</code> in, <code className="font-mono">{`{"results": […]}`}</code> out.
            </span>
          </span>
        </label>
      </div>
    </>
  );
}
