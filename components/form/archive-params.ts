/**
 * The form's archive kinds and their typed parameters, from the archive registry (lib/registry/archives).
 * Kinds the workers cannot run yet ("in-process") are left out: the API says why.
 */
import { ARCHIVES, type ArchiveKind } from "@/lib/registry/archives";
import { kindConfig, kindValues } from "./KindFields";

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

