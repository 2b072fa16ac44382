import { ApiError } from "@/lib/api/errors";
import { otherMethods, parseParams, parseQuery, route } from "@/lib/api/http";
import { EventsQuery, ExperimentParams } from "@/lib/api/schemas";
import { experimentResponse } from "@/lib/api/experiments";
import { eventStream } from "@/lib/api/events";

export const dynamic = "force-dynamic";

/** GET /api/experiments/:id/events: Server-Sent Events (see lib/api/events.ts). Resume with Last-Event-ID or ?after=. */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, ExperimentParams);
  const { after } = parseQuery(req, EventsQuery);
  const header = req.headers.get("last-event-id");
  if (header !== null && !/^\d{1,18}$/.test(header.trim())) {
    throw new ApiError(400, `header Last-Event-ID must be an event id (a whole number); got "${header.slice(0, 40)}"`, [{ path: "headers.last-event-id", message: "must be a whole number" }], "validation_failed");
  }
  const from = header !== null ? BigInt(header.trim()) : after !== undefined ? BigInt(after) : null;
  const hello = await experimentResponse(id);
  return eventStream(id, from, req.signal, hello);
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
