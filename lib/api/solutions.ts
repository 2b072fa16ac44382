import type { Solution } from "@/lib/generated/prisma/client";
import { decodeVector } from "@/lib/db/vector-codec";

/** The public JSON form of a solution: the genome decoded (vector → numbers, text/code → string, json → value). */
export function solutionDto(s: Solution) {
  return {
    id: s.id,
    experimentId: s.experimentId,
    status: s.status,
    genomeKind: s.genomeKind,
    genome: s.genomeKind === "vector" ? Array.from(decodeVector(s.genomeVector)) : s.genomeKind === "json" ? s.genomeJson : s.genomeText,
    fitness: s.fitness,
    descriptors: s.descriptors,
    cell: s.cell,
    parentIds: s.parentIds,
    operator: s.operator,
    error: s.error,
    logs: s.logs,
    metrics: s.metrics,
    evalMs: s.evalMs,
    model: s.model,
    promptTokens: s.promptTokens,
    completionTokens: s.completionTokens,
    costUsd: s.costUsd,
    /** LLM operator: the prompt sent and the model's raw reply. */
    prompt: s.prompt,
    reply: s.reply,
    /** LLM runs: how the parents were chosen (policy per parent, crossover). */
    selection: s.selection ?? null,
    /** The archive revision at which it became an elite (null if it never did). */
    eliteRevision: s.eliteRevision === null ? null : Number(s.eliteRevision),
    /** status "duplicate": the solution it repeats, and the similarity (1 = identical after normalisation). */
    duplicateOf: s.duplicateOf,
    similarity: s.similarity,
    createdAt: s.createdAt,
  };
}
