import type { ArchiveBase } from "@/lib/qd/archive/base";
import type { Bounds, Emitter } from "@/lib/qd/emitters/types";
import type { Rng } from "@/lib/qd/rng";
import type { KindModule, KindSchema } from "../kind";
import type { z } from "zod";

/** What an engine emitter is built from: the archive it reads, the genome space, its batch and its RNG. */
export interface EmitterContext {
  archive: ArchiveBase;
  x0: Float64Array;
  bounds: Bounds | null;
  /** Mutation emitters' first generation: x0 + noise (benchmark domains) or uniform in the bounds (user evaluators). */
  coldStart?: "x0" | "uniform";
  /** Solutions per ask. */
  batchSize: number;
  rng: Rng;
}

/**
 * How a distributed run executes the kind:
 * - "jobs": each numbered job builds a fresh emitter from the job's seed (no state between jobs);
 * - "chains": `count` emitter chains, each job resumes its chain's stored state (CMA);
 * - "staged": proposals on the mutation queue, scored by the evaluator (LLM, JSON mutation);
 * - "in-process": the engine runs it (CLI, bench) but distributed runs cannot keep its state
 *   consistent yet: the experiment config rejects it, saying why (`inProcessReason`).
 */
export type DistributedMode = "jobs" | "chains" | "staged" | "in-process";

export interface EmitterKind<S extends KindSchema = KindSchema> extends KindModule<S> {
  readonly distributed: DistributedMode;
  /** Built-in domains only (the worker evaluates them in place). */
  readonly builtInDomainsOnly?: boolean;
  /** Needs a domain with analytic gradients (pyribs' DQD emitters). */
  readonly needsGradients?: boolean;
  /** Why an "in-process" kind is not accepted in an experiment yet. */
  readonly inProcessReason?: string;
  /** The engine emitter (vector genomes); absent for staged kinds, which have their own producers. */
  create?(config: z.infer<S>, ctx: EmitterContext): Emitter;
  /** Chains of a "chains" kind (job k belongs to chain k mod chains). */
  chains?(config: z.infer<S>): number;
  /** Evaluations of one ask/tell step of one emitter (default batchSize; DQD chains add their gradient phase). */
  stepEvaluations?(config: z.infer<S>, batchSize: number): number;
}

/** Declares a kind with its config type inferred from its schema. */
export const emitterKind = <S extends KindSchema>(k: EmitterKind<S>): EmitterKind<S> => k;
