/** External evaluator (ask/tell): the genome's bounds (its length is the Dimensions field above). */
import { Field } from "../Field";
import type { SectionProps } from "../sections/props";

export function ExternalFields({ s, set, err }: SectionProps) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field label="Gene lower bound" type="number" step="any" value={s.boundsLo} onChange={(e) => set({ boundsLo: e.target.value })} error={err("domain.bounds.0") ?? err("domain.bounds")} />
      <Field label="Gene upper bound" type="number" step="any" value={s.boundsHi} onChange={(e) => set({ boundsHi: e.target.value })} error={err("domain.bounds.1")} />
    </div>
  );
}
