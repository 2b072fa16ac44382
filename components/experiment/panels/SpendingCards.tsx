/** Where the run's calls and evaluations went: models and prompt variants (LLM runs), the budget, and rejected duplicates. */
import { BudgetPanel } from "@/components/budget/BudgetPanel";
import { DuplicatesPanel } from "@/components/evaluations/DuplicatesPanel";
import type { useBudget } from "@/components/lib/use-budget";
import type { useModels } from "@/components/lib/use-models";
import type { usePrompts } from "@/components/lib/use-prompts";
import { ModelsPanel } from "@/components/models/ModelsPanel";
import { PromptsPanel } from "@/components/prompts/PromptsPanel";
import { Card } from "@/components/ui/Card";
import type { ExperimentSummary } from "@/components/lib/types";

interface Props {
  experiment: ExperimentSummary;
  models: ReturnType<typeof useModels>;
  /** Prompt variants: only for LLM runs that evolve their prompts. */
  prompts: ReturnType<typeof usePrompts> | null;
  budget: ReturnType<typeof useBudget>;
  duplicates: number;
}

export function SpendingCards({ experiment, models, prompts, budget, duplicates }: Props) {
  return (
    <>
      {experiment.emitterType === "llm" && (
        <Card title="Models" id="models">
          <ModelsPanel report={models.report} error={models.error} />
        </Card>
      )}

      {prompts && (
        <Card title="Prompt variants" id="prompts">
          <PromptsPanel experimentId={experiment.id} report={prompts.report} error={prompts.error} />
        </Card>
      )}

      <Card title="Where the budget went">
        <BudgetPanel report={budget.report} loading={budget.loading} error={budget.error} />
      </Card>

      {duplicates > 0 && (
        <Card id="duplicates" title="Duplicates rejected before evaluation">
          <DuplicatesPanel experimentId={experiment.id} duplicates={duplicates} evaluations={budget.report?.evaluations ?? experiment.evaluations} refreshKey={duplicates} by={experiment.domainType === "llm-text" ? "words" : "lines"} />
        </Card>
      )}
    </>
  );
}
