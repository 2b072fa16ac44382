/** What a candidate of a user-evaluated domain is: a vector in a box, a JSON value (the user's mutation), or a text (the LLM). */
import { Field, TextAreaField } from "../Field";
import { SeedList } from "../SeedList";
import { changeGenome, changeSize } from "../form-state";
import type { SectionProps } from "../sections/props";

export function GenomeFields({ s, set, err, issues }: SectionProps) {
  return (
    <div className="space-y-4 rounded-md border border-slate-200 p-3 dark:border-slate-800">
      <fieldset>
        <legend className="mb-1.5 text-sm font-medium text-slate-700 dark:text-slate-300">Genome</legend>
        <div className="grid gap-3 text-sm sm:grid-cols-3">
          {(
            [
              ["vector", "Vector (dim / bounds)", "numbers in a box, mutated by the emitter below"],
              ["json", "JSON (your mutation)", "any JSON value, changed by your mutate(parent, rng)"],
              ["text", "Text (LLM)", "a program or text, rewritten by an LLM"],
            ] as const
          ).map(([value, label, hint]) => (
            <label key={value} className="flex items-start gap-2" title={hint}>
              <input type="radio" name="genome" className="mt-1" value={value} checked={s.genome === value} onChange={() => set((st) => changeGenome(st, value))} />
              <span>
                {label}
                <span className="block text-xs text-slate-500 dark:text-slate-400">{hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      {s.genome === "vector" && (
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Dimensions" type="number" min={1} value={s.size} onChange={(e) => set((st) => changeSize(st, e.target.value))} error={err("domain.dim")} hint="Genome length n." />
          <Field label="Gene lower bound" type="number" step="any" value={s.boundsLo} onChange={(e) => set({ boundsLo: e.target.value })} error={err("domain.bounds.0") ?? err("domain.bounds")} />
          <Field label="Gene upper bound" type="number" step="any" value={s.boundsHi} onChange={(e) => set({ boundsHi: e.target.value })} error={err("domain.bounds.1")} />
        </div>
      )}
      {s.genome === "json" && (
        <TextAreaField
          label="Seeds (JSON array)"
          value={s.jsonSeeds}
          onChange={(jsonSeeds) => set({ jsonSeeds })}
          error={err("domain.seeds") ?? Object.entries(issues).find(([k]) => k.startsWith("domain.seeds."))?.[1]}
          rows={3}
          mono
          hint={
            <>
              The starting population: a JSON array whose items are genomes, e.g. <code className="font-mono">{`[{"w": [0, 1]}, {"w": [1, 0]}]`}</code>. Your evaluator receives one item as{" "}
              <code className="font-mono">genome</code>; write the mutation under Emitter.
            </>
          }
        />
      )}
      {s.genome === "text" && (
        <>
          <TextAreaField
            label="Description"
            value={s.userDescription}
            onChange={(userDescription) => set({ userDescription })}
            error={err("domain.description")}
            rows={2}
            placeholder="What the program or text must do; the LLM sees it in every prompt."
            hint="Your evaluator receives the text as genome (a string)."
          />
          <SeedList kind="text" seeds={s.userTextSeeds} onChange={(userTextSeeds) => set({ userTextSeeds })} errors={issues} />
        </>
      )}
    </div>
  );
}
