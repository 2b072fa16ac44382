import type { KindModule, KindSchema } from "../kind";

export interface SchedulerKind<S extends KindSchema = KindSchema> extends KindModule<S> {
  /** "in-process": the engine runs it, experiments reject it with `inProcessReason`. */
  readonly distributed: "jobs" | "in-process";
  readonly inProcessReason?: string;
}

export const schedulerKind = <S extends KindSchema>(k: SchedulerKind<S>): SchedulerKind<S> => k;
