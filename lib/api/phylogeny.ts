import { prisma } from "@/lib/db/client";
import { pool } from "./archive";
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

/**
 * The walk carries each node's row, and fetches a parent's row with a LIMIT 1 lookup by primary key. The
 * join form (`JOIN "Solution" s ON s.id = anc.id`) left the plan to table statistics: right after a run
 * wrote its solutions (no ANALYZE yet) PostgreSQL hashed all of the run's solutions once per generation
 * (100 generations × 100,000 rows: 3.5 s quiet, 55 s on a loaded machine). A LIMIT subquery is never
 * flattened into a join, so every step is an index lookup whatever the statistics say. The current elites
 * enter with elite = true; an elite that is also an ancestor is walked twice and merged by the GROUP BY.
 * One row comes back: every column as binary (int4send / float8send / uuid_send), in node order (creation
 * time, id), so no ORM maps 100,000 rows.
 */
const QUERY = `
WITH RECURSIVE anc AS (
  SELECT s.id, true AS elite, s."parentIds", s.fitness, s.cell, s.operator, s.model, s."createdAt", s.island
    FROM "Elite" e
    CROSS JOIN LATERAL (SELECT * FROM "Solution" x WHERE x.id = e."solutionId" AND x."experimentId" = $1::uuid LIMIT 1) s
   WHERE e."experimentId" = $1::uuid
  UNION
  SELECT s.id, false, s."parentIds", s.fitness, s.cell, s.operator, s.model, s."createdAt", s.island
    FROM anc CROSS JOIN LATERAL unnest(anc."parentIds") AS p(pid)
    CROSS JOIN LATERAL (SELECT * FROM "Solution" x WHERE x.id = p.pid AND x."experimentId" = $1::uuid LIMIT 1) s
),
nodes AS (
  SELECT id, bool_or(elite) AS elite, "parentIds", fitness, cell, operator, model, "createdAt", island
    FROM anc GROUP BY id, "parentIds", fitness, cell, operator, model, "createdAt", island
),
numbered AS (
  SELECT n.*, (row_number() OVER (ORDER BY "createdAt", id) - 1)::int AS idx, count(*) OVER ()::int AS total FROM nodes n
),
page AS (SELECT * FROM numbered WHERE idx >= $2 AND idx < $2 + $3),
-- Parent ids → node indexes with one hash join (a lookup per edge into the CTE would be quadratic).
edges AS (
  SELECT pg.idx AS child, u.o, coalesce(n.idx, -1) AS parent
    FROM page pg CROSS JOIN LATERAL unnest(pg."parentIds") WITH ORDINALITY AS u(pid, o)
    LEFT JOIN numbered n ON n.id = u.pid
),
ops AS (SELECT operator, (row_number() OVER (ORDER BY operator) - 1)::int AS code FROM (SELECT DISTINCT operator FROM page) o),
models AS (SELECT model, (row_number() OVER (ORDER BY model) - 1)::int AS code FROM (SELECT DISTINCT model FROM page WHERE model IS NOT NULL) m)
SELECT (SELECT coalesce(max(total), 0) FROM numbered) AS total,
       (SELECT count(*) FROM page)::int AS count,
       (SELECT coalesce(array_agg(operator ORDER BY code), '{}') FROM ops) AS operators,
       (SELECT coalesce(array_agg(model ORDER BY code), '{}') FROM models) AS models,
       (SELECT bool_or(island IS NOT NULL) FROM page) AS "anyIsland",
       (SELECT string_agg(int4send(parent), ''::bytea ORDER BY child, o) FROM edges) AS parents,
       string_agg(uuid_send(pg.id), ''::bytea ORDER BY pg.idx) AS ids,
       string_agg(int4send(coalesce(cardinality(pg."parentIds"), 0)), ''::bytea ORDER BY pg.idx) AS "parentCounts",
       string_agg(float8send(coalesce(pg.fitness, 'NaN'::float8)), ''::bytea ORDER BY pg.idx) AS fitness,
       string_agg(int4send(coalesce(pg.cell, -1)), ''::bytea ORDER BY pg.idx) AS cell,
       string_agg(int4send(o.code), ''::bytea ORDER BY pg.idx) AS operator,
       string_agg(int4send(coalesce(m.code, -1)), ''::bytea ORDER BY pg.idx) AS model,
       string_agg(float8send((extract(epoch FROM pg."createdAt") * 1000)::float8), ''::bytea ORDER BY pg.idx) AS "createdAt",
       string_agg(CASE WHEN pg.elite THEN '\\x01'::bytea ELSE '\\x00'::bytea END, ''::bytea ORDER BY pg.idx) AS elite,
       string_agg(int4send(coalesce(pg.island, -1)), ''::bytea ORDER BY pg.idx) AS island
  FROM page pg JOIN ops o ON o.operator = pg.operator LEFT JOIN models m ON m.model = pg.model`;

interface WireRow {
  total: number;
  count: number;
  operators: string[];
  models: string[];
  anyIsland: boolean | null;
  parents: Buffer | null;
  ids: Buffer | null;
  parentCounts: Buffer | null;
  fitness: Buffer | null;
  cell: Buffer | null;
  operator: Buffer | null;
  model: Buffer | null;
  createdAt: Buffer | null;
  elite: Buffer | null;
  island: Buffer | null;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function uuidAt(b: Buffer, i: number): string {
  let hex = "";
  for (let k = 16 * i; k < 16 * i + 16; k++) hex += HEX[b[k]!]!;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The binary row → the columnar page (the JSON shape). */
function fromWire(w: WireRow, offset: number, elites: number, islands: boolean): PhylogenyPage {
  const n = w.count;
  const e = (w.parents?.length ?? 0) / 4;
  const out: PhylogenyPage = {
    total: w.total,
    offset,
    nextOffset: offset + n < w.total ? offset + n : null,
    elites,
    ids: new Array(n),
    parentStart: new Array(n + 1),
    parents: new Array(e),
    fitness: new Array(n),
    cell: new Array(n),
    operators: w.operators,
    operator: new Array(n),
    models: w.models,
    model: new Array(n),
    createdAt: new Array(n),
    elite: new Array(n),
    ...(islands ? { island: new Array(n) } : {}),
  };
  for (let q = 0; q < e; q++) out.parents[q] = w.parents!.readInt32BE(4 * q);
  out.parentStart[0] = 0;
  for (let i = 0; i < n; i++) {
    out.ids[i] = uuidAt(w.ids!, i);
    out.parentStart[i + 1] = out.parentStart[i]! + w.parentCounts!.readInt32BE(4 * i);
    const f = w.fitness!.readDoubleBE(8 * i);
    out.fitness[i] = Number.isFinite(f) ? f : null;
    const c = w.cell!.readInt32BE(4 * i);
    out.cell[i] = c < 0 ? null : c;
    out.operator[i] = w.operator!.readInt32BE(4 * i);
    out.model[i] = w.model!.readInt32BE(4 * i);
    out.createdAt[i] = w.createdAt!.readDoubleBE(8 * i);
    out.elite[i] = w.elite![i]!;
    if (out.island) {
      const k = w.island!.readInt32BE(4 * i);
      out.island[i] = k < 0 ? null : k;
    }
  }
  return out;
}

async function readPage(id: string, opts: { offset: number; limit: number }, elites: number, islands: boolean): Promise<PhylogenyPage> {
  const { rows } = await pool().query<WireRow>(QUERY, [id, opts.offset, opts.limit]);
  return fromWire(rows[0]!, opts.offset, elites, islands);
}

/** Pages by (experiment, archive revision, offset, limit): the ancestry changes only with the elites, and every elite write bumps the revision. */
const pages = new Map<string, Promise<PhylogenyPage>>();
const MAX_PAGES = 4;

export async function phylogeny(id: string, opts: { offset: number; limit: number }): Promise<PhylogenyPage> {
  const exp = await prisma.experiment.findUnique({ where: { id }, select: { numElites: true, islandCount: true, archiveRevision: true } });
  if (!exp) throw new ApiError(404, `experiment ${id} not found`);
  const key = `${id}:${exp.archiveRevision}:${opts.offset}:${opts.limit}`;
  let p = pages.get(key);
  if (!p) {
    p = readPage(id, opts, exp.numElites, exp.islandCount > 0);
    pages.set(key, p);
    p.catch(() => pages.get(key) === p && pages.delete(key));
    while (pages.size > MAX_PAGES) pages.delete(pages.keys().next().value!);
  }
  return p;
}
