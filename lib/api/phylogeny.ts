import { prisma } from "@/lib/db/client";
import { ApiError } from "./errors";

/**
 * The phylogeny of a run: every stored solution that leads to a current elite, walked back from the
 * elites through `Solution.parentIds` in one recursive query (UNION, so a solution reached through
 * two children — crossover — is visited once and the walk ends on any DAG).
 *
 * Columnar and compact: node i is `ids[i]`; its parents are `parents[parentStart[i] .. parentStart[i+1])`,
 * indexes into the same node order (-1: a parent that is not stored). Nodes come in creation order
 * (createdAt, id), so "nodes that existed at time t" is a prefix, and a parent nearly always precedes
 * its children. Operators and models are dictionary-coded. Huge runs page with offset/limit: indexes stay
 * global (node order is the same on every page).
 */
export interface PhylogenyPage {
  total: number;
  offset: number;
  /** Offset of the next page, null on the last. */
  nextOffset: number | null;
  /** Number of current elites the walk started from. */
  elites: number;
  ids: string[];
  parentStart: number[];
  parents: number[];
  fitness: (number | null)[];
  cell: (number | null)[];
  operators: string[];
  operator: number[];
  models: string[];
  /** Index into `models`, -1 when the solution has no model (not an LLM candidate). */
  model: number[];
  /** ms since the epoch. */
  createdAt: number[];
  /** 1 when the node is a current elite. */
  elite: number[];
  /** Runs with islands: the island whose job made the node (null: a seed, shared by every island). */
  island?: (number | null)[];
}

interface Row {
  idx: number;
  id: string;
  fitness: number | null;
  cell: number | null;
  operator: string;
  model: string | null;
  createdAt: Date;
  island?: number | null;
  elite?: boolean;
  parents: number[] | null;
  total: number;
}

const QUERY = `
WITH RECURSIVE anc(id) AS (
  SELECT "solutionId" FROM "Elite" WHERE "experimentId" = $1::uuid
  UNION
  SELECT p.pid
    FROM anc JOIN "Solution" s ON s.id = anc.id AND s."experimentId" = $1::uuid
    CROSS JOIN LATERAL unnest(s."parentIds") AS p(pid)
),
numbered AS (
  SELECT s.id, s.fitness, s.cell, s.operator, s.model, s."createdAt", s."parentIds", s.island,
         (row_number() OVER (ORDER BY s."createdAt", s.id) - 1)::int AS idx,
         count(*) OVER ()::int AS total
    FROM anc JOIN "Solution" s ON s.id = anc.id AND s."experimentId" = $1::uuid
),
page AS (SELECT * FROM numbered WHERE idx >= $2 AND idx < $2 + $3),
-- Parent ids → node indexes with one hash join (a lookup per edge into the CTE would be quadratic).
edges AS (
  SELECT pg.idx AS child, u.o, coalesce(n.idx, -1) AS parent
    FROM page pg CROSS JOIN LATERAL unnest(pg."parentIds") WITH ORDINALITY AS u(pid, o)
    LEFT JOIN numbered n ON n.id = u.pid
),
grouped AS (SELECT child, array_agg(parent ORDER BY o) AS parents FROM edges GROUP BY child)
SELECT pg.idx, pg.id::text AS id, pg.fitness, pg.cell, pg.operator, pg.model, pg."createdAt", pg.island, pg.total, g.parents
  FROM page pg LEFT JOIN grouped g ON g.child = pg.idx
 ORDER BY pg.idx`;

export async function phylogeny(id: string, opts: { offset: number; limit: number }): Promise<PhylogenyPage> {
  const exp = await prisma.experiment.findUnique({ where: { id }, select: { numElites: true, islandCount: true } });
  if (!exp) throw new ApiError(404, `experiment ${id} not found`);
  // The elite flag is set here from a Set: the planner misjudges CTE sizes and joined "Elite" to every node
  // with a nested loop (100,000 × elites comparisons, ~50 s at 100,000 nodes).
  const [rows, elites] = await Promise.all([
    prisma.$queryRawUnsafe<Row[]>(QUERY, id, opts.offset, opts.limit),
    prisma.$queryRawUnsafe<{ id: string }[]>(`SELECT "solutionId"::text AS id FROM "Elite" WHERE "experimentId" = $1::uuid`, id),
  ]);
  const eliteIds = new Set(elites.map((e) => e.id));
  return toColumns(rows.map((r) => ({ ...r, elite: eliteIds.has(r.id) })), opts.offset, exp.numElites, exp.islandCount > 0);
}

/** Rows (in node order) → the columnar page. Exported for tests. */
export function toColumns(rows: Row[], offset: number, elites: number, islands = false): PhylogenyPage {
  const total = rows[0]?.total ?? 0;
  const out: PhylogenyPage = {
    total,
    offset,
    nextOffset: offset + rows.length < total ? offset + rows.length : null,
    elites,
    ids: [],
    parentStart: [0],
    parents: [],
    fitness: [],
    cell: [],
    operators: [],
    operator: [],
    models: [],
    model: [],
    createdAt: [],
    elite: [],
    ...(islands ? { island: [] } : {}),
  };
  const ops = new Map<string, number>();
  const models = new Map<string, number>();
  const code = (dict: Map<string, number>, list: string[], v: string) => {
    let i = dict.get(v);
    if (i === undefined) dict.set(v, (i = list.push(v) - 1));
    return i;
  };
  for (const r of rows) {
    out.ids.push(r.id);
    for (const p of r.parents ?? []) out.parents.push(p);
    out.parentStart.push(out.parents.length);
    out.fitness.push(r.fitness != null && Number.isFinite(r.fitness) ? r.fitness : null);
    out.cell.push(r.cell);
    out.operator.push(code(ops, out.operators, r.operator));
    out.model.push(r.model == null ? -1 : code(models, out.models, r.model));
    out.createdAt.push(r.createdAt.getTime());
    out.elite.push(r.elite ? 1 : 0);
    out.island?.push(r.island ?? null);
  }
  return out;
}
