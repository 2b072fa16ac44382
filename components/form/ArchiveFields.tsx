"use client";
/**
 * The form's archive choice and parameters, served by the archive registry: a kind's label, help and
 * fields come from its module, so adding a kind adds it here with no form code.
 */
import { ARCHIVES, type ArchiveKind } from "@/lib/registry/archives";
import { KindFields } from "./KindFields";
import { FORM_ARCHIVES, type ArchiveParams } from "./archive-params";

/** Kinds the engine runs but experiments do not yet (discount): named under the choice, with the reason, so nobody hunts for them. */
const ENGINE_ONLY = (ARCHIVES as readonly ArchiveKind[]).filter((k) => k.distributed === "in-process");

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
      <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="archive-help">
        {kind.help}
        {kind.distributed === "search" && (
          <>
            {" "}
            {kind.rankers?.length ? (
              <>
                It runs with CMA-ME emitters ranked by what it reports (ranker {kind.rankers.map((r) => `“${r}”`).join(" or ")}, set under Emitter) on the built-in domains; the
                run&apos;s page draws its points under the result grid.
              </>
            ) : (
              <>It runs with CMA-ME emitters ranked by improvement over its discount (ranker “imp”, as pyribs&apos; dms row) on the built-in domains; the run&apos;s page draws the model under the result grid.</>
            )}
          </>
        )}
      </p>
      {error("archive.type") && <p className="text-sm text-rose-600 dark:text-rose-400">{error("archive.type")}</p>}
      {kind.fields.length > 0 && (
        <div className="grid max-w-2xl gap-3 sm:grid-cols-2">
          <KindFields kind={kind} values={params[kind.type] ?? {}} onChange={onParam} error={(p) => error(p) ?? (p === "archive.cells" ? error("archive") : undefined)} prefix="archive" />
        </div>
      )}
    </>
  );
}

/** Archive kinds experiments cannot run yet, named under the archive choice with where they do run. */
export function EngineOnlyArchives() {
  return (
    <>
      {ENGINE_ONLY.map((k) => (
        <p key={k.type} className="text-xs text-slate-500 dark:text-slate-400">
          Not offered here yet: {k.label}. {k.inProcessReason ? `${k.inProcessReason[0]!.toUpperCase()}${k.inProcessReason.slice(1)}.` : "It runs in the engine only."}
        </p>
      ))}
    </>
  );
}
