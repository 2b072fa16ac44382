import { prisma } from "@/lib/db/client";
import { ApiError } from "./errors";

/**
 * The archive's history, for replaying it: every accepted archive write (a solution stored with
 * `eliteRevision`), in revision order, as columns (cell, fitness, revision, createdAt), plus the
 * run's metric snapshots' times so a moment in the replay maps to an evaluation count on the curves.
 *
 * Pages never split a revision (one batch's writes land together): `nextAfter` is the last whole
 * revision returned; pass it as `after` for the next page.
 */
export interface HistoryPage {
  after: number;
  nextAfter: number | null;
  cells: number;
  cell: number[];
  fitness: number[];
  revision: number[];
  /** ms since the epoch. */
  createdAt: number[];
  /** Metric snapshots (first page only): evaluations and when they were taken (ms), in order. */
  snapshots: { evaluations: number[]; createdAt: number[] } | null;
}

export async function archiveHistory(id: string, opts: { after: number; limit: number }): Promise<HistoryPage> {
  const exp = await prisma.experiment.findUnique({ where: { id }, select: { cells: true } });
  if (!exp) throw new ApiError(404, `experiment ${id} not found`);
  const [rows, snaps] = await Promise.all([
    prisma.$queryRawUnsafe<{ cell: number; fitness: number; revision: bigint; createdAt: Date }[]>(
      `SELECT cell, fitness, "eliteRevision" AS revision, "createdAt" FROM "Solution"
        WHERE "experimentId" = $1::uuid AND "eliteRevision" > $2 AND cell IS NOT NULL AND fitness IS NOT NULL
        ORDER BY "eliteRevision", fitness LIMIT $3`,
      id,
      BigInt(opts.after),
      opts.limit + 1,
    ),
    opts.after < 0
      ? prisma.metricSnapshot.findMany({ where: { experimentId: id }, orderBy: { evaluations: "asc" }, select: { evaluations: true, createdAt: true } })
      : Promise.resolve(null),
  ]);
  let keep = rows.length;
  let more = false;
  if (rows.length > opts.limit) {
    more = true;
    keep = opts.limit;
    // Back off to a revision boundary unless one revision alone fills the page.
    const last = rows[keep]!.revision;
    let k = keep;
    while (k > 0 && rows[k - 1]!.revision === last) k--;
    if (k > 0) keep = k;
  }
  const page = rows.slice(0, keep);
  return {
    after: opts.after,
    nextAfter: more && page.length ? Number(page.at(-1)!.revision) : null,
    cells: exp.cells,
    cell: page.map((r) => r.cell),
    fitness: page.map((r) => r.fitness),
    revision: page.map((r) => Number(r.revision)),
    createdAt: page.map((r) => r.createdAt.getTime()),
    snapshots: snaps ? { evaluations: snaps.map((s) => s.evaluations), createdAt: snaps.map((s) => s.createdAt.getTime()) } : null,
  };
}
