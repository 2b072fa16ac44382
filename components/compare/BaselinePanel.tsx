/** Evolution against its best-of-N baseline, read at the same number of evaluations. */
import { fmtInt, fmtNum, fmtUsd } from "@/components/lib/format";
import type { Snapshot } from "@/components/lib/types";
import { baselineVerdict } from "./baseline";
import type { PickerRun } from "./RunPicker";

function delta(v: number | null, digits = 4) {
  if (v == null) return "—";
  return `${v > 0 ? "+" : ""}${fmtNum(v, digits)}`;
}

export function BaselinePanel({ evolve, bestOfN, snapshots, colors }: { evolve: PickerRun; bestOfN: PickerRun; snapshots: Record<string, Snapshot[]>; colors: Record<string, string> }) {
  const v = baselineVerdict(evolve.id, bestOfN.id, snapshots);
  if (!v) return null;
  const pays = v.fitnessGain != null ? v.fitnessGain > 0 : v.qdScoreGain > 0;
  const rows: [string, string, string, string][] = [
    ["Best fitness", fmtNum(v.evolve.maxFitness, 4), fmtNum(v.bestOfN.maxFitness, 4), delta(v.fitnessGain)],
    ["QD-score", fmtNum(v.evolve.qdScore), fmtNum(v.bestOfN.qdScore), delta(v.qdScoreGain, 3)],
    ["Cost", fmtUsd(v.evolve.costUsd), fmtUsd(v.bestOfN.costUsd), v.evolve.costUsd != null && v.bestOfN.costUsd != null ? fmtUsd(v.evolve.costUsd - v.bestOfN.costUsd) : "—"],
  ];
  return (
    <div className="mb-5 rounded-lg border border-slate-200 p-3 dark:border-slate-800" data-testid="baseline-verdict" aria-label="Evolution against best-of-N">
      <p className={`mb-2 text-sm font-medium ${pays ? "text-emerald-700 dark:text-emerald-300" : "text-amber-700 dark:text-amber-300"}`}>
        {pays ? "Evolution beats best-of-N" : "Evolution does not beat best-of-N"} at {fmtInt(v.evaluations)} evaluations
      </p>
      <table className="w-full text-left text-sm tabular-nums" aria-label="Evolution against best-of-N at equal evaluations">
        <thead className="text-xs text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium" />
            <th scope="col" className="px-3 py-1 text-right font-medium">
              <span className="mr-1.5 inline-block h-2 w-2 rounded-full" style={{ background: colors[evolve.id] }} aria-hidden="true" />
              {evolve.name}
            </th>
            <th scope="col" className="px-3 py-1 text-right font-medium">
              <span className="mr-1.5 inline-block h-2 w-2 rounded-full" style={{ background: colors[bestOfN.id] }} aria-hidden="true" />
              {bestOfN.name} (best-of-N)
            </th>
            <th scope="col" className="py-1 pl-3 text-right font-medium">Evolution − best-of-N</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {rows.map(([k, a, b, d]) => (
            <tr key={k}>
              <th scope="row" className="py-1 pr-3 text-xs font-medium text-slate-600 dark:text-slate-400">{k}</th>
              <td className="px-3 py-1 text-right">{a}</td>
              <td className="px-3 py-1 text-right">{b}</td>
              <td className="py-1 pl-3 text-right">{d}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
