"use client";
/**
 * The form's archive choice and parameters, served by the archive registry (lib/registry/archives):
 * a kind's label, help and fields come from its module, so adding a kind adds it here with no form code.
 * Kinds the workers cannot run yet ("in-process", e.g. discount) are left out: the API says why.
 */
import { ARCHIVES, type ArchiveKind } from "@/lib/registry/archives";
import { KindFields, kindConfig, kindValues } from "./KindFields";

export const FORM_ARCHIVES: readonly ArchiveKind[] = (ARCHIVES as readonly ArchiveKind[]).filter((k) => k.distributed !== "in-process");

/** Typed values per kind (switching kinds keeps what was typed for each); a preset fills its own kind's. */
export type ArchiveParams = Record<string, Record<string, string>>;

export function initialArchiveParams(preset?: { archive?: string; archiveParams?: Record<string, unknown>; cvtCells?: string }): ArchiveParams {
  return Object.fromEntries(
    FORM_ARCHIVES.map((k) => {
      const own = k.type === preset?.archive ? preset.archiveParams : undefined;
      const values = kindValues(k, own);
      if (k.type === "cvt" && !values.cells) values.cells = preset?.cvtCells ?? "1000";
      return [k.type, values];
    }),
  );
}

/** The archive config from the typed values (zod judges it with the rest of the experiment). */
export function archiveFormConfig(type: string, params: ArchiveParams): Record<string, unknown> {
  const kind = FORM_ARCHIVES.find((k) => k.type === type) ?? FORM_ARCHIVES[0]!;
  return kindConfig(kind, params[kind.type] ?? {});
}

export const isSearchArchiveType = (type: string) => FORM_ARCHIVES.some((k) => k.type === type && k.distributed === "search");

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
