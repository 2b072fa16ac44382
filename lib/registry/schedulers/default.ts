/** Every emitter asks every iteration (pyribs Scheduler). */
import { z } from "zod";
import { schedulerKind } from "./types";

export const defaultScheduler = schedulerKind({
  type: "default",
  label: "Every emitter, every iteration",
  help: "pyribs' Scheduler: each emitter contributes its batch every iteration.",
  schema: z.object({ type: z.literal("default") }).strict(),
  fields: [],
  distributed: "jobs",
});
