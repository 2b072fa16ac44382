import { prisma } from "@/lib/db/client";
import { ApiError } from "./errors";
import type { EliteListQuery } from "./schemas";

/**
 * The archive as a table: one page of elites joined with the solution that holds each cell
 * (operator, model, cost, when it was made), sorted and filtered in SQL so a 10,000-cell
 * archive pages as fast as a 100-cell one.
 */

export interface EliteRow {
  cell: number;
  fitness: number;
  descriptors: number[];
  solutionId: string;
  operator: string;
  model: string | null;
  costUsd: number | null;
  evalMs: number | null;
  createdAt: Date;
  /** When the cell last changed hands. */
  updatedAt: Date;
  /** evaluation.reevaluate runs: whether the re-evaluations agreed, and their spread (null: not re-evaluated). */
  verified: boolean | null;
  fitnessSpread: number | null;
}

/** Read from the solution's metrics, only when they are the numbers re-evaluation writes (user metrics may be text). */
const VERIFIED_SQL = `CASE WHEN jsonb_typeof(s.metrics -> 'verified') = 'number' AND jsonb_typeof(s.metrics -> 'reevaluations') = 'number' THEN (s.metrics ->> 'verified')::float8 = 1 END AS verified,
  CASE WHEN jsonb_typeof(s.metrics -> 'fitnessSpread') = 'number' AND jsonb_typeof(s.metrics -> 'reevaluations') = 'number' THEN (s.metrics ->> 'fitnessSpread')::float8 END AS "fitnessSpread"`;

/** Whitelisted ORDER BY expressions (never user text in SQL). */
function sortExpression(sort: string): string {
  if (sort === "fitness") return "e.fitness";
  if (sort === "cell") return "e.cell";
  if (sort === "createdAt") return 's."createdAt"';
  if (sort === "operator") return "s.operator";
  if (sort === "model") return "s.model";
  const m = /^d([0-7])$/.exec(sort);
  if (m) return `e.descriptors[${Number(m[1]) + 1}]`;
  throw new ApiError(400, `cannot sort by ${sort}`);
}

/** WHERE clause and its parameters ($1 is the experiment id). */
function whereClause(id: string, q: EliteListQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [id];
  const parts = ['e."experimentId" = $1::uuid'];
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  if (q.fitnessMin !== undefined) parts.push(`e.fitness >= ${p(q.fitnessMin)}::float8`);
  if (q.fitnessMax !== undefined) parts.push(`e.fitness <= ${p(q.fitnessMax)}::float8`);
  if (q.operator?.length) parts.push(`s.operator = ANY(${p(q.operator)}::text[])`);
  if (q.model?.length) parts.push(`s.model = ANY(${p(q.model)}::text[])`);
  for (const r of q.ranges ?? []) parts.push(`e.descriptors[${r.index + 1}] BETWEEN ${p(r.min)}::float8 AND ${p(r.max)}::float8`);
  return { sql: parts.join(" AND "), params };
}

export async function listElites(id: string, q: EliteListQuery) {
  const exp = await prisma.experiment.findUnique({ where: { id }, select: { numElites: true, descriptors: { select: { name: true }, orderBy: { index: "asc" } } } });
  if (!exp) throw new ApiError(404, `experiment ${id} not found`);
  const dims = exp.descriptors.length;
  const d = /^d(\d)$/.exec(q.sort);
  if (d && Number(d[1]) >= dims) throw new ApiError(400, `query.sort: this experiment has ${dims} descriptor${dims === 1 ? "" : "s"} (d0…d${dims - 1})`, [{ path: "query.sort", message: `no descriptor ${d[1]}` }], "validation_failed");
  const bad = q.ranges?.find((r) => r.index >= dims);
  if (bad) throw new ApiError(400, `query.ranges: this experiment has ${dims} descriptor${dims === 1 ? "" : "s"}; there is no descriptor ${bad.index}`, [{ path: "query.ranges", message: `no descriptor ${bad.index}` }], "validation_failed");

  const where = whereClause(id, q);
  const from = `FROM "Elite" e JOIN "Solution" s ON s.id = e."solutionId" WHERE ${where.sql}`;
  const order = `${sortExpression(q.sort)} ${q.order === "asc" ? "ASC" : "DESC"} NULLS LAST, e.cell ASC`;
  const n = where.params.length;
  const [rows, counted, facets] = await Promise.all([
    prisma.$queryRawUnsafe<EliteRow[]>(
      `SELECT e.cell, e.fitness, e.descriptors, e."solutionId", e."updatedAt", s.operator, s.model, s."costUsd", s."evalMs", s."createdAt", ${VERIFIED_SQL}
         ${from} ORDER BY ${order} LIMIT $${n + 1} OFFSET $${n + 2}`,
      ...where.params,
      q.limit,
      q.offset,
    ),
    prisma.$queryRawUnsafe<{ total: bigint }[]>(`SELECT count(*) AS total ${from}`, ...where.params),
    // The choices for the operator and model filters: every value present in the archive.
    prisma.$queryRawUnsafe<{ kind: string; value: string; n: bigint }[]>(
      `SELECT 'operator' AS kind, s.operator AS value, count(*) AS n FROM "Elite" e JOIN "Solution" s ON s.id = e."solutionId" WHERE e."experimentId" = $1::uuid GROUP BY s.operator
       UNION ALL
       SELECT 'model', s.model, count(*) FROM "Elite" e JOIN "Solution" s ON s.id = e."solutionId" WHERE e."experimentId" = $1::uuid AND s.model IS NOT NULL GROUP BY s.model
       ORDER BY 3 DESC LIMIT 200`,
      id,
    ),
  ]);
  const facet = (kind: string) => facets.filter((f) => f.kind === kind).map((f) => ({ value: f.value, count: Number(f.n) }));
  return {
    experimentId: id,
    descriptorNames: exp.descriptors.map((x) => x.name),
    total: Number(counted[0]?.total ?? 0),
    archiveSize: exp.numElites,
    offset: q.offset,
    limit: q.limit,
    sort: q.sort,
    order: q.order,
    facets: { operator: facet("operator"), model: facet("model") },
    elites: rows,
  };
}
