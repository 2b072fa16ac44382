/** The scheduler registry. Adding a kind = its module here + one line below. */
import type { z } from "zod";
import { kindUnion } from "../kind";
import { banditScheduler } from "./bandit";
import { defaultScheduler } from "./default";
import type { SchedulerKind } from "./types";

export const SCHEDULERS = [defaultScheduler, banditScheduler] as const;
export const SchedulerConfig = kindUnion("scheduler", SCHEDULERS);
export type SchedulerConfig = z.infer<typeof SchedulerConfig>;
export type { SchedulerKind } from "./types";

export function schedulerKindOf(s: { type: string }): SchedulerKind | undefined {
  return (SCHEDULERS as readonly SchedulerKind[]).find((k) => k.type === s.type);
}
