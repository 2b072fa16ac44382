import { z } from "zod";
import { STATUSES } from "./schemas";
import { BatchEvent, SnapshotEvent, StatusEvent } from "./event-payloads";
import { PARENT_POLICIES } from "@/lib/llm/parent-selection";

/**
 * Response bodies of the REST API, as zod schemas: they describe what the
 * handlers return (experimentDto, solutionDto, ask/tell results, …) for the
 * OpenAPI document, from which clients (clients/python) generate their models.
 * Timestamps are ISO 8601 strings; revisions and event ids are numbers.
 */

const num = z.number();
const nullableNum = z.number().nullable();
const uuid = z.string().describe("UUID");
const timestamp = z.string().describe("ISO 8601 date-time");
const Status = z.enum(STATUSES);

export const ExperimentMetrics = z.object({
  coverage: num,
  qdScore: num,
  normQdScore: num,
  maxFitness: nullableNum,
  meanFitness: nullableNum,
});

export const DescriptorInfo = z.object({ name: z.string(), min: num, max: num, bins: z.number().int(), source: z.string().nullable().optional() });

export const Experiment = z.object({
  id: uuid,
  name: z.string(),
  notes: z.string().nullable(),
  tags: z.array(z.string()).describe("the user's tags (PATCH /api/experiments/:id)"),
  status: Status,
  statusReason: z.string().nullable(),
  config: z.record(z.string(), z.unknown()).describe("the stored configuration (the body of createExperiment, defaults filled in)"),
  domainType: z.string(),
  archiveType: z.string(),
  emitterType: z.string(),
  seed: z.number().int(),
  batchSize: z.number().int(),
  budget: z.object({ evaluations: z.number().int(), costUsd: nullableNum }),
  cells: z.number().int(),
  evaluations: z.number().int(),
  failedEvaluations: z.number().int(),
  duplicates: z.number().int().describe("LLM candidates rejected as duplicates before evaluation (not counted in evaluations)"),
  numElites: z.number().int(),
  metrics: ExperimentMetrics,
  qdOffset: num,
  usage: z.object({ promptTokens: z.number().int(), completionTokens: z.number().int(), costUsd: num }),
  archiveRevision: z.number().int(),
  islands: z
    .object({
      count: z.number().int().describe("islands that exist now (config.islands.count, plus any spawned on stagnation)"),
      migrations: z.number().int().describe("migration rounds done (one per islands.migrationInterval evaluations)"),
      migrantsAccepted: z.number().int().describe("migrants an island's archive kept (they beat or filled the cell)"),
      perIsland: z
        .array(z.object({ island: z.number().int(), elites: z.number().int(), maxFitness: nullableNum, qdScore: num }))
        .optional()
        .describe("present on single-experiment responses"),
    })
    .nullable()
    .optional()
    .describe("null when the experiment has no islands"),
  descriptors: z.array(DescriptorInfo).optional().describe("present on single-experiment responses, absent from list items"),
  createdAt: timestamp,
  updatedAt: timestamp,
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
});

export const ExperimentList = z.object({ experiments: z.array(Experiment), nextCursor: z.string().nullable(), total: z.number().int() });

export const SelectionRecord = z.object({
  policy: z.enum(PARENT_POLICIES).describe("the experiment's emitter.parentSelection.policy"),
  parents: z.array(z.object({ policy: z.string().describe('the rule that chose this parent: the policy, "mix/explore", "mix/exploit" or "seed"'), p: num.describe("its probability then") })),
  crossover: z.boolean().optional().describe("written from two parents of different cells"),
});

export const Solution = z.object({
  id: uuid,
  experimentId: uuid,
  status: z.enum(["pending", "evaluated", "failed", "invalid", "duplicate"]),
  genomeKind: z.enum(["vector", "code", "text", "json"]),
  genome: z.unknown().describe("numbers for vector genomes, a string for programs/texts, any JSON value for JSON genomes"),
  fitness: nullableNum,
  descriptors: z.array(num),
  cell: z.number().int().nullable(),
  parentIds: z.array(uuid),
  operator: z.string(),
  error: z.string().nullable(),
  logs: z.string().nullable(),
  metrics: z.unknown().nullable(),
  evalMs: nullableNum,
  model: z.string().nullable(),
  promptTokens: z.number().int().nullable(),
  completionTokens: z.number().int().nullable(),
  costUsd: nullableNum,
  prompt: z.string().nullable(),
  reply: z.string().nullable(),
  selection: SelectionRecord.nullable().describe("LLM runs: how the parents were chosen, one entry per parent id (null for seeds and other operators)"),
  eliteRevision: z.number().int().nullable(),
  duplicateOf: uuid.nullable().describe('status "duplicate": the stored solution this candidate repeats (it was not evaluated)'),
  similarity: nullableNum.describe('status "duplicate": 1 = identical after normalisation, else the MinHash Jaccard or embedding cosine'),
  createdAt: timestamp,
});

export const SolutionSummary = z.object({
  id: uuid,
  status: z.enum(["evaluated", "failed", "invalid", "duplicate"]),
  fitness: nullableNum,
  descriptors: z.array(num),
  cell: z.number().int().nullable(),
  operator: z.string(),
  error: z.string().nullable(),
  logs: z.string().nullable(),
  logsTruncated: z.boolean(),
  evalMs: nullableNum,
  metrics: z.unknown().nullable(),
  elite: z.boolean(),
  duplicateOf: uuid.nullable(),
  similarity: nullableNum,
  createdAt: timestamp,
});

export const SolutionList = z.object({ solutions: z.array(SolutionSummary), nextCursor: z.string().nullable() });

export const Elite = z.object({
  experimentId: uuid,
  cell: z.number().int(),
  fitness: num,
  descriptors: z.array(num),
  revision: z.number().int(),
  updatedAt: timestamp,
  solutionId: uuid,
  solution: Solution.nullable(),
});

const GeometryDescriptor = z.object({ name: z.string(), min: num, max: num, bins: z.number().int() });
export const Archive = z.object({
  experimentId: uuid,
  geometry: z.object({
    type: z.enum(["grid", "cvt"]),
    cells: z.number().int(),
    descriptors: z.array(GeometryDescriptor),
    ranges: z.array(z.array(num)),
    dims: z.array(z.number().int()).optional().describe("grid: bins per descriptor; a cell is the row-major index of its bins"),
    centroids: z.array(z.array(num)).optional().describe("cvt: the centroid of each cell"),
  }),
  elites: z.object({
    revision: z.number().int(),
    count: z.number().int(),
    cell: z.array(z.number().int()),
    fitness: z.array(num),
    descriptors: z.array(z.array(num)),
    solutionId: z.array(uuid),
  }),
});

const Facet = z.object({ value: z.string(), count: z.number().int() });

/** One page of GET /api/experiments/:id/elites: the archive as a sortable, filterable table. */
export const ElitePage = z.object({
  experimentId: uuid,
  descriptorNames: z.array(z.string()),
  /** Elites matching the filters (the archive holds `archiveSize`). */
  total: z.number().int(),
  archiveSize: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  sort: z.string(),
  order: z.enum(["asc", "desc"]),
  /** Every operator and model present in the archive, most elites first (the filters' choices). */
  facets: z.object({ operator: z.array(Facet), model: z.array(Facet) }),
  elites: z.array(
    z.object({
      cell: z.number().int(),
      fitness: num,
      descriptors: z.array(num),
      solutionId: uuid,
      operator: z.string(),
      model: z.string().nullable(),
      costUsd: nullableNum,
      evalMs: nullableNum,
      createdAt: timestamp,
      /** When the cell last changed hands. */
      updatedAt: timestamp,
      verified: z.boolean().nullable().describe("evaluation.reevaluate runs: whether the elite's re-evaluations agreed (null: not re-evaluated)"),
      fitnessSpread: nullableNum.describe("evaluation.reevaluate runs: max − min of the elite's evaluations"),
    }),
  ),
});

export const MetricSnapshot = z.object({
  evaluations: z.number().int(),
  coverage: num,
  qdScore: num,
  normQdScore: num,
  maxFitness: nullableNum,
  meanFitness: nullableNum,
  numElites: z.number().int(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  costUsd: num,
  createdAt: timestamp,
});

export const Metrics = z.object({ snapshots: z.array(MetricSnapshot), last: z.number().int(), more: z.boolean() });

export const LineageStep = z.object({
  depth: z.number().int(),
  id: uuid,
  operator: z.string(),
  fitness: nullableNum,
  cell: z.number().int().nullable(),
  descriptors: z.array(num),
  parentIds: z.array(uuid),
  selection: SelectionRecord.nullable(),
  status: z.string(),
  createdAt: timestamp,
});

export const Lineage = z.object({ solutionId: uuid, length: z.number().int(), complete: z.boolean(), steps: z.array(LineageStep) });

export const Candidate = z.object({ id: uuid, genome: z.unknown(), parentIds: z.array(uuid), operator: z.string() });

export const AskResponse = z.object({
  candidates: z.array(Candidate).describe('encoding "json": one object per candidate (empty with encoding "base64")'),
  budgetRemaining: z.number().int(),
  pending: z.number().int(),
  batchId: uuid.optional().describe("the stored batch (absent when no candidate was handed out); the binary tell names it"),
  expiresAt: z.string().optional().describe("ISO time after which untold candidates of this batch are released from the budget and refused (410)"),
  ids: z.array(uuid).optional().describe('encoding "base64": the candidate ids, in genome order'),
  dim: z.number().int().optional().describe('encoding "base64": values per genome'),
  genomes: z.string().optional().describe('encoding "base64": all genomes as little-endian float64, row-major (ids.length × dim), base64'),
  parentIds: z.array(z.array(uuid)).optional().describe('encoding "base64": the parents of each candidate'),
  operator: z.string().optional().describe('encoding "base64": the operator of every candidate'),
});

export const AskBinaryHeader = z
  .object({
    budgetRemaining: z.number().int(),
    pending: z.number().int(),
    batchId: uuid.optional().describe("the stored batch (absent when count is 0); candidate i is this UUID with its last 4 hex digits replaced by i (hex)"),
    expiresAt: z.string().optional(),
    count: z.number().int().describe("candidates in this answer"),
    dim: z.number().int().describe("values per genome"),
    operator: z.string(),
    parentsPer: z.number().int().describe("parent slots per candidate in the parents block"),
    genomeBytes: z.number().int().describe("count × dim × 8: little-endian float64 genomes, row-major, right after the header line"),
    parentBytes: z.number().int().describe("count × parentsPer × 16: parent ids as raw 16-byte UUIDs (all zero = no parent), after the genomes"),
  })
  .describe('encoding "binary" (application/octet-stream): this JSON object on the first line (ending in \\n), then genomeBytes, then parentBytes');

export const InsertOutcome = z.object({ id: uuid, status: z.enum(["new", "improved", "not_added", "failed"]), cell: z.number().int().nullable(), fitness: nullableNum });

export const TellResponse = z.object({
  duplicate: z.boolean(),
  results: z.array(InsertOutcome).optional().describe('one per told candidate, in the order told (absent with answer "blocks")'),
  statuses: z.string().optional().describe('answer "blocks": one uint8 per told candidate, in order (1 new, 2 improved, 3 not_added, 4 failed), base64'),
  cells: z.string().optional().describe('answer "blocks": the cell of each told candidate, int32 little-endian (-1 for a failure), base64'),
  experimentStatus: Status,
  evaluations: z.number().int(),
  numElites: z.number().int(),
  budgetEvaluations: z.number().int(),
});

export const SubmitResponse = z.object({
  mode: z.enum(["evaluated", "pending", "queued"]).describe("evaluated now (built-in domains), pending candidates to tell (external), or queued for the experiment's evaluator"),
  duplicate: z.boolean().optional(),
  results: z.array(InsertOutcome).optional().describe('mode "evaluated"'),
  candidates: z.array(z.object({ id: uuid, genome: z.unknown().optional(), parentIds: z.array(uuid), operator: z.string().optional() })).optional().describe('modes "pending" and "queued"'),
  budgetRemaining: z.number().int().optional(),
  experimentStatus: Status.optional(),
  evaluations: z.number().int().optional(),
  numElites: z.number().int().optional(),
  budgetEvaluations: z.number().int().optional(),
});

export const MetricKeys = z.object({
  keys: z.array(z.object({ key: z.string(), count: z.number().int(), min: nullableNum, max: nullableNum })),
  solutions: z.number().int(),
  stages: z.array(z.object({ stage: z.number().int(), count: z.number().int() })).describe("program runs with a cascade: evaluated candidates per stage reached"),
});

const Outcomes = z.object({ new_cell: z.number().int(), improved: z.number().int(), no_gain: z.number().int(), invalid: z.number().int(), failed: z.number().int(), duplicate: z.number().int() });
const BudgetGroup = z.object({
  key: z.string(),
  evaluations: z.number().int(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  costUsd: num,
  outcomes: Outcomes,
  costPerImprovement: nullableNum,
  duplicates: z.number().int().describe("rejected before evaluation (not in evaluations)"),
  duplicateRate: num.describe("duplicates' share of all proposals"),
});

/** GET /api/experiments/:id/budget: where a run's evaluations, tokens and money went. */
export const BudgetReport = z.object({
  experimentId: uuid,
  evaluations: z.number().int(),
  storedEvaluations: z.number().int(),
  unstoredNoGain: z.number().int().describe("no-gain evaluations the run did not store (keepAllSolutions off), counted in outcomes.no_gain"),
  costUsd: num,
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  outcomes: Outcomes,
  improvements: z.number().int(),
  costPerImprovement: nullableNum,
  duplicates: z.number().int(),
  duplicateRate: num,
  byModel: z.array(BudgetGroup),
  byOperator: z.array(BudgetGroup),
  byIsland: z.array(BudgetGroup).describe('runs with islands: key "0", "1", … and "seeds" (the initial population)'),
  byOutcome: z.array(BudgetGroup),
  stages: z.array(z.object({ stage: z.number().int(), count: z.number().int() })).describe("cascade evaluators: evaluated candidates by the last stage they reached"),
  overEvaluations: z.array(z.object({ bucket: z.number().int(), upto: timestamp, evaluations: z.number().int(), costUsd: num, outcomes: Outcomes })),
  evalTime: z.object({
    count: z.number().int(),
    p50: nullableNum,
    p90: nullableNum,
    p99: nullableNum,
    max: nullableNum,
    histogram: z.array(z.object({ fromMs: num, toMs: num, count: z.number().int() })).describe("bins [10^(bin/4), 10^((bin+1)/4)) ms"),
  }),
});

/** GET /api/experiments/:id/models: per model of an LLM run, its calls, cost and archive gain (the model bandit's record), and the same over the run. */
const ModelRecord = z.object({ pulls: z.number().int(), costUsd: num, gain: num, improvements: z.number().int() });
export const ModelsReport = z.object({
  experimentId: uuid,
  modelSelection: z.enum(["fixed", "ucb", "thompson"]).nullable().describe("null: not an LLM run"),
  strategy: z.enum(["evolve", "best-of-n"]).nullable(),
  models: z.array(
    ModelRecord.extend({
      model: z.string(),
      provider: z.string().nullable().describe("where its calls go (host only)"),
      weight: nullableNum,
      configured: z.boolean().describe("false: recorded, but no longer in the config"),
      share: nullableNum.describe("its share of all calls"),
      gainPerPull: nullableNum,
      gainPerDollar: nullableNum,
      value: nullableNum.describe("the bandit's value without exploration, relative to the best model (1)"),
    }),
  ),
  series: z.array(z.object({ evaluations: z.number().int(), models: z.record(z.string(), ModelRecord) })),
});

const PromptVariantRecord = z.object({
  variant: z.number().int(),
  parentVariant: z.number().int().nullable(),
  text: z.string(),
  pulls: z.number().int(),
  gain: num,
  improvements: z.number().int(),
  model: z.string().nullable(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  costUsd: num,
  createdAt: timestamp,
});

/** GET /api/experiments/:id/prompts: the system-message variants of an LLM run that evolves its prompts. */
export const PromptsReport = z.object({
  experimentId: uuid,
  evolve: z.boolean(),
  config: z.record(z.string(), z.unknown()).nullable().describe("the experiment's emitter.prompts"),
  variants: z.array(
    PromptVariantRecord.extend({
      summary: z.string().describe("the first line, for tables"),
      gainPerPull: nullableNum,
      value: nullableNum.describe("the bandit's value without exploration, relative to the best variant (1)"),
    }),
  ),
});

/** GET /api/experiments/:id/prompts/:variant: one variant, what wrote it, and its children. */
export const PromptVariant = PromptVariantRecord.extend({
  experimentId: uuid,
  metaPrompt: z.string().nullable(),
  reply: z.string().nullable(),
  children: z.record(z.string(), z.number().int()).describe("children by status"),
  recentChildren: z.array(z.object({ id: uuid, status: z.string(), fitness: nullableNum, cell: z.number().int().nullable(), elite: z.boolean(), model: z.string().nullable(), createdAt: timestamp })),
});

/** GET /api/queues: the job queues (fixed ones, then one per LLM provider in use) and the live workers. */
export const QueueHealth = z.object({
  backend: z.string().describe('"redis" or "postgres" (BullMQ\'s PostgreSQL backend)'),
  queues: z.array(
    z.object({
      name: z.string(),
      provider: z.string().optional().describe("LLM queues: the provider they call"),
      limits: z.object({ rateLimit: z.unknown().nullable(), concurrency: nullableNum }).optional().describe("LLM queues: the global rate limit and concurrency"),
      counts: z.record(z.string(), z.number().int()).nullable().describe("jobs by state; null when the backend is unavailable"),
      workers: z.number().int().nullable(),
      error: z.string().optional().describe("the backend could not be read"),
      failures: z.array(z.object({ id: z.string().optional(), name: z.string().optional(), reason: z.string(), attempts: z.number().int().optional(), failedAt: timestamp.nullable().optional(), data: z.unknown().optional() })),
    }),
  ),
  workers: z.array(z.object({ id: z.string(), hostname: z.string(), pid: z.number().int(), queues: z.array(z.string()), startedAt: timestamp, lastSeenAt: timestamp })),
});

/** GET /api/experiments/:id/search-archive: what a proximity / density run's search archive holds now. */
export const SearchArchiveReport = z.object({
  experimentId: uuid,
  type: z.string().describe('"proximity": the stored points (with objectives); "density": the KDE\'s reservoir of measures; "discount": its model\'s discount on a lattice (60 × 60 cell centres over the first two descriptors)'),
  revision: z.number().int().describe("commits that moved the search archive so far (0: no job landed yet)"),
  descriptors: z.array(z.object({ name: z.string(), min: num, max: num })),
  total: z.number().int().describe("points in the archive (proximity), the reservoir (density) or the lattice (discount)"),
  measures: z.array(z.array(num)).describe("up to 5,000 of them, evenly spread, row by row"),
  objective: z.array(num).nullable().describe("per row: the objective (proximity) or the predicted discount (discount); null for density"),
});

/** GET /api/experiments/:id/bandit: a bandit run's emitter pool with the UCB1 counts (ME-MAP-Elites). */
export const BanditReport = z.object({
  experimentId: uuid,
  numActive: z.number().int().describe("job slots running at once, each on the pool member the bandit gave it"),
  reselect: z.enum(["terminated", "all"]),
  zeta: num,
  jobs: z.number().int().describe("jobs committed so far"),
  reselections: z.number().int().describe("times a slot changed member"),
  selections: z.number().int().describe("evaluations counted by the bandit (pyribs: selections)"),
  successes: z.number().int().describe("candidates the archive took (pyribs: successes)"),
  groups: z.array(
    z.object({
      group: z.number().int().describe("0: the experiment's emitter; 1…: extraEmitters in order"),
      type: z.string().describe("the registered emitter kind"),
      label: z.string(),
      count: z.number().int(),
      active: z.number().int().describe("members of this group in a slot now"),
      selections: z.number().int(),
      successes: z.number().int(),
      successRate: nullableNum.describe("successes / selections; null before its first job"),
    }),
  ),
  members: z.array(
    z.object({
      member: z.number().int().describe("index in the pool (emitter chain)"),
      group: z.number().int(),
      type: z.string(),
      label: z.string(),
      active: z.boolean().describe("in a slot now"),
      slot: z.number().int().nullable(),
      selections: z.number().int(),
      successes: z.number().int(),
      successRate: nullableNum,
    }),
  ),
});

export const ExportJson = z.object({
  experimentId: uuid,
  descriptors: z.array(z.string()),
  kind: z.enum(["archive", "solutions"]),
  rows: z.array(z.record(z.string(), z.unknown())),
});

/** Named response schemas, in the order they appear under components.schemas. */
export const RESPONSE_SCHEMAS = {
  Experiment,
  ExperimentList,
  ExperimentMetrics,
  DescriptorInfo,
  SelectionRecord,
  Solution,
  SolutionSummary,
  SolutionList,
  Elite,
  Archive,
  ElitePage,
  MetricSnapshot,
  Metrics,
  MetricKeys,
  LineageStep,
  Lineage,
  Candidate,
  AskResponse,
  AskBinaryHeader,
  InsertOutcome,
  TellResponse,
  SubmitResponse,
  ExportJson,
  BudgetReport,
  ModelsReport,
  PromptsReport,
  PromptVariant,
  QueueHealth,
  SearchArchiveReport,
  BanditReport,
  BatchEvent,
  StatusEvent,
  SnapshotEvent,
} as const;
