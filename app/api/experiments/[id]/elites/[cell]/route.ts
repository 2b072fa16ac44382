import { prisma } from "@/lib/db/client";
import { ApiError } from "@/lib/api/errors";
import { json, otherMethods, parseParams, parseQuery, route } from "@/lib/api/http";
import { CellParams, EmptyQuery } from "@/lib/api/schemas";
import { solutionDto } from "@/lib/api/solutions";

export const dynamic = "force-dynamic";

/** GET /api/experiments/:id/elites/:cell → { experimentId, cell, fitness, descriptors, revision, updatedAt, solution } */
export const GET = route(async (req, ctx) => {
  const { id, cell } = await parseParams(ctx, CellParams);
  parseQuery(req, EmptyQuery);
  const elite = await prisma.elite.findUnique({ where: { experimentId_cell: { experimentId: id, cell } } });
  if (!elite) {
    const exp = await prisma.experiment.findUnique({ where: { id }, select: { cells: true } });
    if (!exp) throw new ApiError(404, `experiment ${id} not found`);
    if (cell >= exp.cells) throw new ApiError(404, `cell ${cell} is outside the archive (it has ${exp.cells} cells: 0…${exp.cells - 1})`);
    throw new ApiError(404, `cell ${cell} is empty`);
  }
  const solution = await prisma.solution.findUnique({ where: { id: elite.solutionId } });
  return json({
    experimentId: id,
    cell,
    fitness: elite.fitness,
    descriptors: elite.descriptors,
    revision: elite.revision,
    updatedAt: elite.updatedAt,
    solutionId: elite.solutionId,
    solution: solution ? solutionDto(solution) : null,
  });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
