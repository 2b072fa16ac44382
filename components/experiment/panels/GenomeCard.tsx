/** The program, text or JSON genome of the shown solution (vector genomes are in the elite panel). */
import { GenomeView, KIND_LABEL } from "@/components/elite/GenomeView";
import { Card } from "@/components/ui/Card";
import type { SolutionDetail } from "@/components/lib/types";

export function GenomeCard({ solution, ancestor, language }: { solution: SolutionDetail; ancestor: boolean; language?: string }) {
  const kind = solution.genomeKind;
  return (
    <Card
      id="genome"
      title={`${KIND_LABEL[kind] ?? "Genome"} of the ${ancestor ? "ancestor" : "elite"}${solution.cell != null ? ` in cell ${solution.cell.toLocaleString("en-US")}` : ""}`}
      actions={<span className="font-mono text-xs text-slate-500 dark:text-slate-400">{solution.operator}</span>}
    >
      <GenomeView key={solution.id} solution={solution} language={language} />
    </Card>
  );
}
