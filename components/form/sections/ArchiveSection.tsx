/** Archive: grid or CVT, and how many cells that makes. The only place of the form that knows archive kinds. */
import { Field, Section } from "../Field";
import { archivePreview } from "../form-config";
import type { SectionProps } from "./props";

export function ArchiveSection({ s, set, err }: SectionProps) {
  return (
    <Section title="Archive" description="A grid of bins over the descriptor box, or CVT cells (k-means centroids) for many descriptors.">
      <fieldset className="flex gap-6 text-sm">
        <legend className="sr-only">Archive type</legend>
        {(["grid", "cvt"] as const).map((t) => (
          <label key={t} className="flex items-center gap-2">
            <input type="radio" name="archive" value={t} checked={s.archive === t} onChange={() => set({ archive: t })} />
            {t === "grid" ? "Grid" : "CVT"}
          </label>
        ))}
      </fieldset>
      {s.archive === "cvt" && <Field label="CVT cells" type="number" min={1} value={s.cvtCells} onChange={(e) => set({ cvtCells: e.target.value })} error={err("archive.cells") ?? err("archive")} className="max-w-xs" />}
      <p data-testid="archive-preview" className="rounded-md bg-slate-50 px-3 py-2 text-sm font-medium tabular-nums text-slate-700 dark:bg-slate-900 dark:text-slate-300" aria-live="polite">
        {archivePreview(s)}
      </p>
    </Section>
  );
}
