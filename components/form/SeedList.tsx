"use client";
/** The starting population of program or text runs: one editor per seed, added and removed freely. */
import { CodeEditor } from "./CodeEditor";
import { TextAreaField } from "./Field";

interface Props {
  kind: "program" | "text";
  seeds: string[];
  onChange(seeds: string[]): void;
  /** Issues by path ("domain.seeds", "domain.seeds.1"). */
  errors: Record<string, string>;
  /** Shown when the list is empty (e.g. "the task's starter program is used"). */
  empty?: string;
}

export function SeedList({ kind, seeds, onChange, errors, empty }: Props) {
  const set = (i: number, v: string) => onChange(seeds.map((s, k) => (k === i ? v : s)));
  const noun = kind === "program" ? "program" : "text";
  return (
    <div className="space-y-3">
      {seeds.length === 0 && empty && <p className="rounded-md bg-slate-50 px-3 py-2 text-xs text-slate-600 dark:bg-slate-900 dark:text-slate-400">{empty}</p>}
      {seeds.map((s, i) => (
        <div key={i} className="relative">
          {kind === "program" ? (
            <CodeEditor label={`Seed program ${i + 1}`} value={s} onChange={(v) => set(i, v)} error={errors[`domain.seeds.${i}`]} rows={Math.min(16, Math.max(6, s.split("\n").length + 1))} />
          ) : (
            <TextAreaField label={`Seed text ${i + 1}`} value={s} onChange={(v) => set(i, v)} error={errors[`domain.seeds.${i}`]} rows={Math.min(8, Math.max(2, s.split("\n").length))} />
          )}
          <button
            type="button"
            className="absolute right-0 top-0 text-xs text-slate-500 hover:text-rose-600 hover:underline dark:text-slate-400 dark:hover:text-rose-400"
            onClick={() => onChange(seeds.filter((_, k) => k !== i))}
            aria-label={`Remove seed ${noun} ${i + 1}`}
          >
            Remove
          </button>
        </div>
      ))}
      {errors["domain.seeds"] && (
        <p role="alert" className="text-xs text-rose-600 dark:text-rose-400">
          {errors["domain.seeds"]}
        </p>
      )}
      <button
        type="button"
        className="rounded-md border border-dashed border-slate-300 px-3 py-1.5 text-sm text-slate-600 hover:border-indigo-400 hover:text-indigo-600 dark:border-slate-700 dark:text-slate-300 dark:hover:text-indigo-400"
        onClick={() => onChange([...seeds, ""])}
      >
        + Add seed {noun}
      </button>
    </div>
  );
}
