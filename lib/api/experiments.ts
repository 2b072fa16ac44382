import { prisma } from "@/lib/db/client";
import type { Experiment, Descriptor, Prisma } from "@/lib/generated/prisma/client";
import type { ExperimentSpec } from "@/lib/experiments/config";
import { ApiError } from "./errors";
import { redactSecrets } from "./redact";
import { islandSummaries, type IslandSummary } from "@/lib/db/island-store";

/** The public JSON form of an experiment (GET /api/experiments/:id, list items, create/patch/actions). */
export function experimentDto(e: Experiment, descriptors?: Descriptor[], perIsland?: IslandSummary[]) {
  return {
    id: e.id,
    name: e.name,
    notes: e.notes,
    tags: e.tags,
    status: e.status,
    statusReason: e.statusReason,
    config: redactSecrets(e.config as unknown as ExperimentSpec),
    domainType: e.domainType,
    archiveType: e.archiveType,
    emitterType: e.emitterType,
    seed: e.seed,
    batchSize: e.batchSize,
    budget: { evaluations: e.budgetEvaluations, costUsd: e.budgetCostUsd },
    cells: e.cells,
    evaluations: e.evaluations,
    failedEvaluations: e.failedEvaluations,
    duplicates: e.duplicates,
    numElites: e.numElites,
    metrics: {
      coverage: e.cells > 0 ? e.numElites / e.cells : 0,
      qdScore: e.qdScore,
      normQdScore: e.cells > 0 ? e.qdScore / e.cells : 0,
      maxFitness: e.maxFitness,
      meanFitness: e.numElites > 0 ? e.sumFitness / e.numElites : null,
    },
    qdOffset: e.qdOffset,
    usage: { promptTokens: e.promptTokens, completionTokens: e.completionTokens, costUsd: e.costUsd },
    archiveRevision: Number(e.archiveRevision),
    // Experiments with islands: how many now, migration rounds done and migrants their neighbours kept.
    islands: e.islandCount > 0 ? { count: e.islandCount, migrations: e.migrations, migrantsAccepted: e.migrantsAccepted, ...(perIsland ? { perIsland } : {}) } : null,
    ...(descriptors ? { descriptors: descriptors.map((d) => ({ name: d.name, min: d.min, max: d.max, bins: d.bins, source: d.source })) } : {}),
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    startedAt: e.startedAt,
    finishedAt: e.finishedAt,
  };
}

export async function loadExperiment(id: string) {
  const e = await prisma.experiment.findUnique({ where: { id }, include: { descriptors: { orderBy: { index: "asc" } } } });
  if (!e) throw new ApiError(404, `experiment ${id} not found`);
  return e;
}

export async function experimentResponse(id: string) {
  const e = await loadExperiment(id);
  const perIsland = e.islandCount > 0 ? await islandSummaries(prisma, id, e.islandCount, e.qdOffset) : undefined;
  return experimentDto(e, e.descriptors, perIsland);
}

/** Opaque keyset cursor over (createdAt desc, id desc). */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString("base64url");
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
    const createdAt = new Date(at);
    if (typeof id !== "string" || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime())) throw new Error();
    return { createdAt, id };
  } catch {
    throw new ApiError(400, "query.cursor: not a cursor this API issued (use nextCursor from the previous page)", [{ path: "query.cursor", message: "invalid cursor" }], "validation_failed");
  }
}

/** The stored configuration alone (cheap: no counters, no descriptors). */
export async function loadConfig(id: string): Promise<ExperimentSpec> {
  const e = await prisma.experiment.findUnique({ where: { id }, select: { config: true } });
  if (!e) throw new ApiError(404, `experiment ${id} not found`);
  return e.config as unknown as ExperimentSpec;
}

/**
 * The experiments list filter shared by GET /api/experiments and the home page: statuses, every tag,
 * and search words that must each appear in the name, the notes, the domain or a tag.
 */
export function experimentWhere(f: { status?: string[]; tag?: string[]; q?: string }): Prisma.ExperimentWhereInput {
  const and: Prisma.ExperimentWhereInput[] = [];
  if (f.status?.length) and.push({ status: { in: f.status as Experiment["status"][] } });
  if (f.tag?.length) and.push({ tags: { hasEvery: f.tag } });
  for (const word of (f.q ?? "").split(/\s+/).filter(Boolean).slice(0, 8)) {
    and.push({
      OR: [
        { name: { contains: word, mode: "insensitive" } },
        { notes: { contains: word, mode: "insensitive" } },
        { domainType: { contains: word, mode: "insensitive" } },
        { tags: { has: word.toLowerCase() } },
      ],
    });
  }
  return and.length ? { AND: and } : {};
}

/** Every tag in use, most used first (the tag filter's choices). */
export async function tagCounts(): Promise<{ tag: string; count: number }[]> {
  const rows = await prisma.$queryRawUnsafe<{ tag: string; n: bigint }[]>(
    `SELECT t AS tag, count(*) AS n FROM "Experiment", unnest(tags) AS t GROUP BY t ORDER BY n DESC, t ASC LIMIT 200`,
  );
  return rows.map((r) => ({ tag: r.tag, count: Number(r.n) }));
}
