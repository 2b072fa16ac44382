import { UnrecoverableError, type Job } from "bullmq";
import { z } from "zod";
import type { CandidateExtras } from "@/lib/db/archive-store";
import type { DuplicateVerdict } from "@/lib/dedupe/index-store";

/**
 * What travels through the queues, as schemas shared by the web app (which enqueues) and the
 * workers (which check every payload on receipt). A worker of another version, or a job written
 * by hand into Redis, then fails with a sentence saying what is wrong instead of a TypeError deep
 * inside a processor; the failure is not retried, since the same payload would fail again.
 */

const experimentId = z.string({ error: "experimentId must be a string" }).min(1, "experimentId must not be empty");

/** A numbered batch of one experiment: generate, evaluate and insert `jobPlan().sizeOf(k)` candidates. */
export const BatchJobPayload = z.object({
  experimentId,
  k: z.number().int().min(0, "k must be a job number ≥ 0"),
});
export type BatchJobData = z.infer<typeof BatchJobPayload>;

/** A candidate between the two stages. Genomes: a vector (number[]), program/text (string) or any JSON value. */
export const StagedCandidatePayload = z.object({
  id: z.string().min(1),
  genome: z.unknown(),
  parentIds: z.array(z.string()),
  /** The operator produced nothing evaluable (an unusable LLM reply, a user mutation that threw): recorded with this reason. */
  invalid: z.string().optional(),
  /** Already judged by the LLM (llm-text quality; rubric descriptors, by descriptor row; null = not judged). */
  judged: z.object({ fitness: z.number().optional(), descriptors: z.array(z.number().nullable()) }).optional(),
  /** A judge call failed: the candidate is recorded as failed with this reason. */
  judgeError: z.string().optional(),
  /** LLM exchange and cost, user-mutation logs (stored as given; the store's own types describe it). */
  extras: z.custom<CandidateExtras>((v) => typeof v === "object" && v !== null && !Array.isArray(v), "extras must be an object").optional(),
  /** Rejected before evaluation as a repeat of a stored program: recorded as `duplicate`, not evaluated, not counted. */
  duplicate: z
    .custom<DuplicateVerdict>((v) => typeof v === "object" && v !== null && typeof (v as DuplicateVerdict).of === "string" && typeof (v as DuplicateVerdict).similarity === "number", "duplicate must be { of, similarity, method }")
    .optional(),
});
export type StagedCandidate = z.infer<typeof StagedCandidatePayload>;

/**
 * Job k of a user-evaluated experiment runs in two stages on two queues: the
 * mutation job proposes candidates, the evaluation job scores and inserts them.
 */
export const EvaluateJobPayload = z.object({
  experimentId,
  /** The numbered job, or -1 for genomes submitted over the API (`batchId` then names the ledger entry). */
  k: z.number().int().min(-1, "k must be a job number ≥ 0, or -1 for submitted genomes"),
  batchId: z.string().min(1).optional(),
  candidates: z.array(StagedCandidatePayload),
  operator: z.string().min(1),
  /** Experiments with islands: the island the mutation stage drew parents from; the commit goes there. */
  island: z.number().int().min(0).optional(),
});
export type EvaluateJobData = z.infer<typeof EvaluateJobPayload>;

/** The job's payload, checked; a malformed one fails the job for good, with where and what. */
export function payloadOf<S extends z.ZodType>(schema: S, job: Pick<Job, "name" | "id" | "data">): z.infer<S> {
  const parsed = schema.safeParse(job.data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? issue.path.join(".") : "payload";
  throw new UnrecoverableError(`job ${job.name}#${job.id} has a malformed payload: ${where}: ${issue.message}`);
}
