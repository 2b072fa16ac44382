/** LLM text: what the texts should be, how the judge rates them, and the seed texts. */
import { Field, TextAreaField } from "../Field";
import { SeedList } from "../SeedList";
import type { SectionProps } from "../sections/props";

export function LlmTextFields({ s, set, err, issues }: SectionProps) {
  return (
    <>
      <TextAreaField label="Description" value={s.description} onChange={(description) => set({ description })} error={err("domain.description")} rows={2} hint="What the texts should be. The LLM writes variations; the judge scores them against it." />
      <TextAreaField
        label="Quality rubric"
        value={s.qualityRubric}
        onChange={(qualityRubric) => set({ qualityRubric })}
        error={err("domain.qualityRubric")}
        rows={2}
        placeholder="Optional. Default: how well the text fulfils the description."
        hint="How the judge rates quality, the fitness of a text (0–10, scaled to 0–1)."
      />
      <Field label="Judge model" value={s.judgeModel} onChange={(e) => set({ judgeModel: e.target.value })} error={err("domain.judgeModel")} placeholder="the emitter's model" mono hint="Optional. Another model of the same provider, called at temperature 0." />
      <SeedList kind="text" seeds={s.textSeeds} onChange={(textSeeds) => set({ textSeeds })} errors={issues} />
    </>
  );
}
