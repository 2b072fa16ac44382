/** Shapes the dashboard works with, normalised from the REST API (or Prisma on first paint). */
import type { SelectionInfo } from "@/components/lineage/selection";

export type ExperimentStatus = "draft" | "queued" | "running" | "paused" | "completed" | "cancelled" | "failed";

export const STATUSES: ExperimentStatus[] = ["draft", "queued", "running", "paused", "completed", "cancelled", "failed"];

export interface DescriptorInfo {
  name: string;
  min: number;
  max: number;
  bins: number;
}

export interface Metrics {
  coverage: number;
  qdScore: number;
  normQdScore: number;
  maxFitness: number | null;
  meanFitness: number | null;
}

export interface ExperimentSummary {
  id: string;
  name: string;
  status: ExperimentStatus;
  statusReason: string | null;
  domainType: string;
  archiveType: string;
  emitterType: string;
  evaluations: number;
  /** Evaluations the evaluator failed (counted in `evaluations`). */
  failedEvaluations: number;
  /** LLM proposals rejected as duplicates before evaluation. */
  duplicates: number;
  budgetEvaluations: number;
  cells: number;
  numElites: number;
  batchSize: number;
  seed: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  metrics: Metrics;
  /** LLM runs: tokens and cost spent so far (zeros otherwise). */
  usage: Usage;
  /** Cost cap in USD (budget.costUsd), null when none. */
  budgetCostUsd: number | null;
  config: Record<string, unknown>;
  /** The user's notes and tags on the run (PATCH /api/experiments/:id). */
  notes: string;
  tags: string[];
  /** Experiments with islands (null otherwise): islands now, migration rounds, migrants kept, per-island counts. */
  islands: IslandsInfo | null;
}

export interface IslandsInfo {
  count: number;
  migrations: number;
  migrantsAccepted: number;
  /** From GET /api/experiments/:id only. */
  perIsland?: { island: number; elites: number; maxFitness: number | null; qdScore: number }[];
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

export interface Snapshot {
  evaluations: number;
  coverage: number;
  qdScore: number;
  normQdScore: number;
  maxFitness: number | null;
  meanFitness: number | null;
  numElites: number;
  /** LLM runs: cumulative cost in USD at this point (absent on older snapshots). */
  costUsd?: number | null;
}

export type Geometry =
  | { type: "grid"; dims: number[]; ranges: [number, number][] }
  | { type: "cvt"; centroids: number[][]; ranges: [number, number][] };

/** Compact archive: parallel arrays, descriptors row-major (n × d). */
export interface ArchivePayload {
  cells: number;
  geometry: Geometry;
  descriptorNames: string[];
  cell: Int32Array;
  fitness: Float64Array;
  descriptors: Float64Array;
  solutionIds: (string | null)[];
}

export interface SolutionDetail {
  id: string;
  fitness: number | null;
  descriptors: number[];
  cell: number | null;
  parentIds: string[];
  operator: string;
  createdAt: string | null;
  genomeKind: string;
  genome: number[] | string | unknown;
  error: string | null;
  logs: string | null;
  evalMs: number | null;
  metrics: Record<string, unknown> | null;
  /** evaluated | failed (the evaluator or sandbox said no) | invalid (unusable LLM reply). */
  status: string;
  /** LLM operator: the model, its token usage and cost, the prompt sent ("### system" / "### user") and the raw reply. */
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  costUsd: number | null;
  prompt: string | null;
  reply: string | null;
  /** LLM runs: how the parents were chosen (policy per parent, crossover). */
  selection: SelectionInfo | null;
}

/** A candidate from GET /api/experiments/:id/solutions (logs cut at 4,000 characters). */
export interface EvaluationItem {
  id: string;
  /** invalid: the operator produced nothing evaluable (an unusable LLM reply, a mutation that threw). */
  status: "evaluated" | "failed" | "invalid";
  fitness: number | null;
  error: string | null;
  logs: string | null;
  logsTruncated: boolean;
  evalMs: number | null;
  metrics: Record<string, unknown> | null;
  operator: string;
  createdAt: string | null;
}

/** Evaluated candidates that stopped at a stage of the evaluation cascade. */
export interface StageCount {
  stage: number;
  count: number;
}

/** A key of the evaluator's metrics and how often / over what range the run produced it. */
export interface MetricKeyInfo {
  key: string;
  count: number;
  min: number | null;
  max: number | null;
}

export interface LineageNode {
  id: string;
  parentIds: string[];
  fitness: number | null;
  operator: string;
  cell: number | null;
  descriptors: number[];
  createdAt: string | null;
  selection: SelectionInfo | null;
}

export interface QueueInfo {
  name: string;
  counts: Record<string, number>;
  workers: number | null;
  error: string | null;
  failures: { id?: string; name?: string; reason: string; at?: string | null }[];
}

/** First paint of the experiment page (server → client props; typed arrays as base64). */
export interface InitialArchive {
  cells: number;
  geometry: Geometry;
  names: string[];
  /** base64 Int32Array / Float64Array / Float32Array (n × d). */
  cell: string;
  fitness: string;
  descriptors: string;
  revision: number;
}

export interface InitialData {
  experiment: ExperimentSummary;
  archive: InitialArchive;
  snapshots: Snapshot[];
  lastEventId: string | null;
}
