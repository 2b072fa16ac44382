/** LLM code: the shipped task's card, seed programs and the sandbox limits of a program run. */
import { TASK_CATALOG } from "@/lib/tasks/catalog";
import { Field } from "../Field";
import { SeedList } from "../SeedList";
import type { SectionProps } from "../sections/props";

export function LlmCodeFields({ s, set, err, issues }: SectionProps) {
  const t = TASK_CATALOG[s.task]!;
  return (
    <>
      <div className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2.5 text-sm dark:border-slate-800 dark:bg-slate-900" data-testid="task-info">
        <p className="mb-1 font-medium">{t.title}</p>
        <p>
          <span className="text-slate-500 dark:text-slate-400">The LLM writes </span>
          <code className="font-mono text-xs">{t.entry}()</code>
          <span className="text-slate-500 dark:text-slate-400">; fitness: </span>
          {t.objective}.
        </p>
        {t.reference && (
          <p className="mt-1">
            <span className="text-slate-500 dark:text-slate-400">Best known: </span>
            <span className="font-medium tabular-nums">{t.reference.fitness}</span>
            <span className="text-slate-500 dark:text-slate-400"> ({t.reference.source})</span>
          </p>
        )}
        <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
          Metrics for descriptors: {t.metrics.map((m, i) => (
            <span key={m.name}>
              {i > 0 && ", "}
              <code className="font-mono text-slate-700 dark:text-slate-300">{m.name}</code> ({m.description})
            </span>
          ))}
          .
        </p>
      </div>
      <SeedList
        kind="program"
        seeds={s.codeSeeds}
        onChange={(codeSeeds) => set({ codeSeeds })}
        errors={issues}
        empty={`No seed programs: the run starts from the task's starter program. Add your own programs defining ${t.entry}() to start from them instead.`}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Program timeout (ms)" type="number" min={100} value={s.taskTimeout} onChange={(e) => set({ taskTimeout: e.target.value })} error={err("domain.timeoutMs")} hint="Per program run, in the sandbox." />
        <Field label="Program memory (MB)" type="number" min={16} value={s.taskMemory} onChange={(e) => set({ taskMemory: e.target.value })} error={err("domain.memoryMb")} />
      </div>
    </>
  );
}
