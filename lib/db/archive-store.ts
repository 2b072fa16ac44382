import type pg from "pg";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { moveEmitterChain, updateThresholds, type CmaCommit } from "./emitter-store";
import { commitSearchState, type SearchCommit } from "./search-store";
import { applyIslandRules, tagIsland, upsertIslandElites } from "./island-store";
import { movePromptVariants } from "./prompt-store";
import type { IslandsConfig } from "@/lib/experiments/config";
import { applyAutoRange, autoDimensions, type AutoRangeConfig } from "./auto-range-store";
import type { BatchEvent, StatusEvent } from "@/lib/api/event-payloads";
import { base64, numberArrayLiteral, uuidArrayLiteral } from "./commit-params";

/**
 * The archive in PostgreSQL. Writers serialise per experiment on the
 * experiment row (one short transaction per batch), which makes three things
 * hold under any number of concurrent workers:
 *  - a cell's stored elite is the best candidate ever committed to it;
 *  - counters and metrics move exactly once per batch (the ProcessedBatch
 *    ledger turns a retried job into a no-op);
 *  - revisions commit in order, so `revision > lastSeen` refreshes a cache.
 */

export interface CandidateBatch {
  experimentId: string;
  /** Idempotency key: the same batch committed twice counts once. */
  batchId: string;
  /** Candidates evaluated in this batch (counted against the budget), failures included. */
  evaluations: number;
  failed: number;
  /** Candidates rejected as duplicates before evaluation (stored in `failures`, not in `evaluations`). */
  duplicates?: number;
  /** Whether this batch is one of the orchestrator's numbered jobs. */
  generated: boolean;
  operator: string;
  /** Candidates that may improve the archive (the worker pre-filters against its cache). */
  cells: number[];
  fitness: number[];
  /** Flattened row-major: cells.length × measureDim. */
  descriptors: number[];
  measureDim: number;
  /** Flattened row-major: cells.length × genomeDim, as float64 LE bytes (vector genomes; empty otherwise). */
  genomes: Uint8Array;
  genomeDim: number;
  /** "vector" (default) | "code" | "text" | "json". */
  genomeKind?: GenomeKind;
  /** Code/text genomes, or JSON genomes serialised, one per candidate (non-vector kinds). */
  genomeTexts?: string[];
  /** Flattened: cells.length × parentsPer solution ids (null where none). */
  parentIds: (string | null)[];
  parentsPer: number;
  /** Ids the worker gave the candidates, so candidates of one job can be each other's parents. */
  solutionIds: string[];
  /** Per candidate, what the evaluator said besides fitness (user evaluators). */
  extras?: CandidateExtras[];
  /** Candidates whose evaluation failed: kept with the reason, counted in `failed`. */
  failures?: FailedCandidate[];
  /** CMA-ME / CMA-MAE jobs: the emitter's new state (compare-and-set) and the threshold updates, same transaction. */
  cma?: CmaCommit;
  /** Proximity / density archives: the job's move of the search archive's state (lib/db/search-store.ts). */
  search?: SearchCommit;
  /** LLM tokens and cost of every candidate of the batch (failures included), added to the experiment's totals. */
  usage?: { promptTokens: number; completionTokens: number; costUsd: number };
  /** Experiments with islands: the island the job worked on (default 0); its archive gets the candidates too. */
  island?: number;
}

/** What a candidate carries besides fitness: evaluator output and, for LLM operators, the exchange and its cost. */
export interface CandidateExtras {
  /** Overrides the batch's operator for this candidate (e.g. "seed"). */
  operator?: string;
  metrics?: Record<string, number>;
  logs?: string;
  evalMs?: number;
  model?: string;
  promptTokens?: number;
  completionTokens?: number;
  costUsd?: number;
  prompt?: string;
  reply?: string;
  /** LLM runs: how the parents were chosen (policy per parent, crossover). */
  selection?: unknown;
  /** LLM ensembles: the configured model that wrote the candidate (its ModelArm row) and that call's own cost. */
  arm?: string;
  armCostUsd?: number;
  /** Evolving prompts: the PromptVariant whose system message wrote the candidate. */
  promptVariant?: number;
}

export interface FailedCandidate extends CandidateExtras {
  id: string;
  /** A vector (number array), or the program/text/JSON value for other genome kinds. */
  genome: unknown;
  parentIds: string[];
  error: string;
  /** "invalid": the operator produced nothing evaluable (e.g. an unusable LLM reply); "duplicate": a repeat, never evaluated; default "failed". */
  status?: "failed" | "invalid" | "duplicate";
  /** status "duplicate": the solution it repeats and how similar it is. */
  duplicateOf?: string;
  similarity?: number;
}

export type GenomeKind = "vector" | "code" | "text" | "json";

export interface CommitResult {
  duplicate: boolean;
  revision: bigint;
  status: string;
  evaluations: number;
  numElites: number;
  completed: boolean;
  /** Cells whose elite this batch replaced or created: [cell, fitness]. */
  improved: [number, number][];
  /** Search-archive runs: the search archive's revision this commit produced. */
  searchRevision?: number;
  /** How long this commit held the experiment row (ms, from taking it to the transaction's end): its share of the run's serial part. */
  heldMs?: number;
}

interface ExperimentRow {
  status: string;
  statusReason: string | null;
  evaluations: number;
  budgetEvaluations: number;
  numElites: number;
  cells: number;
  qdScore: number;
  maxFitness: number | null;
  sumFitness: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  qdOffset: number;
  archiveRevision: bigint;
  islandCount: number;
  migrations: number;
  lastImprovementAt: number;
  config: { islands?: IslandsConfig } & AutoRangeConfig;
}

/**
 * How the genome block ($6) reaches the statement: through Prisma as base64 text, decoded once (Prisma
 * would turn bytes into base64 inside its JSON anyway); through node-postgres directly as a bytea sent
 * in binary (a Buffer parameter: no text form at all).
 */
const GENOME_PARAM = { base64: "decode($6::text, 'base64')", bytea: "$6::bytea" } as const;
type GenomeParam = keyof typeof GENOME_PARAM;

// The other bulk parameters arrive as literals built before the transaction (lib/db/commit-params.ts).
const upsertCtes = (genomes: GenomeParam) => `
WITH g AS MATERIALIZED (SELECT ${GENOME_PARAM[genomes]} AS bytes),
c AS (
  SELECT ($2::int[])[i] AS cell, ($3::float8[])[i] AS fitness,
         ($4::float8[])[(i - 1) * $5 + 1 : i * $5] AS descriptors,
         substring(g.bytes FROM (i - 1) * $7 * 8 + 1 FOR $7 * 8) AS genome,
         array_remove(($8::uuid[])[(i - 1) * $9 + 1 : i * $9], NULL) AS parents,
         ($12::uuid[])[i] AS sid,
         ($13::jsonb) -> (i - 1) AS extra,
         ($15::text[])[i] AS gtext
  FROM generate_subscripts($2::int[], 1) AS i, g
),
best AS (SELECT DISTINCT ON (cell) * FROM c ORDER BY cell, fitness DESC),
-- One primary-key probe per candidate cell (never a scan of the experiment's elites), run once:
-- MATERIALIZED keeps PostgreSQL from inlining it into "win", where the probe ran again for each
-- mention of old_fitness (three probes per cell).
cur AS MATERIALIZED (
  SELECT b.*, (SELECT e.fitness FROM "Elite" e WHERE e."experimentId" = $1 AND e.cell = b.cell) AS old_fitness
  FROM best b
),
win AS (SELECT * FROM cur WHERE old_fitness IS NULL OR fitness > old_fitness),
-- Every candidate that was an elite in the worker's view is kept: a later candidate of the
-- same job may descend from it, and lineage must never point at a missing solution.
sol AS (
  INSERT INTO "Solution" (id, "experimentId", status, "genomeKind", "genomeVector", "genomeText", "genomeJson", fitness, descriptors, cell, "parentIds", operator, "eliteRevision",
                          metrics, logs, "evalMs", model, "promptTokens", "completionTokens", "costUsd", prompt, reply, selection)
  SELECT c.sid, $1, 'evaluated', $14, CASE WHEN $14 = 'vector' THEN c.genome END,
         CASE WHEN $14 IN ('code', 'text') THEN c.gtext END, CASE WHEN $14 = 'json' THEN c.gtext::jsonb END,
         c.fitness, c.descriptors, c.cell, c.parents, coalesce(c.extra ->> 'operator', $10),
         CASE WHEN c.sid IN (SELECT sid FROM win) THEN $11::bigint END,
         c.extra -> 'metrics', c.extra ->> 'logs', (c.extra ->> 'evalMs')::float8,
         c.extra ->> 'model', (c.extra ->> 'promptTokens')::int, (c.extra ->> 'completionTokens')::int, (c.extra ->> 'costUsd')::float8,
         c.extra ->> 'prompt', c.extra ->> 'reply', c.extra -> 'selection'
  FROM c
  -- Candidates handed out by ask/tell (or reserved by a submission) already exist as pending rows:
  -- they become evaluated here, in the same transaction as the archive write. Never touches other rows.
  ON CONFLICT (id) DO UPDATE
    SET status = 'evaluated', "genomeVector" = excluded."genomeVector", fitness = excluded.fitness, descriptors = excluded.descriptors,
        cell = excluded.cell, "eliteRevision" = excluded."eliteRevision"
    WHERE "Solution".status = 'pending' AND "Solution"."experimentId" = excluded."experimentId"
),
-- New cells are inserted; cells the probe found occupied are updated in place (no speculative insert
-- and conflict round on the primary key). Both repeat the rule, so a row the probe missed is still right.
ins AS (
  INSERT INTO "Elite" ("experimentId", cell, "solutionId", fitness, descriptors, "genomeVector", revision, "updatedAt")
  SELECT $1, cell, sid, fitness, descriptors, CASE WHEN $14 = 'vector' THEN genome END, $11, now() FROM win WHERE old_fitness IS NULL
  ON CONFLICT ("experimentId", cell) DO UPDATE
    SET "solutionId" = excluded."solutionId", fitness = excluded.fitness, descriptors = excluded.descriptors,
        "genomeVector" = excluded."genomeVector", revision = excluded.revision, "updatedAt" = excluded."updatedAt"
    WHERE excluded.fitness > "Elite".fitness
),
upd AS (
  UPDATE "Elite" e
  SET "solutionId" = w.sid, fitness = w.fitness, descriptors = w.descriptors,
      "genomeVector" = CASE WHEN $14 = 'vector' THEN w.genome END, revision = $11, "updatedAt" = now()
  FROM win w
  WHERE w.old_fitness IS NOT NULL AND e."experimentId" = $1 AND e.cell = w.cell AND w.fitness > e.fitness
)`;

/** What the batch changed, from the winners: the counters' deltas and the improved cells (for the batch event). */
const DELTA_SELECT = `SELECT count(*) FILTER (WHERE old_fitness IS NULL)::int AS "newCells",
       coalesce(sum(fitness - coalesce(old_fitness, 0)), 0)::float8 AS "fitnessDelta",
       max(fitness)::float8 AS "maxFitness",
       coalesce(json_agg(json_build_array(cell, fitness)), '[]'::json) AS improved,
       coalesce(json_agg(json_build_array(extra ->> 'arm', fitness, old_fitness)) FILTER (WHERE extra ->> 'arm' IS NOT NULL), '[]'::json) AS "armWins",
       coalesce(json_agg(json_build_array((extra ->> 'promptVariant')::int, fitness, old_fitness)) FILTER (WHERE extra ->> 'promptVariant' IS NOT NULL), '[]'::json) AS "promptWins"
FROM win`;

const UPSERT_ELITES = `${upsertCtes("base64")}
${DELTA_SELECT}`;

/** SQL expressions (parameters, or columns of the statement's delta) for the counters' statement. */
interface CounterInputs {
  evaluations: string;
  failed: string;
  generated: string;
  newCells: string;
  fitnessDelta: string;
  maxFitness: string;
  reachedBudget: string;
  promptTokens: string;
  completionTokens: string;
  costUsd: string;
  duplicates: string;
  fold: string;
  /** jsonb: [[cell, fitness], …] */
  improved: string;
  snapshotDue: string;
  /** A FROM clause for the UPDATE (the delta CTE, when the counters ride on the upsert). */
  from?: string;
}

/**
 * The counters' CTEs: "after" (the experiment row as moved by the batch) and, when `fold` holds and the
 * row is not completed, the metrics snapshot (when due), the arms' snapshot and the events: the same rows
 * snapshot() and the separate event insert write, from the row as this statement left it (the table's new
 * version is not visible to the statement's other parts; RETURNING is). Events in order: snapshot, batch.
 */
function counterCtes(p: CounterInputs): string {
  return `after AS (UPDATE "Experiment" SET
         evaluations = evaluations + ${p.evaluations},
         "failedEvaluations" = "failedEvaluations" + ${p.failed},
         "batchesDone" = "batchesDone" + ${p.generated},
         "numElites" = "numElites" + ${p.newCells},
         "sumFitness" = "sumFitness" + ${p.fitnessDelta},
         "qdScore" = "sumFitness" + ${p.fitnessDelta} - "qdOffset" * ("numElites" + ${p.newCells}),
         "maxFitness" = GREATEST("maxFitness", ${p.maxFitness}::float8),
         "promptTokens" = "promptTokens" + ${p.promptTokens}::int,
         "completionTokens" = "completionTokens" + ${p.completionTokens}::int,
         "costUsd" = "costUsd" + ${p.costUsd}::float8,
         duplicates = duplicates + ${p.duplicates}::int,
         status = CASE WHEN (${p.reachedBudget} OR "costUsd" + ${p.costUsd} >= "budgetCostUsd") AND status IN ('running', 'paused') THEN 'completed'::"ExperimentStatus" ELSE status END,
         "statusReason" = CASE WHEN status IN ('running', 'paused') AND NOT ${p.reachedBudget} AND "costUsd" + ${p.costUsd} >= "budgetCostUsd"
                               THEN format('cost budget reached: $%s of $%s', round(("costUsd" + ${p.costUsd})::numeric, 4), "budgetCostUsd") ELSE "statusReason" END,
         "finishedAt" = CASE WHEN (${p.reachedBudget} OR "costUsd" + ${p.costUsd} >= "budgetCostUsd") AND status IN ('running', 'paused') THEN now() ELSE "finishedAt" END,
         "updatedAt" = now()
       ${p.from ?? ""} WHERE "Experiment".id = $1::uuid RETURNING "Experiment".*, (${p.improved})::jsonb AS "improvedCells"),
       live AS (SELECT * FROM after WHERE ${p.fold} AND status <> 'completed'),
       s AS (
         INSERT INTO "MetricSnapshot" ("experimentId", evaluations, coverage, "qdScore", "normQdScore", "maxFitness", "meanFitness", "numElites", "promptTokens", "completionTokens", "costUsd")
         SELECT id, evaluations, "numElites"::float8 / cells, "qdScore", "qdScore" / cells, "maxFitness",
                CASE WHEN "numElites" > 0 THEN "sumFitness" / "numElites" END, "numElites", "promptTokens", "completionTokens", "costUsd"
         FROM live WHERE ${p.snapshotDue}
         ON CONFLICT ("experimentId", evaluations) DO NOTHING
         RETURNING *
       ),
       arms AS (
         INSERT INTO "ModelArmSnapshot" ("experimentId", evaluations, model, pulls, "costUsd", gain, improvements)
         SELECT a."experimentId", x.evaluations, a.model, a.pulls, a."costUsd", a.gain, a.improvements
         FROM "ModelArm" a JOIN live x ON x.id = a."experimentId" WHERE ${p.snapshotDue}
         ON CONFLICT DO NOTHING
       ),
       -- The snapshot event first, then the batch's, as when they were separate statements (ids in row order).
       ev AS (
         INSERT INTO "ExperimentEvent" ("experimentId", type, payload)
         SELECT e, t, p FROM (
           SELECT "experimentId" AS e, 'snapshot' AS t, to_jsonb(s) - 'experimentId' - 'createdAt' AS p, 0 AS o FROM s
           UNION ALL
           SELECT id, 'batch', jsonb_build_object('evaluations', evaluations, 'numElites', "numElites", 'qdScore', "qdScore", 'maxFitness', "maxFitness", 'improved', "improvedCells"), 1
           FROM live
         ) q ORDER BY o
       )`;
}

/** The counters' statement on its own: its inputs are parameters $2–$15 ($1: the experiment). */
const COUNTER_PARAMS: CounterInputs = {
  evaluations: "$2",
  failed: "$3",
  generated: "$4",
  newCells: "$5",
  fitnessDelta: "$6",
  maxFitness: "$7",
  reachedBudget: "$8",
  promptTokens: "$9",
  completionTokens: "$10",
  costUsd: "$11",
  duplicates: "$12",
  fold: "$13",
  improved: "$14",
  snapshotDue: "$15",
};

/**
 * A plain numeric batch (no islands, re-binning, failures, extras, emitter or search state): the upsert
 * and the counters in one statement, so the experiment row is held for one round trip less. Parameters
 * $1–$15 are the upsert's, $16–$25 the counters'; the deltas come from the upsert's winners.
 */
const upsertAndCount = (genomes: GenomeParam) => `${upsertCtes(genomes)},
delta AS (${DELTA_SELECT}),
d AS (SELECT "newCells" AS d_new, "fitnessDelta" AS d_fit, "maxFitness" AS d_max, improved::jsonb AS d_improved FROM delta),
${counterCtes({
  evaluations: "$16",
  failed: "$17",
  generated: "$18",
  newCells: "d.d_new",
  fitnessDelta: "d.d_fit",
  maxFitness: "d.d_max",
  reachedBudget: "$19",
  promptTokens: "$20",
  completionTokens: "$21",
  costUsd: "$22",
  duplicates: "$23",
  fold: "$24",
  improved: "d.d_improved",
  snapshotDue: "$25",
  from: "FROM d",
})}
SELECT * FROM after`;
const UPSERT_AND_COUNT = { base64: upsertAndCount("base64"), bytea: upsertAndCount("bytea") } as const;

/**
 * `timeoutMs`: the transaction's limit. Prisma's defaults (2 s to get a connection, 5 s to finish) are too
 * short on a loaded machine where many writers queue on one experiment's row: a timed-out commit only
 * rolls back and is retried as a whole job, which wastes the work and adds load.
 *
 * `direct`: a node-postgres pool (lib/db/direct-pool.ts) for plain numeric batches. Such a batch is
 * committed by the same statements on one of its connections, without Prisma's raw-query path (which
 * serialises every parameter to JSON and parses it back) and with the genomes as a binary bytea: the
 * worker's CPU per commit, much of it spent while the experiment row is held. Any other batch, and one
 * whose locked row turns out to need more (islands, re-binning, the run's last batch), takes the Prisma
 * transaction; rows, counters and events are the same either way.
 */
export async function commitBatch(prisma: PrismaClient, batch: CandidateBatch, snapshotEvery: number, timeoutMs = 60_000, direct?: pg.Pool): Promise<CommitResult> {
  // Encoded here, not while the experiment row is held (lib/db/commit-params.ts).
  const literals = encodeLiterals(batch);
  if (direct && plainBatch(batch)) {
    const result = await commitDirect(direct, batch, snapshotEvery, literals);
    if (result) return result;
  }
  return commitThroughPrisma(prisma, batch, snapshotEvery, timeoutMs, literals);
}

type Literals = ReturnType<typeof encodeLiterals>;

function encodeLiterals(batch: CandidateBatch) {
  return {
    cells: numberArrayLiteral(batch.cells),
    fitness: numberArrayLiteral(batch.fitness),
    descriptors: numberArrayLiteral(batch.descriptors),
    parentIds: uuidArrayLiteral(batch.parentIds),
    solutionIds: uuidArrayLiteral(batch.solutionIds),
    extras: JSON.stringify(batch.extras ?? null),
  };
}

/** A batch the one-statement commit can take whatever the locked row says: nothing but rows and counters. */
function plainBatch(batch: CandidateBatch): boolean {
  return batch.island === undefined && !batch.failures?.length && !batch.extras && !batch.cma && !batch.search;
}

type LockedRow = ExperimentRow & { fresh: number };
type AfterRow = ExperimentRow & { improvedCells: [number, number][] };

/** A retried batch that already landed: nothing moved. */
function duplicateResult(locked: ExperimentRow): CommitResult {
  return { duplicate: true, revision: locked.archiveRevision, status: locked.status, evaluations: locked.evaluations, numElites: locked.numElites, completed: locked.status === "completed", improved: [] };
}

/** What the locked row and the batch decide for the counters' statement. */
function countersPlan(locked: ExperimentRow, batch: CandidateBatch, snapshotEvery: number) {
  const evaluations = locked.evaluations + batch.evaluations;
  const reachedBudget = evaluations >= locked.budgetEvaluations;
  const crossed = Math.floor(locked.evaluations / snapshotEvery) < Math.floor(evaluations / snapshotEvery);
  const snapshotDue = crossed || locked.evaluations === 0;
  // The common commit (no islands, not the last one) records its batch event, and its metrics
  // snapshot when one is due (every commit of a run of ~100 jobs: 400 snapshots per run), in the same
  // statement as the counters: three round trips less while the experiment row is held. The statement
  // leaves both out when the row is (or turns) completed: then the totals are recomputed first, below.
  const fold = !reachedBudget && locked.islandCount === 0;
  return { evaluations, reachedBudget, snapshotDue, fold };
}

/** $1–$15 of the upsert statements: the batch's rows. */
function rowParams(batch: CandidateBatch, literals: Literals, cells: string, revision: bigint, genomes: string | Buffer) {
  return [
    batch.experimentId,
    cells,
    literals.fitness,
    literals.descriptors,
    batch.measureDim,
    genomes,
    batch.genomeDim,
    literals.parentIds,
    batch.parentsPer,
    batch.operator,
    revision,
    literals.solutionIds,
    literals.extras,
    batch.genomeKind ?? "vector",
    batch.genomeTexts ?? [],
  ];
}

/** $16–$25 of the one-statement commit: the counters' inputs. */
function counterParams(batch: CandidateBatch, plan: ReturnType<typeof countersPlan>) {
  return [
    batch.evaluations,
    batch.failed,
    batch.generated ? 1 : 0,
    plan.reachedBudget,
    batch.usage?.promptTokens ?? 0,
    batch.usage?.completionTokens ?? 0,
    batch.usage?.costUsd ?? 0,
    batch.duplicates ?? 0,
    plan.fold,
    plan.snapshotDue,
  ];
}

/**
 * The plain batch on one node-postgres connection: BEGIN, the lock statement, the one-statement upsert
 * and counters, COMMIT. Undefined (rolled back, nothing written) when the locked row needs what only
 * the Prisma path does: re-binning, islands, or completing the run (exact totals, the status event).
 */
async function commitDirect(pool: pg.Pool, batch: CandidateBatch, snapshotEvery: number, literals: Literals): Promise<CommitResult | undefined> {
  const genomes = Buffer.from(batch.genomes.buffer, batch.genomes.byteOffset, batch.genomes.byteLength);
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query("BEGIN");
    const { rows: [locked] } = await client.query<LockedRow>(LOCK_AND_RECORD, [batch.experimentId, batch.batchId, batch.evaluations]);
    const lockedAt = performance.now();
    if (!locked) throw new Error(`experiment ${batch.experimentId} does not exist`);
    if (!locked.fresh) {
      await client.query("ROLLBACK");
      return duplicateResult(locked);
    }
    const plan = countersPlan(locked, batch, snapshotEvery);
    // Not `fold`: the run's last batch, or islands.
    if (autoDimensions(locked.config) || !plan.fold || locked.status === "completed") {
      await client.query("ROLLBACK");
      return undefined;
    }
    const revision = locked.archiveRevision;
    const { rows: [after] } = await client.query<AfterRow>(UPSERT_AND_COUNT.bytea, [...rowParams(batch, literals, literals.cells, revision, genomes), ...counterParams(batch, plan)]);
    // The row turned completed (its cost budget): the Prisma path writes the totals and events for that.
    if (after!.status === "completed") {
      await client.query("ROLLBACK");
      return undefined;
    }
    await client.query("COMMIT");
    return { duplicate: false, revision, status: after!.status, evaluations: plan.evaluations, numElites: after!.numElites, completed: false, improved: after!.improvedCells, heldMs: performance.now() - lockedAt };
  } catch (error) {
    failure = error as Error;
    // A broken connection cannot roll back: released with the error, the pool discards it (and the
    // server ends its transaction when the connection closes).
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release(failure);
  }
}

async function commitThroughPrisma(prisma: PrismaClient, batch: CandidateBatch, snapshotEvery: number, timeoutMs: number, literals: Literals): Promise<CommitResult> {
  const id = batch.experimentId;
  const genomes = base64(batch.genomes);
  let lockedAt = 0;
  const result = await prisma.$transaction(async (tx) => {
    const locked = batch.cma ? await lockForCma(tx as unknown as PrismaClient, batch) : await lockAndRecord(tx as unknown as PrismaClient, batch);
    lockedAt = performance.now();
    if (!locked) throw new Error(`experiment ${id} does not exist`);
    if (!locked.fresh) return duplicateResult(locked);
    const revision = locked.archiveRevision;
    // "range": "auto" descriptors: bounds may grow (re-binning the archive) and cells are recomputed under the lock.
    const auto = autoDimensions(locked.config);
    if (auto) await applyAutoRange(tx as unknown as PrismaClient, id, auto, batch, revision, locked.numElites === 0);
    // Re-binning recomputes the batch's cells under the lock: encode them again.
    const cells = auto ? numberArrayLiteral(batch.cells) : literals.cells;
    const plan = countersPlan(locked, batch, snapshotEvery);
    const { evaluations, reachedBudget, snapshotDue, fold } = plan;
    const fast = !auto && locked.islandCount === 0 && plainBatch(batch);
    let after: AfterRow | undefined;
    let searchRevision: number | undefined;
    const rows = rowParams(batch, literals, cells, revision, genomes);
    if (fast) {
      [after] = await tx.$queryRawUnsafe<AfterRow[]>(UPSERT_AND_COUNT.base64, ...rows, ...counterParams(batch, plan));
    } else {
      const [delta] = await tx.$queryRawUnsafe<{ newCells: number; fitnessDelta: number; maxFitness: number | null; improved: [number, number][]; armWins: [string, number, number | null][]; promptWins: [number, number, number | null][] }[]>(
        UPSERT_ELITES,
        ...rows,
      );
      // Islands: the job's island archive takes the same candidates by the same rule (the union stays in "Elite").
      if (locked.islandCount > 0) await upsertIslandElites(tx as unknown as PrismaClient, batch, locked.islandCount, revision);
      if (batch.failures?.length) await recordFailures(tx as unknown as PrismaClient, id, batch);
      if (locked.islandCount > 0) await tagIsland(tx as unknown as PrismaClient, batch, locked.islandCount);
      const arms = armDeltas(batch, delta!.armWins, locked.qdOffset);
      if (arms.length) await moveModelArms(tx as unknown as PrismaClient, id, arms);
      await movePromptVariants(tx as unknown as PrismaClient, id, batch, delta!.promptWins, locked.qdOffset);
      if (batch.cma?.thresholds) await updateThresholds(tx as unknown as PrismaClient, id, revision, batch.cma.thresholds);
      searchRevision = batch.search ? await commitSearchState(tx as unknown as PrismaClient, id, batch.search) : undefined;
      [after] = await tx.$queryRawUnsafe<AfterRow[]>(
        `WITH ${counterCtes(COUNTER_PARAMS)} SELECT * FROM after`,
        id,
        batch.evaluations,
        batch.failed,
        batch.generated ? 1 : 0,
        delta!.newCells,
        delta!.fitnessDelta,
        delta!.maxFitness,
        reachedBudget,
        batch.usage?.promptTokens ?? 0,
        batch.usage?.completionTokens ?? 0,
        batch.usage?.costUsd ?? 0,
        batch.duplicates ?? 0,
        fold,
        JSON.stringify(delta!.improved),
        snapshotDue,
      );
    }
    const improved = after!.improvedCells;
    const folded = fold && after!.status !== "completed";
    if (locked.islandCount > 0 && locked.config.islands) {
      await applyIslandRules(tx as unknown as PrismaClient, id, locked.config.islands, locked, { evaluations, maxFitness: after!.maxFitness });
    }
    const completed = after!.status === "completed" && locked.status !== "completed";
    if (completed) await exactTotals(tx as unknown as PrismaClient, id);
    if (!folded && (snapshotDue || completed)) await snapshot(tx as unknown as PrismaClient, id);
    if (!folded) {
      await tx.$executeRawUnsafe(
        `INSERT INTO "ExperimentEvent" ("experimentId", type, payload) VALUES ($1::uuid, 'batch', $2::jsonb)`,
        id,
        JSON.stringify({ evaluations, numElites: after!.numElites, qdScore: after!.qdScore, maxFitness: after!.maxFitness, improved } satisfies BatchEvent),
      );
    }
    if (completed) await recordStatusEvent(tx as unknown as PrismaClient, id, "completed", reachedBudget ? "budget reached" : (after!.statusReason ?? "cost budget reached"));
    return { duplicate: false, revision, status: after!.status, evaluations, numElites: after!.numElites, completed, improved, ...(searchRevision !== undefined ? { searchRevision } : {}) };
  }, { timeout: timeoutMs, maxWait: 30_000 });
  return result.duplicate ? result : { ...result, heldMs: performance.now() - lockedAt };
}

/**
 * Records the batch in the ledger and takes the experiment row (which serialises this experiment's
 * archive writes until commit) in one round trip; asynchronous commit is switched on in the same
 * statement. Safe without waiting for the WAL flush: ledger and archive commit or vanish together,
 * and a batch lost in a database crash is not in the ledger, so it is simply run again.
 * `fresh`: the batch was not in the ledger (0: a retry of a batch that landed).
 */
const LOCK_AND_RECORD = `WITH cfg AS (SELECT set_config('synchronous_commit', 'off', true)),
     fresh AS (
       INSERT INTO "ProcessedBatch" ("experimentId", "batchId", evaluations) SELECT $1::uuid, $2, $3 FROM cfg
       ON CONFLICT DO NOTHING RETURNING 1
     )
     UPDATE "Experiment" SET "archiveRevision" = "archiveRevision" + (SELECT count(*) FROM fresh) WHERE id = $1::uuid
     RETURNING *, (SELECT count(*) FROM fresh)::int AS fresh`;

async function lockAndRecord(tx: PrismaClient, batch: CandidateBatch): Promise<LockedRow | undefined> {
  const [row] = await tx.$queryRawUnsafe<LockedRow[]>(
    LOCK_AND_RECORD,
    batch.experimentId,
    batch.batchId,
    batch.evaluations,
  );
  return row;
}

/** CMA jobs: the same, with the emitter's state moved (compare-and-set on its own row) before the experiment lock. */
async function lockForCma(tx: PrismaClient, batch: CandidateBatch): Promise<LockedRow | undefined> {
  const id = batch.experimentId;
  await tx.$executeRawUnsafe(`SET LOCAL synchronous_commit TO OFF`);
  const fresh = await tx.$executeRawUnsafe(
    `INSERT INTO "ProcessedBatch" ("experimentId", "batchId", evaluations) VALUES ($1::uuid, $2, $3) ON CONFLICT DO NOTHING`,
    id,
    batch.batchId,
    batch.evaluations,
  );
  if (fresh && batch.cma) await moveEmitterChain(tx, id, batch.cma);
  const [locked] = await tx.$queryRawUnsafe<ExperimentRow[]>(
    `UPDATE "Experiment" SET "archiveRevision" = "archiveRevision" + $2 WHERE id = $1::uuid RETURNING *`,
    id,
    fresh ? 1 : 0,
  );
  return locked && { ...locked, fresh };
}

async function recordFailures(tx: PrismaClient, id: string, batch: CandidateBatch) {
  const f = batch.failures!;
  const kind = batch.genomeKind ?? "vector";
  const dim = batch.genomeDim;
  const genomes = new Float64Array(kind === "vector" ? f.length * dim : 0);
  if (kind === "vector") f.forEach((c, i) => genomes.set(Array.from(c.genome as ArrayLike<number>).slice(0, dim), i * dim));
  const texts = kind === "vector" ? [] : f.map((c) => (c.genome === undefined ? null : kind === "json" ? JSON.stringify(c.genome) : String(c.genome)));
  const extras = f.map(({ id: _id, genome: _g, parentIds: _p, ...rest }) => rest);
  await tx.$executeRawUnsafe(
    `INSERT INTO "Solution" (id, "experimentId", status, "genomeKind", "genomeVector", "genomeText", "genomeJson", descriptors, "parentIds", operator, error, logs, "evalMs",
                             model, "promptTokens", "completionTokens", "costUsd", prompt, reply, "duplicateOf", similarity, selection)
     SELECT ($2::uuid[])[i], $1::uuid, coalesce(x ->> 'status', 'failed')::"SolutionStatus", $7,
            CASE WHEN $7 = 'vector' THEN substring($3::bytea FROM (i - 1) * $4 * 8 + 1 FOR $4 * 8) END,
            CASE WHEN $7 IN ('code', 'text') THEN ($8::text[])[i] END, CASE WHEN $7 = 'json' THEN (($8::text[])[i])::jsonb END,
            '{}', ARRAY(SELECT jsonb_array_elements_text(($5::jsonb) -> (i - 1)))::uuid[], coalesce(x ->> 'operator', $6),
            x ->> 'error', x ->> 'logs', (x ->> 'evalMs')::float8,
            x ->> 'model', (x ->> 'promptTokens')::int, (x ->> 'completionTokens')::int, (x ->> 'costUsd')::float8, x ->> 'prompt', x ->> 'reply',
            (x ->> 'duplicateOf')::uuid, (x ->> 'similarity')::float8, x -> 'selection'
     FROM generate_subscripts($2::uuid[], 1) AS i, LATERAL (SELECT ($9::jsonb) -> (i - 1) AS x) e
     ON CONFLICT (id) DO NOTHING`,
    id,
    f.map((c) => c.id),
    new Uint8Array(genomes.buffer),
    dim,
    JSON.stringify(f.map((c) => c.parentIds)),
    batch.operator,
    kind,
    texts,
    JSON.stringify(extras),
  );
}

interface ArmDelta {
  model: string;
  pulls: number;
  costUsd: number;
  gain: number;
  improvements: number;
}

/**
 * Per configured model, what this batch adds to its record: every candidate it wrote is a pull
 * (failures and unusable replies too: they cost), and each of its candidates that won a cell adds
 * the QD-score gain of that insertion (over the previous elite, or over the QD offset in a new cell).
 */
export function armDeltas(batch: CandidateBatch, wins: [string, number, number | null][], qdOffset: number): ArmDelta[] {
  const by = new Map<string, ArmDelta>();
  const of = (model: string) => {
    let d = by.get(model);
    if (!d) by.set(model, (d = { model, pulls: 0, costUsd: 0, gain: 0, improvements: 0 }));
    return d;
  };
  for (const x of [...(batch.extras ?? []), ...(batch.failures ?? [])]) {
    if (!x.arm) continue;
    const d = of(x.arm);
    d.pulls++;
    d.costUsd += x.armCostUsd ?? x.costUsd ?? 0;
  }
  for (const [model, fitness, old] of wins) {
    const d = of(model);
    d.improvements++;
    d.gain += Math.max(0, fitness - (old ?? qdOffset));
  }
  return [...by.values()];
}

async function moveModelArms(tx: PrismaClient, id: string, arms: ArmDelta[]) {
  await tx.$executeRawUnsafe(
    `INSERT INTO "ModelArm" ("experimentId", model, pulls, "costUsd", gain, improvements, "updatedAt")
     SELECT $1::uuid, m, p, c, g, i, now() FROM unnest($2::text[], $3::int[], $4::float8[], $5::float8[], $6::int[]) AS t(m, p, c, g, i)
     ON CONFLICT ("experimentId", model) DO UPDATE SET
       pulls = "ModelArm".pulls + excluded.pulls, "costUsd" = "ModelArm"."costUsd" + excluded."costUsd",
       gain = "ModelArm".gain + excluded.gain, improvements = "ModelArm".improvements + excluded.improvements, "updatedAt" = now()`,
    id,
    arms.map((a) => a.model),
    arms.map((a) => a.pulls),
    arms.map((a) => a.costUsd),
    arms.map((a) => a.gain),
    arms.map((a) => a.improvements),
  );
}

/** Counters are incremental; at the end, recompute them from the archive so float drift never shows. */
async function exactTotals(tx: PrismaClient, id: string) {
  await tx.$executeRawUnsafe(
    `UPDATE "Experiment" x SET "numElites" = t.n, "sumFitness" = t.s, "qdScore" = t.s - x."qdOffset" * t.n, "maxFitness" = t.m
     FROM (SELECT count(*)::int AS n, coalesce(sum(fitness ORDER BY cell), 0) AS s, max(fitness) AS m FROM "Elite" WHERE "experimentId" = $1::uuid) t
     WHERE x.id = $1::uuid`,
    id,
  );
}

/**
 * Records the current metrics as one point on the curves (idempotent per
 * evaluation count) and publishes it as a `snapshot` event for live charts.
 */
export async function snapshot(tx: PrismaClient, id: string) {
  await tx.$executeRawUnsafe(
    `WITH s AS (
       INSERT INTO "MetricSnapshot" ("experimentId", evaluations, coverage, "qdScore", "normQdScore", "maxFitness", "meanFitness", "numElites", "promptTokens", "completionTokens", "costUsd")
       SELECT id, evaluations, "numElites"::float8 / cells, "qdScore", "qdScore" / cells, "maxFitness",
              CASE WHEN "numElites" > 0 THEN "sumFitness" / "numElites" END, "numElites", "promptTokens", "completionTokens", "costUsd"
       FROM "Experiment" WHERE id = $1::uuid
       ON CONFLICT ("experimentId", evaluations) DO NOTHING
       RETURNING *
     )
     INSERT INTO "ExperimentEvent" ("experimentId", type, payload)
     SELECT "experimentId", 'snapshot', to_jsonb(s) - 'experimentId' - 'createdAt' FROM s`,
    id,
  );
  // LLM ensembles: each model's record at the same point (nothing for runs without ModelArm rows).
  await tx.$executeRawUnsafe(
    `INSERT INTO "ModelArmSnapshot" ("experimentId", evaluations, model, pulls, "costUsd", gain, improvements)
     SELECT a."experimentId", x.evaluations, a.model, a.pulls, a."costUsd", a.gain, a.improvements
     FROM "ModelArm" a JOIN "Experiment" x ON x.id = a."experimentId" WHERE a."experimentId" = $1::uuid
     ON CONFLICT DO NOTHING`,
    id,
  );
}

export async function recordStatusEvent(tx: PrismaClient, id: string, status: string, reason?: string) {
  await tx.$executeRawUnsafe(
    `INSERT INTO "ExperimentEvent" ("experimentId", type, payload) VALUES ($1::uuid, 'status', $2::jsonb)`,
    id,
    JSON.stringify({ status, reason: reason ?? null } satisfies StatusEvent),
  );
}

export interface StoredElite {
  cell: number;
  fitness: number;
  descriptors: number[];
  genomeVector: Uint8Array;
  solutionId: string;
  revision: bigint;
}

const ELITES_SINCE = `SELECT cell, fitness, descriptors, "genomeVector", "solutionId"::text AS "solutionId", revision
     FROM "Elite" WHERE "experimentId" = $1::uuid AND revision > $2 AND revision <> $3 ORDER BY revision`;

/**
 * Elites written after `revision` (all of them for revision -1): a cache's
 * incremental refresh. `skipRevision` leaves out a write the caller made itself.
 * `direct` (lib/db/direct-pool.ts): read through node-postgres, not Prisma's raw-query path, which
 * re-encodes every row (the genomes' bytes included) on their way to the caller; the same rows come back.
 */
export async function elitesSince(prisma: PrismaClient, experimentId: string, revision: bigint, skipRevision = -1n, direct?: pg.Pool): Promise<StoredElite[]> {
  if (direct) return (await direct.query<StoredElite>(ELITES_SINCE, [experimentId, revision, skipRevision])).rows;
  return prisma.$queryRawUnsafe<StoredElite[]>(ELITES_SINCE, experimentId, revision, skipRevision);
}
