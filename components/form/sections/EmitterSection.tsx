/** The emitter in effect: the LLM's section, the user's JSON mutation, or a registered vector kind with its fields (lib/registry/emitters). */
import { emitterKindOf, FORM_EMITTERS } from "@/lib/registry/emitters";
import { schedulerKindOf } from "@/lib/registry/schedulers";
import { CodeEditor } from "../CodeEditor";
import { Field, Section, SelectField } from "../Field";
import { KindFields } from "../KindFields";
import { changeEmitter } from "../form-state";
import { LlmEmitterSection } from "./LlmEmitterSection";
import { PoolFields } from "./PoolFields";
import type { SectionProps } from "./props";

/** The scheduler (e.g. the bandit over CMA chains) and its fields, from lib/registry/schedulers. */
function SchedulerFields({ s, set, d, err }: SectionProps) {
  const kind = schedulerKindOf({ type: s.scheduler });
  return (
    <div className="mt-4 grid gap-4 sm:grid-cols-3" data-testid="scheduler-fields">
      <SelectField
        label="Scheduler"
        value={s.scheduler}
        onChange={(scheduler) => set({ scheduler })}
        options={d.schedulerOptions.map((k) => ({ value: k.type, label: k.label }))}
        hint={err("scheduler.type") ? <span className="text-rose-600 dark:text-rose-400">{err("scheduler.type")}</span> : kind?.help}
      />
      {s.scheduler !== "default" && kind && (
        <KindFields
          kind={kind}
          values={s.schedulerParams[s.scheduler] ?? {}}
          onChange={(key, value) => set((st) => ({ schedulerParams: { ...st.schedulerParams, [st.scheduler]: { ...st.schedulerParams[st.scheduler], [key]: value } } }))}
          error={err}
          prefix="scheduler"
        />
      )}
    </div>
  );
}

export function EmitterSection(props: SectionProps) {
  const { s, set, d, err } = props;
  if (d.emitterKind === "llm") return <LlmEmitterSection {...props} />;
  if (d.emitterKind === "javascript-mutation")
    return (
      <Section title="Emitter" description="Your mutation makes each child from an elite of the archive; the evaluator above scores it.">
        <CodeEditor
          label="mutate(parent, rng)"
          value={s.mutateCode}
          onChange={(mutateCode) => set({ mutateCode })}
          error={err("emitter.code")}
          rows={Math.min(20, Math.max(10, s.mutateCode.split("\n").length + 1))}
          hint="Runs in a sandbox (no network, files or process), seeded per child. Return the child genome (any JSON value)."
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Mutation timeout (ms)" type="number" min={1} value={s.mutateTimeout} onChange={(e) => set({ mutateTimeout: e.target.value })} error={err("emitter.timeoutMs")} />
          <Field label="Mutation memory (MB)" type="number" min={8} value={s.mutateMemory} onChange={(e) => set({ mutateMemory: e.target.value })} error={err("emitter.memoryMb")} />
        </div>
      </Section>
    );
  return (
    <Section title="Emitter" description="How new candidates are made from elites.">
      <div className="grid gap-4 sm:grid-cols-3">
        <SelectField
          label="Emitter"
          value={s.emitter}
          onChange={(v) => set((st) => changeEmitter(st, v))}
          options={FORM_EMITTERS.map((k) => ({ value: k.type, label: k.label }))}
          hint={err("emitter.type") ? <span className="text-rose-600 dark:text-rose-400">{err("emitter.type")}</span> : emitterKindOf({ type: s.emitter }).help}
        />
        <KindFields
          kind={emitterKindOf({ type: s.emitter })}
          values={s.emitterParams[s.emitter] ?? {}}
          onChange={(key, value) => set((st) => ({ emitterParams: { ...st.emitterParams, [st.emitter]: { ...st.emitterParams[st.emitter], [key]: value } } }))}
          error={err}
          prefix="emitter"
        />
      </div>
      {d.schedulerShown && <SchedulerFields {...props} />}
      {d.poolShown && <PoolFields {...props} />}
    </Section>
  );
}
