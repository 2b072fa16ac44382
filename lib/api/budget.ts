import { prisma } from "@/lib/db/client";
import { ApiError } from "./errors";

/**
 * Where a run's budget went, aggregated in SQL over its stored candidates: evaluations, tokens and
 * cost per model, per operator, per island (runs with islands) and per outcome, the same over the course of the run, cost per
 * improvement, and how long the evaluator took.
 *
 * Outcomes: `new_cell` (the first elite of its cell), `improved` (beat the cell's elite), `no_gain`
 * (evaluated, archive unchanged), `invalid` (the operator produced nothing evaluable), `failed` (the
 * evaluator failed). Runs that keep only elites (keepAllSolutions off) do not store their no-gain
 * candidates: those are counted from the experiment's counter as `unstored` no-gain evaluations.
 */

export const OUTCOMES = ["new_cell", "improved", "no_gain", "invalid", "failed", "duplicate"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Stored candidates with their outcome; $1 is the experiment. */
const CLASSIFIED = `
  SELECT operator, model, coalesce("promptTokens", 0) AS pt, coalesce("completionTokens", 0) AS ct, coalesce("costUsd", 0) AS cost,
         "evalMs", "createdAt", id, island,
         CASE WHEN status = 'failed' THEN 'failed'
              WHEN status = 'invalid' THEN 'invalid'
              WHEN status = 'duplicate' THEN 'duplicate'
              WHEN "eliteRevision" IS NULL THEN 'no_gain'
              WHEN row_number() OVER (PARTITION BY cell, ("eliteRevision" IS NOT NULL) ORDER BY "eliteRevision", "createdAt", id) = 1 THEN 'new_cell'
              ELSE 'improved' END AS outcome
    FROM "Solution"
   WHERE "experimentId" = $1::uuid AND status <> 'pending'`;

interface GroupRow {
  kind: "model" | "operator" | "island" | "total";
  key: string | null;
  outcome: Outcome;
  n: bigint;
  pt: bigint;
  ct: bigint;
  cost: number;
}

export interface BudgetGroup {
  key: string;
  evaluations: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  outcomes: Record<Outcome, number>;
  /** Cost divided by (new cells + improvements); null without any. */
  costPerImprovement: number | null;
  /** Candidates rejected as duplicates before evaluation (not in `evaluations`), and their share of all proposals. */
  duplicates: number;
  duplicateRate: number;
}

const emptyOutcomes = (): Record<Outcome, number> => ({ new_cell: 0, improved: 0, no_gain: 0, invalid: 0, failed: 0, duplicate: 0 });

function groups(rows: GroupRow[], kind: GroupRow["kind"]): BudgetGroup[] {
  const map = new Map<string, BudgetGroup>();
  for (const r of rows) {
    if (r.kind !== kind) continue;
    const key = r.key ?? "—";
    let g = map.get(key);
    if (!g) map.set(key, (g = { key, evaluations: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, outcomes: emptyOutcomes(), costPerImprovement: null, duplicates: 0, duplicateRate: 0 }));
    const n = Number(r.n);
    // Duplicates were never evaluated: they count as proposals (and cost), not evaluations.
    if (r.outcome === "duplicate") g.duplicates += n;
    else g.evaluations += n;
    g.promptTokens += Number(r.pt);
    g.completionTokens += Number(r.ct);
    g.costUsd += r.cost;
    g.outcomes[r.outcome] += n;
  }
  for (const g of map.values()) {
    const wins = g.outcomes.new_cell + g.outcomes.improved;
    g.costPerImprovement = wins > 0 && g.costUsd > 0 ? g.costUsd / wins : null;
    g.duplicateRate = g.duplicates + g.evaluations > 0 ? g.duplicates / (g.duplicates + g.evaluations) : 0;
  }
  return [...map.values()].sort((a, b) => b.costUsd - a.costUsd || b.evaluations - a.evaluations);
}

const islandOrder = (key: string) => (key === "seeds" ? -1 : Number(key));

/** One outcome's row of the totals as a group (no_gain counts stored candidates only). */
function outcomeGroup(rows: GroupRow[], outcome: Outcome): BudgetGroup {
  const g = groups(rows.filter((r) => r.kind === "total" && r.outcome === outcome), "total")[0];
  return g ? { ...g, key: outcome } : { key: outcome, evaluations: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, outcomes: emptyOutcomes(), costPerImprovement: null, duplicates: 0, duplicateRate: 0 };
}

export async function budgetReport(id: string, opts: { buckets: number }) {
  const exp = await prisma.experiment.findUnique({ where: { id }, select: { evaluations: true, costUsd: true, promptTokens: true, completionTokens: true, domainType: true, islandCount: true } });
  if (!exp) throw new ApiError(404, `experiment ${id} not found`);

  const [grouped, timeline, hist, pct, stages] = await Promise.all([
    prisma.$queryRawUnsafe<GroupRow[]>(
      `WITH s AS (${CLASSIFIED})
       SELECT 'model' AS kind, model AS key, outcome, count(*) AS n, sum(pt) AS pt, sum(ct) AS ct, sum(cost)::float8 AS cost FROM s WHERE model IS NOT NULL GROUP BY model, outcome
       UNION ALL
       SELECT 'operator', operator, outcome, count(*), sum(pt), sum(ct), sum(cost)::float8 FROM s GROUP BY operator, outcome
       UNION ALL
       SELECT 'island', coalesce(island::text, 'seeds'), outcome, count(*), sum(pt), sum(ct), sum(cost)::float8 FROM s WHERE $2::boolean GROUP BY island, outcome
       UNION ALL
       SELECT 'total', NULL, outcome, count(*), sum(pt), sum(ct), sum(cost)::float8 FROM s GROUP BY outcome`,
      id,
      exp.islandCount > 0,
    ),
    // The run in equal slices of its stored candidates, in the order they were made.
    prisma.$queryRawUnsafe<{ bucket: number; outcome: Outcome; n: bigint; cost: number; upto: Date }[]>(
      `WITH s AS (${CLASSIFIED}), b AS (SELECT *, ntile($2::int) OVER (ORDER BY "createdAt", id) AS bucket FROM s)
       SELECT bucket, outcome, count(*) AS n, sum(cost)::float8 AS cost, max("createdAt") AS upto FROM b GROUP BY bucket, outcome ORDER BY bucket`,
      id,
      opts.buckets,
    ),
    // Evaluation time on a log scale: four bins per decade.
    prisma.$queryRawUnsafe<{ bin: number; n: bigint }[]>(
      `SELECT floor(log(greatest("evalMs", 0.01)::numeric) * 4)::int AS bin, count(*) AS n
         FROM "Solution" WHERE "experimentId" = $1::uuid AND "evalMs" IS NOT NULL AND status IN ('evaluated', 'failed')
        GROUP BY 1 ORDER BY 1`,
      id,
    ),
    prisma.$queryRawUnsafe<{ p50: number | null; p90: number | null; p99: number | null; max: number | null; n: bigint }[]>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY "evalMs") AS p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY "evalMs") AS p90,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY "evalMs") AS p99, max("evalMs") AS max, count(*) AS n
         FROM "Solution" WHERE "experimentId" = $1::uuid AND "evalMs" IS NOT NULL AND status IN ('evaluated', 'failed')`,
      id,
    ),
    // User evaluators with a cascade: how many evaluated candidates stopped at each stage (metrics.stage).
    prisma.$queryRawUnsafe<{ stage: number; count: number }[]>(
      `SELECT (metrics ->> 'stage')::float8::int AS stage, count(*)::int AS count FROM "Solution"
        WHERE "experimentId" = $1::uuid AND status = 'evaluated' AND jsonb_typeof(metrics -> 'stage') = 'number'
        GROUP BY 1 ORDER BY 1`,
      id,
    ),
  ]);

  const total = groups(grouped, "total")[0] ?? { key: "all", evaluations: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, outcomes: emptyOutcomes(), costPerImprovement: null, duplicates: 0, duplicateRate: 0 };
  const unstored = Math.max(0, exp.evaluations - total.evaluations);
  const outcomes = { ...total.outcomes, no_gain: total.outcomes.no_gain + unstored };
  const wins = outcomes.new_cell + outcomes.improved;

  const slices = new Map<number, { bucket: number; upto: Date; evaluations: number; costUsd: number; outcomes: Record<Outcome, number> }>();
  for (const r of timeline) {
    let s = slices.get(r.bucket);
    if (!s) slices.set(r.bucket, (s = { bucket: r.bucket, upto: r.upto, evaluations: 0, costUsd: 0, outcomes: emptyOutcomes() }));
    if (r.outcome !== "duplicate") s.evaluations += Number(r.n);
    s.costUsd += r.cost;
    s.outcomes[r.outcome] += Number(r.n);
    if (r.upto > s.upto) s.upto = r.upto;
  }
  const p = pct[0];
  return {
    experimentId: id,
    evaluations: exp.evaluations,
    storedEvaluations: total.evaluations,
    /** No-gain evaluations the run did not store (keepAllSolutions off), counted in outcomes.no_gain. */
    unstoredNoGain: unstored,
    // The experiment's counters are the authority on spend (they include calls whose reply was unusable).
    costUsd: Math.max(exp.costUsd, total.costUsd),
    promptTokens: Math.max(exp.promptTokens, total.promptTokens),
    completionTokens: Math.max(exp.completionTokens, total.completionTokens),
    outcomes,
    /** Candidates rejected as duplicates before evaluation, and their share of all proposals. */
    duplicates: total.duplicates,
    duplicateRate: total.duplicates + exp.evaluations > 0 ? total.duplicates / (total.duplicates + exp.evaluations) : 0,
    improvements: wins,
    costPerImprovement: wins > 0 && exp.costUsd > 0 ? Math.max(exp.costUsd, total.costUsd) / wins : null,
    byModel: groups(grouped, "model"),
    byOperator: groups(grouped, "operator"),
    /** Experiments with islands: per island (key "0", "1", …; "seeds" for the initial population, shared by every island). */
    byIsland: groups(grouped, "island").sort((a, b) => islandOrder(a.key) - islandOrder(b.key)),
    /** Evaluations, tokens and cost of each outcome (duplicates: proposals rejected before evaluation). */
    byOutcome: OUTCOMES.map((o) => outcomeGroup(grouped, o)).filter((g) => g.evaluations + g.duplicates > 0),
    /** Cascade evaluators: evaluated candidates by the last stage they reached. */
    stages,
    overEvaluations: [...slices.values()].sort((a, b) => a.bucket - b.bucket),
    evalTime: {
      count: Number(p?.n ?? 0),
      p50: p?.p50 ?? null,
      p90: p?.p90 ?? null,
      p99: p?.p99 ?? null,
      max: p?.max ?? null,
      /** Bins [10^(bin/4), 10^((bin+1)/4)) milliseconds. */
      histogram: hist.map((h) => ({ fromMs: 10 ** (h.bin / 4), toMs: 10 ** ((h.bin + 1) / 4), count: Number(h.n) })),
    },
  };
}
