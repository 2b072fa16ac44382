import { z } from "zod";

/**
 * The live event stream's messages (GET /api/experiments/:id/events), as schemas shared by the
 * writers (the commit transaction, status changes) and the dashboard, which parses every message
 * with them: a message of another shape is dropped rather than drawn. Browser-safe (zod only).
 */

const fitness = z.number().nullable();

/** A committed batch: the counters after it and the cells it improved, as [cell, fitness]. */
export const BatchEvent = z.object({
  evaluations: z.number().int(),
  numElites: z.number().int(),
  qdScore: z.number(),
  maxFitness: fitness,
  improved: z.array(z.tuple([z.number().int(), z.number()])),
});
export type BatchEvent = z.infer<typeof BatchEvent>;

/** A status change, with why (e.g. "budget reached", a failure's reason). */
export const StatusEvent = z.object({ status: z.string(), reason: z.string().nullable() });
export type StatusEvent = z.infer<typeof StatusEvent>;

/** A point of the metric curves (a MetricSnapshot row). */
export const SnapshotEvent = z.object({
  evaluations: z.number().int(),
  coverage: z.number(),
  qdScore: z.number(),
  normQdScore: z.number(),
  maxFitness: fitness,
  meanFitness: fitness,
  numElites: z.number().int(),
  costUsd: z.number().nullish(),
});
export type SnapshotEvent = z.infer<typeof SnapshotEvent>;

/** The first message of every connection: the experiment's state at that moment (the API's experiment object). */
export const HelloEvent = z.record(z.string(), z.unknown());

/** "range": "auto" descriptors: the bounds grew (the archive was re-binned when it held elites); cells and axes changed. */
export const RebinEvent = z.object({ ranges: z.array(z.tuple([z.number(), z.number()])), rebinned: z.boolean() });
export type RebinEvent = z.infer<typeof RebinEvent>;

export const EVENT_SCHEMAS = { batch: BatchEvent, status: StatusEvent, snapshot: SnapshotEvent, hello: HelloEvent, rebin: RebinEvent } as const;
export type EventType = keyof typeof EVENT_SCHEMAS;
