/** Behaviour descriptors: the rows, what each reads for this domain, and a reset to the domain's own. */
import { CODE_MEASURES } from "@/lib/evaluators/code-measures";
import { TASK_CATALOG } from "@/lib/tasks/catalog";
import { Section } from "../Field";
import { DescriptorRows } from "../DescriptorRows";
import { defaultRows } from "../form-state";
import type { SectionProps } from "./props";

const MEASURE_SOURCES: Record<string, string[]> = {
  sphere: ["measure 1: sum of the first n/2 genes", "measure 2: sum of the last n/2 genes"],
  rastrigin: ["measure 1: sum of the first n/2 genes", "measure 2: sum of the last n/2 genes"],
  arm: ["measure 1: end-effector x", "measure 2: end-effector y"],
};

/** Measures of every program, whatever its evaluator reports. */
const PROGRAM_METRICS = [...CODE_MEASURES, { name: "stage", description: "last cascade stage run" }];

function description(domain: string, userDomain: boolean, llmEmitter: boolean): string {
  if (domain === "external") return "Your evaluator reports one value per descriptor, in this order.";
  if (domain === "llm-code")
    return "Row i reads a metric of the task's evaluator (suggested as you type), or is judged by the LLM from a rubric. The defaults are the task's. Values outside the range land in the edge cell.";
  if (domain === "program")
    return "Row i reads a metric of your evaluator (codeLength, codeLines, codeComplexity and editDistance to the initial program are measured for every program), or descriptors[i] of a command's output, or is judged by the LLM from a rubric. Values outside the range land in the edge cell.";
  if (domain === "llm-text") return "The judge places every text on each row from its rubric (what 0 and 1 mean); the value is scaled onto [min, max].";
  if (userDomain)
    return `Row i reads descriptors[i] of your evaluator's result, or the named key of its metrics${llmEmitter ? ", or is judged by the LLM from a rubric" : ""}. Values outside the range land in the edge cell.`;
  return "Row i is the domain's measure i; rename it, change its range or its resolution. Values outside the range land in the edge cell.";
}

export function DescriptorsSection({ s, set, d, issues }: SectionProps) {
  const llmEmitter = d.emitterKind === "llm";
  return (
    <Section title="Behaviour descriptors" description={description(s.domain, d.userDomain, llmEmitter)}>
      <DescriptorRows
        rows={s.rows}
        onChange={(rows) => set({ rows, rowsEdited: true })}
        errors={issues}
        sources={MEASURE_SOURCES[s.domain]}
        showBins={s.archive !== "cvt"}
        showMetric={d.withMetric}
        metricSuggestions={s.domain === "llm-code" ? TASK_CATALOG[s.task]!.metrics : s.domain === "program" ? PROGRAM_METRICS : undefined}
        showRubric={s.domain === "llm-text" ? "required" : llmEmitter}
        showAuto={d.autoRange}
      />
      <div className="flex flex-wrap items-center gap-3">
        {(d.builtIn || d.llmDomain) && s.rowsEdited && (
          <button type="button" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400" onClick={() => set({ rows: defaultRows(s.domain, Number(s.size) || 100, s.task), rowsEdited: false })}>
            {s.domain === "llm-code" ? "Reset to the task's defaults" : "Reset to domain defaults"}
          </button>
        )}
      </div>
    </Section>
  );
}
