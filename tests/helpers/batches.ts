import type { CandidateBatch } from "@/lib/db/archive-store";
import { newSolutionId } from "@/lib/db/solution-id";
import { encodeVector } from "@/lib/db/vector-codec";

/**
 * A numeric batch for commit tests: one candidate per given cell with its fitness, 2 descriptors
 * (cell, 0) and a 4-D genome (cell, fitness, 0, 0) that says where it came from; no parents.
 */
export function cellBatch(experimentId: string, batchId: string, cells: number[], fitness: number[], evaluations = cells.length): CandidateBatch {
  return {
    experimentId,
    batchId,
    evaluations,
    failed: 0,
    generated: false,
    operator: "test",
    cells,
    fitness,
    descriptors: cells.flatMap((c) => [c, 0]),
    measureDim: 2,
    genomes: encodeVector(cells.flatMap((c, i) => [c, fitness[i]!, 0, 0])),
    genomeDim: 4,
    parentIds: cells.map(() => null),
    parentsPer: 1,
    solutionIds: cells.map(() => newSolutionId()),
  };
}
