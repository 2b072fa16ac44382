import { prisma } from "@/lib/db/client";
import { getQueues } from "@/lib/queue/server";
import { createExperiment, startExperiment } from "@/lib/experiments/lifecycle";
import { json, MAX_BODY, otherMethods, parseBody, parseQuery, route } from "@/lib/api/http";
import { CreateExperimentBody, ListQuery } from "@/lib/api/schemas";
import { warmArchiveIndex } from "@/lib/api/archive";
import { decodeCursor, encodeCursor, experimentDto, experimentResponse, experimentWhere } from "@/lib/api/experiments";

export const dynamic = "force-dynamic";

/**
 * GET /api/experiments?status=running,paused&tag=baseline&q=sphere&limit=50&cursor=…
 * Newest first; `tag` keeps experiments carrying every tag given, `q` those whose name, notes,
 * domain or tags contain every word. Keyset pagination: pass `nextCursor` back as `cursor` (null on the last page).
 */
export const GET = route(async (req) => {
  const q = parseQuery(req, ListQuery);
  const where = experimentWhere(q);
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const page = await prisma.experiment.findMany({
    where: after ? { AND: [where, { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }] } : where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
  });
  const more = page.length > q.limit;
  const items = page.slice(0, q.limit);
  const total = await prisma.experiment.count({ where });
  return json({
    experiments: items.map((e) => experimentDto(e)),
    nextCursor: more ? encodeCursor(items.at(-1)!.createdAt, items.at(-1)!.id) : null,
    total,
  });
});

/** POST /api/experiments: the configuration (+ `"start": true` to start at once) → 201 with the experiment. */
export const POST = route(async (req) => {
  const { start, config } = await parseBody(req, CreateExperimentBody, { maxBytes: MAX_BODY });
  const exp = await createExperiment(prisma, config);
  warmArchiveIndex(exp.id, config);
  if (start) await startExperiment(prisma, getQueues(), exp.id);
  return json(await experimentResponse(exp.id), 201, { location: `/api/experiments/${exp.id}` });
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
