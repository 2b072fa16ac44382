import type { KindModule, KindSchema } from "../kind";

export interface SchedulerKind<S extends KindSchema = KindSchema> extends KindModule<S> {
  /**
   * "jobs": numbered jobs as the emitter runs them; "chains": chooses among the emitter's chains
   * (CMA kinds) between jobs; "in-process": the engine runs it, experiments reject it with `inProcessReason`.
   */
  readonly distributed: "jobs" | "chains" | "in-process";
  readonly inProcessReason?: string;
}

export const schedulerKind = <S extends KindSchema>(k: SchedulerKind<S>): SchedulerKind<S> => k;
