/** The user's evaluator: its failures (paged, refreshed while running) and the metric keys it produces. */
import { FailuresPanel } from "@/components/evaluations/FailuresPanel";
import { MetricKeysPanel } from "@/components/evaluations/MetricKeysPanel";
import type { EvaluationsState } from "@/components/evaluations/use-evaluations";
import { Card } from "@/components/ui/Card";

interface Props {
  evals: EvaluationsState;
  /** The run is scored by the user's evaluator (metrics are shown too). */
  userEvaluated: boolean;
  running: boolean;
  failedEvaluations: number;
  evaluations: number;
  /** Metric key → the descriptor that reads it. */
  metricUsedBy: Record<string, string>;
}

export function EvaluatorCards({ evals, userEvaluated, running, failedEvaluations, evaluations, metricUsedBy }: Props) {
  return (
    <div className={`grid gap-6 ${userEvaluated ? "lg:grid-cols-[minmax(0,1fr)_340px]" : ""}`}>
      <Card
        id="failures"
        title="Failures"
        actions={
          running ? (
            <span className="text-xs text-slate-500 dark:text-slate-400" title="Refreshed every few seconds while the run is active">
              ● refreshing
            </span>
          ) : undefined
        }
      >
        <FailuresPanel
          failures={evals.failures}
          total={Math.max(failedEvaluations, evals.failures.length)}
          evaluations={evaluations}
          loading={evals.loading}
          error={evals.error}
          hasMore={evals.nextCursor != null}
          loadingMore={evals.loadingMore}
          onLoadMore={evals.loadMore}
        />
      </Card>
      {userEvaluated && (
        <Card title="Metrics produced">
          <MetricKeysPanel keys={evals.keys} from={evals.keysFrom} usedBy={metricUsedBy} stages={evals.stages} />
        </Card>
      )}
    </div>
  );
}
