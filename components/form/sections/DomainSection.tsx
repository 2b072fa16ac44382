/** Domain: the kind, its size or task, and the kind's own fields (./domains). */
import { TASK_CATALOG, TASK_NAMES } from "@/lib/tasks/catalog";
import { Field, Section, SelectField } from "../Field";
import { DOMAIN_FIELDS } from "../domains";
import { GenomeFields } from "../domains/GenomeFields";
import { changeDomain, changeSize, changeTask, DOMAINS, type DomainType } from "../form-state";
import type { SectionProps } from "./props";

export function DomainSection(props: SectionProps) {
  const { s, set, d, err } = props;
  const KindSection = DOMAIN_FIELDS[s.domain];
  return (
    <Section title="Domain" description="What a solution is and how it is evaluated. Built-in benchmarks follow pyribs exactly; LLM runs evolve programs for a shipped task, or texts judged by the model.">
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField label="Domain" value={s.domain} onChange={(v) => set((st) => changeDomain(st, v as DomainType))} options={DOMAINS} />
        {!d.userDomain && !d.llmDomain && (
          <Field
            label={s.domain === "arm" ? "Joints" : "Dimensions"}
            type="number"
            min={1}
            value={s.size}
            onChange={(e) => set((st) => changeSize(st, e.target.value))}
            error={err(s.domain === "arm" ? "domain.joints" : "domain.dim")}
            hint={s.domain === "arm" ? "Links have length 1/n." : "Genome length n."}
          />
        )}
        {s.domain === "llm-code" && (
          <SelectField label="Task" value={s.task} onChange={(v) => set((st) => changeTask(st, v))} options={TASK_NAMES.map((t) => ({ value: t, label: TASK_CATALOG[t]!.title.split(" (")[0]! }))} />
        )}
      </div>
      {KindSection && <KindSection {...props} />}
      {d.userDomain && <GenomeFields {...props} />}
    </Section>
  );
}
