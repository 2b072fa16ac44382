/** Islands: separate archives that trade elites (not for CMA chains or ask/tell runs: see derive().islandsAllowed). */
import { Field, Section, SelectField } from "../Field";
import type { SectionProps } from "./props";

export function IslandsSection({ s, set, err }: SectionProps) {
  return (
    <Section title="Islands" description="Optional: separate archives that evolve apart and trade their best elites now and then. The run's archive and metrics are their union.">
      <div className="grid gap-4 sm:grid-cols-4">
        <Field label="Islands" type="number" min={1} value={s.islands} onChange={(e) => set({ islands: e.target.value })} error={err("islands.count") ?? err("islands")} placeholder="none" />
        <Field label="Migration interval" type="number" min={1} value={s.migrationInterval} onChange={(e) => set({ migrationInterval: e.target.value })} error={err("islands.migrationInterval")} disabled={!s.islands.trim()} hint="evaluations between rounds" />
        <Field label="Migrants per island" type="number" min={1} value={s.migrants} onChange={(e) => set({ migrants: e.target.value })} error={err("islands.migrants")} disabled={!s.islands.trim()} />
        <SelectField
          label="Topology"
          value={s.topology}
          onChange={(v) => set({ topology: v as "ring" | "all" })}
          options={[
            { value: "ring", label: "Ring" },
            { value: "all", label: "All-to-all" },
          ]}
          hint="where each island's best go"
        />
      </div>
      <Field
        label="Stagnation limit"
        type="number"
        min={1}
        value={s.stagnation}
        onChange={(e) => set({ stagnation: e.target.value })}
        error={err("islands.spawnOnStagnation.evaluations") ?? err("islands.spawnOnStagnation.maxIslands")}
        placeholder="never"
        disabled={!s.islands.trim()}
        className="max-w-sm"
        hint="A new island (from the initial population) when the best fitness has not risen for this many evaluations; at most twice the islands. Blank: never."
      />
    </Section>
  );
}
