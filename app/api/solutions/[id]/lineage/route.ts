import { prisma } from "@/lib/db/client";
import { ApiError } from "@/lib/api/errors";
import { json, otherMethods, parseParams, parseQuery, route } from "@/lib/api/http";
import { LineageQuery, SolutionParams } from "@/lib/api/schemas";

export const dynamic = "force-dynamic";

/**
 * GET /api/solutions/:id/lineage?maxDepth=10000
 * The chain of first parents (the one mutated; iso-line's second parent only sets the line direction)
 * from the solution back to its first ancestor: { solutionId, steps: [{ depth, id, operator, fitness, cell,
 * descriptors, parentIds, selection, createdAt }], complete }. `selection`: how an LLM child's parents were chosen. depth 0 is the solution itself; `complete` is false when
 * maxDepth cut the walk short or an ancestor is missing.
 */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, SolutionParams);
  const { maxDepth } = parseQuery(req, LineageQuery);
  const steps = await prisma.$queryRawUnsafe<{ depth: number; id: string; operator: string; fitness: number | null; cell: number | null; descriptors: number[]; parentIds: string[]; selection: unknown; status: string; createdAt: Date }[]>(
    `WITH RECURSIVE line AS (
       SELECT s.id, s."parentIds", s.operator, s.fitness, s.cell, s.descriptors, s.selection, s.status, s."createdAt", 0 AS depth
       FROM "Solution" s WHERE s.id = $1::uuid
       UNION ALL
       SELECT p.id, p."parentIds", p.operator, p.fitness, p.cell, p.descriptors, p.selection, p.status, p."createdAt", line.depth + 1
       FROM line JOIN "Solution" p ON p.id = line."parentIds"[1]
       WHERE line.depth < $2
     )
     SELECT depth, id::text, operator, fitness, cell, descriptors, "parentIds"::text[] AS "parentIds", selection, status::text, "createdAt" FROM line ORDER BY depth`,
    id,
    maxDepth,
  );
  if (!steps.length) throw new ApiError(404, `solution ${id} not found`);
  const last = steps.at(-1)!;
  return json({ solutionId: id, length: steps.length, complete: last.parentIds.length === 0, steps });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
