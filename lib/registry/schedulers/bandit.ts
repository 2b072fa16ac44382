/**
 * ME-MAP-Elites' bandit scheduler (pyribs BanditScheduler): UCB1 picks `numActive` emitters of the pool
 * each iteration. The engine runs it (`qd-studio run --scheduler bandit --active N`); experiments reject
 * it until the workers share the bandit's success counts across jobs.
 */
import { z } from "zod";
import { positiveInt, positive } from "../params";
import { schedulerKind } from "./types";

export const banditScheduler = schedulerKind({
  type: "bandit",
  label: "Bandit (ME-MAP-Elites)",
  help: "UCB1 chooses which emitters run each iteration; in-process engine only for now.",
  schema: z
    .object({
      type: z.literal("bandit"),
      numActive: positiveInt("scheduler.numActive", 1000).default(12),
      reselect: z.enum(["terminated", "all"], { error: 'scheduler.reselect must be "terminated" or "all"' }).default("terminated"),
      zeta: positive("scheduler.zeta").default(0.05),
    })
    .strict(),
  fields: [],
  distributed: "in-process",
  inProcessReason:
    'scheduler "bandit" (ME-MAP-Elites) runs in the engine only for now (`qd-studio run --scheduler bandit --active N`): distributed runs do not yet share its per-emitter success counts between jobs',
});
