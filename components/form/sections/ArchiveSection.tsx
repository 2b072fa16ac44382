/** Archive: the registered kinds (grid, CVT, search archives) and how many cells that makes. The only place of the form that knows archive kinds. */
import { Section } from "../Field";
import { ArchiveFields, EngineOnlyArchives } from "../ArchiveFields";
import { archivePreview } from "../form-config";
import { changeArchive, changeArchiveParam } from "../form-state";
import type { SectionProps } from "./props";

export function ArchiveSection({ s, set, err }: SectionProps) {
  return (
    <Section title="Archive" description="A grid of bins over the descriptor box, CVT cells (k-means centroids) for many descriptors, or a search archive (novelty, density, discount model) with a result grid.">
      <ArchiveFields
        type={s.archive}
        params={s.archiveParams}
        onType={(archive) => set((st) => changeArchive(st, archive))}
        onParam={(k, v) => set((st) => changeArchiveParam(st, k, v))}
        error={err}
      />
      <p data-testid="archive-preview" className="rounded-md bg-slate-50 px-3 py-2 text-sm font-medium tabular-nums text-slate-700 dark:bg-slate-900 dark:text-slate-300" aria-live="polite">
        {archivePreview(s)}
      </p>
      <EngineOnlyArchives />
    </Section>
  );
}
