/** The bottom row: metric curves (with the replay's cursor), the run's notes and tags, and the workers' queue. */
import { MetricCurves } from "@/components/charts/MetricCurves";
import { QueuePanel } from "@/components/queue/QueuePanel";
import { Card } from "@/components/ui/Card";
import type { Snapshot } from "@/components/lib/types";
import { RunNotes } from "../RunNotes";

interface Props {
  snapshots: Snapshot[];
  cost: boolean;
  cursor: number | null;
  notes: string;
  tags: string[];
  onSaveNotes(patch: { notes?: string; tags?: string[] }): Promise<void>;
  running: boolean;
}

export function ProgressRow({ snapshots, cost, cursor, notes, tags, onSaveNotes, running }: Props) {
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_340px]">
      <Card title="Progress">
        <MetricCurves snapshots={snapshots} cost={cost} cursor={cursor} />
      </Card>
      <div className="space-y-6">
        <Card title="Notes">
          <RunNotes notes={notes} tags={tags} onSave={onSaveNotes} />
        </Card>
        <Card title="Workers & queue">
          <QueuePanel active={running} />
        </Card>
      </div>
    </div>
  );
}
