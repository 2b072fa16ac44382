"use client";
/**
 * The form's archive choice and parameters, served by the archive registry: a kind's label, help and
 * fields come from its module, so adding a kind adds it here with no form code.
 */
import { KindFields } from "./KindFields";
import { FORM_ARCHIVES, type ArchiveParams } from "./archive-params";

export function ArchiveFields({ type, params, onType, onParam, error }: { type: string; params: ArchiveParams; onType(t: string): void; onParam(key: string, value: string): void; error(path: string): string | undefined }) {
  const kind = FORM_ARCHIVES.find((k) => k.type === type) ?? FORM_ARCHIVES[0]!;
  return (
    <>
      <fieldset className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
        <legend className="sr-only">Archive type</legend>
        {FORM_ARCHIVES.map((k) => (
          <label key={k.type} className="flex items-center gap-2">
            <input type="radio" name="archive" value={k.type} checked={kind.type === k.type} onChange={() => onType(k.type)} />
            {k.label}
          </label>
        ))}
      </fieldset>
      <p className="text-sm text-slate-600 dark:text-slate-400">{kind.help}</p>
      {error("archive.type") && <p className="text-sm text-rose-600 dark:text-rose-400">{error("archive.type")}</p>}
      {kind.fields.length > 0 && (
        <div className="grid max-w-2xl gap-3 sm:grid-cols-2">
          <KindFields kind={kind} values={params[kind.type] ?? {}} onChange={onParam} error={(p) => error(p) ?? (p === "archive.cells" ? error("archive") : undefined)} prefix="archive" />
        </div>
      )}
    </>
  );
}
