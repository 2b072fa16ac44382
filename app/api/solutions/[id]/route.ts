import { prisma } from "@/lib/db/client";
import { ApiError } from "@/lib/api/errors";
import { json, otherMethods, parseParams, parseQuery, route } from "@/lib/api/http";
import { EmptyQuery, SolutionParams } from "@/lib/api/schemas";
import { solutionDto } from "@/lib/api/solutions";

export const dynamic = "force-dynamic";

/** GET /api/solutions/:id: the solution in full, genome decoded. */
export const GET = route(async (req, ctx) => {
  const { id } = await parseParams(ctx, SolutionParams);
  parseQuery(req, EmptyQuery);
  const s = await prisma.solution.findUnique({ where: { id } });
  if (!s) throw new ApiError(404, `solution ${id} not found`);
  return json(solutionDto(s));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
