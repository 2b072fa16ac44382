import { prisma } from "@/lib/db/client";
import { getQueues } from "@/lib/queue/server";
import { cancelExperiment, pauseExperiment, resumeExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { ActionBody, ExperimentParams } from "./schemas";
import { json, otherMethods, parseBody, parseParams, route } from "./http";
import { experimentResponse } from "./experiments";

export type Action = "start" | "pause" | "resume" | "cancel";

const run: Record<Action, (id: string) => Promise<void>> = {
  start: (id) => startExperiment(prisma, getQueues(), id),
  pause: (id) => pauseExperiment(prisma, id),
  resume: (id) => resumeExperiment(prisma, getQueues(), id),
  cancel: (id) => cancelExperiment(prisma, id),
};

/** `POST /api/experiments/:id/<action>` (empty body or `{}`) → 200 with the experiment; 409 from the wrong state. */
export function actionRoute(action: Action) {
  return {
    POST: route(async (req, ctx) => {
      const { id } = await parseParams(ctx, ExperimentParams);
      await parseBody(req, ActionBody, { optional: true });
      await run[action](id);
      return json(await experimentResponse(id));
    }),
    ...(({ POST: _post, ...rest }) => rest)(otherMethods("POST")),
  };
}
