/** Bandit runs (ME-MAP-Elites): the emitter pool and the UCB1 counts. */
import { BanditPanel, type BanditReport } from "@/components/bandit/BanditPanel";
import { Card } from "@/components/ui/Card";

export function BanditCard({ report, error }: { report: BanditReport | null; error: string | null }) {
  return (
    <Card title="Bandit scheduler" id="bandit">
      <BanditPanel report={report} error={error} />
    </Card>
  );
}
