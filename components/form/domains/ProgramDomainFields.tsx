/** Your program (LLM, any language): the ProgramFields editor over the form's state. */
import { ProgramFields } from "../ProgramFields";
import type { SectionProps } from "../sections/props";

export function ProgramDomainFields({ s, set, err }: SectionProps) {
  return <ProgramFields value={s.program} onChange={(program) => set({ program })} err={err} />;
}
