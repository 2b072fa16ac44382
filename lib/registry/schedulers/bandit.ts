/**
 * ME-MAP-Elites' bandit scheduler (pyribs BanditScheduler): UCB1 picks `numActive` emitters of the pool.
 * In an experiment the pool is the emitter's `count` CMA chains plus the `extraEmitters` groups
 * (lib/registry/schedulers/bandit-pool.ts), and `numActive` of them run at once
 * (one job each); the bandit's counts and active set live in PostgreSQL, moved by each job's commit.
 */
import { z } from "zod";
import { positiveInt, nonNegative } from "../params";
import { schedulerKind } from "./types";

export const banditScheduler = schedulerKind({
  type: "bandit",
  label: "Bandit (ME-MAP-Elites)",
  help: "UCB1 chooses which emitters of the pool run (numActive of them), favouring those whose solutions enter the archive. The pool: the CMA emitter's count, plus the groups below.",
  schema: z
    .object({
      type: z.literal("bandit"),
      numActive: positiveInt("scheduler.numActive", 1000).default(12),
      reselect: z.enum(["terminated", "all"], { error: 'scheduler.reselect must be "terminated" or "all"' }).default("terminated"),
      zeta: nonNegative("scheduler.zeta").default(0.05),
    })
    .strict(),
  fields: [
    { key: "numActive", label: "Active emitters", control: "integer", help: "Emitters running at once (at most the pool; pyribs' sphere ME-MAP-Elites: 15 of 60)." },
    {
      key: "reselect",
      label: "Reselect",
      control: "select",
      help: "terminated: an emitter leaves the active set when it restarts; all: after every job.",
      options: [
        { value: "terminated", label: "terminated" },
        { value: "all", label: "all" },
      ],
    },
    { key: "zeta", label: "Exploration (ζ)", control: "number", help: "UCB1 exploration weight (pyribs: 0.05)." },
  ],
  distributed: "chains",
});
