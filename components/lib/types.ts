/**
 * Shapes the dashboard works with, normalised from the REST API (or Prisma on first paint) by
 * ./api.ts. They are the API's response schemas (lib/api/responses.ts, also the OpenAPI
 * document's) as zod infers them, with the few fields the dashboard flattens or tolerates
 * missing spelled out; only the decoded archive (typed arrays) is the browser's own.
 */
import type { z } from "zod";
import type { SelectionInfo } from "@/components/lineage/selection";
import type {
  DescriptorInfo as DescriptorInfoSchema,
  Experiment,
  ExperimentMetrics,
  LineageStep,
  MetricKeys,
  MetricSnapshot,
  QueueHealth,
  Solution,
  SolutionSummary,
} from "@/lib/api/responses";
import { STATUSES as API_STATUSES } from "@/lib/api/schemas";

type ExperimentBody = z.infer<typeof Experiment>;

export type ExperimentStatus = ExperimentBody["status"];

export const STATUSES: ExperimentStatus[] = [...API_STATUSES];

export type DescriptorInfo = Omit<z.infer<typeof DescriptorInfoSchema>, "source">;

export type Metrics = z.infer<typeof ExperimentMetrics>;

export type Usage = ExperimentBody["usage"];

/** Experiments with islands: islands now, migration rounds, migrants kept, per-island counts (GET /api/experiments/:id only). */
export type IslandsInfo = NonNullable<ExperimentBody["islands"]>;

export type ExperimentSummary = Pick<
  ExperimentBody,
  "id" | "name" | "status" | "statusReason" | "domainType" | "archiveType" | "emitterType" | "evaluations" | "failedEvaluations" | "duplicates" | "cells" | "numElites" | "batchSize" | "seed" | "createdAt" | "startedAt" | "finishedAt" | "metrics" | "usage" | "config" | "tags"
> & {
  /** budget.evaluations. */
  budgetEvaluations: number;
  /** Cost cap in USD (budget.costUsd), null when none. */
  budgetCostUsd: number | null;
  /** The user's notes ("" when none). */
  notes: string;
  /** null when the experiment has no islands. */
  islands: IslandsInfo | null;
};

/** A metric snapshot; `costUsd` may be absent on older snapshots. */
export type Snapshot = Pick<z.infer<typeof MetricSnapshot>, "evaluations" | "coverage" | "qdScore" | "normQdScore" | "maxFitness" | "meanFitness" | "numElites"> & { costUsd?: number | null };

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
  /** Solution ids, 16 bytes (UUID) per row, all zero where unknown; absent when none are known. Kept as bytes: a live
   * page merges up to 10,000 rows every few seconds, and making their text was most of that work. */
  solutionIds?: Uint8Array;
}

type SolutionBody = z.infer<typeof Solution>;

/** A solution as the elite panel shows it (GET /api/solutions/:id, or an elite's). */
export type SolutionDetail = Pick<
  SolutionBody,
  "id" | "fitness" | "descriptors" | "cell" | "parentIds" | "operator" | "genome" | "error" | "logs" | "evalMs" | "model" | "promptTokens" | "completionTokens" | "costUsd" | "prompt" | "reply"
> & {
  createdAt: string | null;
  genomeKind: string;
  /** evaluated | failed (the evaluator or sandbox said no) | invalid (unusable LLM reply). */
  status: string;
  metrics: Record<string, unknown> | null;
  /** LLM runs: how the parents were chosen (policy per parent, crossover). */
  selection: SelectionInfo | null;
};

/** A candidate from GET /api/experiments/:id/solutions (logs cut at 4,000 characters). */
export type EvaluationItem = Pick<z.infer<typeof SolutionSummary>, "id" | "fitness" | "error" | "logs" | "logsTruncated" | "evalMs" | "operator"> & {
  /** invalid: the operator produced nothing evaluable (an unusable LLM reply, a mutation that threw). */
  status: "evaluated" | "failed" | "invalid";
  metrics: Record<string, unknown> | null;
  createdAt: string | null;
};

type MetricKeysBody = z.infer<typeof MetricKeys>;
/** Evaluated candidates that stopped at a stage of the evaluation cascade. */
export type StageCount = MetricKeysBody["stages"][number];
/** A key of the evaluator's metrics and how often / over what range the run produced it. */
export type MetricKeyInfo = MetricKeysBody["keys"][number];

export type LineageNode = Pick<z.infer<typeof LineageStep>, "id" | "parentIds" | "fitness" | "operator" | "cell" | "descriptors"> & {
  createdAt: string | null;
  selection: SelectionInfo | null;
};

type QueueBody = z.infer<typeof QueueHealth>["queues"][number];
export type QueueInfo = Pick<QueueBody, "name" | "workers"> & {
  counts: Record<string, number>;
  error: string | null;
  failures: (Pick<QueueBody["failures"][number], "id" | "name" | "reason"> & { at?: string | null })[];
};

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
