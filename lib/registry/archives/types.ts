import type { z } from "zod";
import type { ArchiveBase, InsertArchive } from "@/lib/qd/archive/base";
import type { DescriptorSpec, Domain } from "@/lib/qd/domains/types";
import type { Rng } from "@/lib/qd/rng";
import type { KindModule, KindSchema } from "../kind";

/** What an engine search archive is built from: the run's domain, its descriptor box and an RNG. */
export interface SearchArchiveContext {
  domain: Domain;
  descriptors: DescriptorSpec[];
  rng: Rng;
  /** The run's result grid as this process sees it (the discount archive anchors its model at its empty cells). */
  result?: ArchiveBase;
  /**
   * Emitters whose batches one engine iteration inserts together, where a distributed job inserts one
   * emitter's batch at a time (the discount model then trains after each, on its share of empty-cell anchors).
   */
  emittersPerIteration?: number;
}

/**
 * How a distributed run keeps the archive:
 * - "cells": the Elite table is the archive (grid, CVT);
 * - "search": a search archive steers the emitters; its state lives in the SearchArchive row, moved
 *   under that row's lock in each job's commit, and a grid of the descriptors (the Elite table)
 *   keeps the solutions and gives the metrics (pyribs' result_archive);
 * - "in-process": the engine (CLI, bench) runs it; experiments reject it with `inProcessReason`.
 */
export type ArchiveDistributedMode = "cells" | "search" | "in-process";

/**
 * A search archive the workers can run: state in and out as bytes, batch insertion in between.
 *
 * Kinds whose change per job is small (points added, reservoir slots replaced) also implement the
 * four delta methods: a commit then stores only the job's delta and workers keep the archive in
 * memory, applying the deltas of other workers' commits. A kind that leaves them out (its change is
 * its whole state, e.g. a model retrained every batch) is a "full state" kind: every commit stores
 * exportState(), as before deltas existed. Either all four or none.
 */
export interface StatefulSearchArchive extends InsertArchive {
  exportState(): Uint8Array;
  importState(state: Uint8Array): void;
  /** add()'s state change without what add() reports, when that is cheaper (density: no KDE). */
  absorb?(solutions: ArrayLike<number>, objectives: ArrayLike<number>, measures: ArrayLike<number>, n: number): void;
  /** Starts recording changes (importState() stops it). */
  beginDelta?(): void;
  /** What changed since beginDelta(), as bytes applyDelta() takes. */
  exportDelta?(): Uint8Array;
  /** Applies another archive's exportDelta() made from the same state this one is in. */
  applyDelta?(delta: Uint8Array): void;
  /** Back to the state at beginDelta() (recording continues from there). */
  rollbackDelta?(): void;
}

/** A search archive that commits deltas (all four methods present). */
export type DeltaSearchArchive = StatefulSearchArchive & Required<Pick<StatefulSearchArchive, "beginDelta" | "exportDelta" | "applyDelta" | "rollbackDelta">>;

export const hasDeltas = (a: StatefulSearchArchive): a is DeltaSearchArchive => !!(a.beginDelta && a.exportDelta && a.applyDelta && a.rollbackDelta);

export interface ArchiveKind<S extends KindSchema = KindSchema> extends KindModule<S> {
  readonly distributed: ArchiveDistributedMode;
  readonly inProcessReason?: string;
  /** Search archives: the emitter rankers that need this archive (they read what its add() reports). */
  readonly rankers?: readonly string[];
  /** Search archives: cross-field rules on the experiment (messages name the field). */
  check?(config: z.infer<S>, c: { emitter: { type: string; ranker?: string } }): { path: (string | number)[]; message: string }[];
  /** Search archives: the engine archive of a distributed run (built-in domains). */
  createSearch?(config: z.infer<S>, ctx: SearchArchiveContext): StatefulSearchArchive;
}

export const archiveKind = <S extends KindSchema>(k: ArchiveKind<S>): ArchiveKind<S> => k;

/** The widest descriptor range: search archives' distance defaults scale with it. */
export function widestRange(descriptors: readonly { min: number; max: number }[]): number {
  return Math.max(...descriptors.map((d) => d.max - d.min));
}
