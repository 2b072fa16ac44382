/** Domain: the kind (options from lib/registry/domains), its size or task, and the kind's own fields (./domains). */
import { TASK_CATALOG, TASK_NAMES } from "@/lib/tasks/catalog";
import { domainKindOf } from "@/lib/registry/domains";
import { Field, Section, SelectField } from "../Field";
import { DOMAIN_FIELDS } from "../domains";
import { GenomeFields } from "../domains/GenomeFields";
import { changeDomain, changeSize, changeTask, DOMAINS, type DomainType } from "../form-state";
import type { SectionProps } from "./props";

export function DomainSection(props: SectionProps) {
  const { s, set, d, err } = props;
  const KindSection = DOMAIN_FIELDS[s.domain];
  const kind = domainKindOf({ type: s.domain });
  // Vector domains' genome size from the registry (user evaluators ask for it under Genome).
  const sizeField = kind.evaluation !== "user" ? kind.fields.find((f) => f.key === kind.sizeKey) : undefined;
  return (
    <Section title="Domain" description="What a solution is and how it is evaluated. Built-in benchmarks follow pyribs exactly; LLM runs evolve programs for a shipped task, or texts judged by the model.">
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField label="Domain" value={s.domain} onChange={(v) => set((st) => changeDomain(st, v as DomainType))} options={DOMAINS} />
        {sizeField && (
          <Field
            label={sizeField.label}
            type="number"
            min={1}
            value={s.size}
            onChange={(e) => set((st) => changeSize(st, e.target.value))}
            error={err(`domain.${sizeField.key}`)}
            hint={sizeField.help}
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
