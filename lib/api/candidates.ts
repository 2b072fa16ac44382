import crypto from "node:crypto";
import { prisma } from "@/lib/db/client";
import { commitBatch, type CandidateBatch } from "@/lib/db/archive-store";
import { decodeVector, encodeVector } from "@/lib/db/vector-codec";
import { FROM_X0, getDomain, mixSeed, MutationEmitter, parentIdsOf, Rng, type ArchiveBase } from "@/lib/qd";
import { createEmitter } from "@/lib/registry/emitters";
import { effectiveDescriptors, genomeKind, isUserEvaluated, runsInStages, vectorSpace, type ExperimentConfig, type ExperimentSpec } from "@/lib/experiments/config";
import { enqueueEvaluation } from "@/lib/experiments/jobs";
import { getQueues } from "@/lib/queue/server";
import { keyedUuid } from "@/lib/keyed-uuid";
import { ApiError, type ApiIssue } from "./errors";
import { askIssue } from "@/lib/experiments/limits";
import { archiveIndex, pool } from "./archive";
import type { TellResult } from "./schemas";

/**
 * Job submission and external evaluation (ask/tell) on top of the one archive
 * write path, `commitBatch`: idempotent (the batch id is derived from the
 * candidate ids or the client's idempotency key), serialised per experiment,
 * counted against the budget, completing the run at the budget.
 *
 * Ask reserves budget: candidates handed out are stored as `pending` solutions
 * and count against the remaining budget until told, so tells can never take a
 * run past its budget.
 */

export type InsertStatus = "new" | "improved" | "not_added" | "failed";

export interface InsertOutcome {
  id: string;
  status: InsertStatus;
  cell: number | null;
  fitness: number | null;
}

interface ExpRow {
  id: string;
  status: string;
  config: ExperimentSpec;
  evaluations: number;
  budgetEvaluations: number;
  seed: number;
  numElites: number;
}

const isExternal = (c: ExperimentSpec) => c.domain.type === "external";

/** Snapshot cadence of API-driven runs: about 400 points over the budget. */
const snapshotEvery = (budget: number) => Math.max(1, Math.ceil(budget / 400));

export function genomeDim(config: ExperimentSpec): number {
  return vectorSpace(config).dim;
}

async function pendingCount(tx: typeof prisma, id: string): Promise<number> {
  const [r] = await tx.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "Solution" WHERE "experimentId" = $1::uuid AND status = 'pending'`, id);
  return r!.n;
}

async function lockExperiment(tx: typeof prisma, id: string): Promise<ExpRow> {
  const [row] = await tx.$queryRawUnsafe<ExpRow[]>(
    `SELECT id::text, status::text, config, evaluations, "budgetEvaluations", seed, "numElites" FROM "Experiment" WHERE id = $1::uuid FOR UPDATE`,
    id,
  );
  if (!row) throw new ApiError(404, `experiment ${id} not found`);
  return row;
}

function requireExternal(exp: ExpRow, what: string) {
  if (!isExternal(exp.config)) {
    throw new ApiError(409, `${what} needs an experiment with domain.type "external"; this one ("${exp.config.domain.type}") is evaluated by workers (POST /api/experiments/${exp.id}/solutions submits genomes to it)`);
  }
}

/** Inserts pending candidates (float64 genomes, row-major) and returns their ids. */
async function insertPending(tx: typeof prisma, expId: string, genomes: Float64Array, n: number, dim: number, parents: (string | null)[][], operator: string): Promise<string[]> {
  const ids = Array.from({ length: n }, () => crypto.randomUUID());
  const parentsPer = Math.max(1, ...parents.map((p) => p.length));
  const flatParents: (string | null)[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < parentsPer; j++) flatParents.push(parents[i]?.[j] ?? null);
  await tx.$executeRawUnsafe(
    `INSERT INTO "Solution" (id, "experimentId", status, "genomeKind", "genomeVector", descriptors, "parentIds", operator)
     SELECT ($2::uuid[])[i], $1::uuid, 'pending', 'vector', substring($3::bytea FROM (i - 1) * $4 * 8 + 1 FOR $4 * 8), '{}',
            array_remove(($5::uuid[])[(i - 1) * $6 + 1 : i * $6], NULL), $7
     FROM generate_subscripts($2::uuid[], 1) AS i`,
    expId,
    ids,
    new Uint8Array(genomes.buffer, genomes.byteOffset, n * dim * 8),
    dim,
    flatParents,
    parentsPer,
    operator,
  );
  return ids;
}

/**
 * A transaction on the API's node-postgres pool, with the two raw-query methods of a Prisma
 * transaction. Ask writes thousands of genomes at once: node-postgres sends the bytes as one
 * binary parameter, where Prisma's raw queries pass every parameter through JSON (base64), and
 * the pending rows need no WAL flush (a lost ask only means the client asks again).
 */
async function pgTransaction<T>(fn: (tx: typeof prisma) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  const rows = async (sql: string, ...params: unknown[]) => (await client.query(sql, params.map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p)))).rows;
  const tx = { $queryRawUnsafe: rows, $executeRawUnsafe: async (sql: string, ...params: unknown[]) => (await rows(sql, ...params)).length } as unknown as typeof prisma;
  try {
    await client.query("BEGIN");
    await client.query("SET LOCAL synchronous_commit TO OFF; SET LOCAL statement_timeout TO 30000");
    const out = await fn(tx);
    await client.query("COMMIT");
    return out;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export interface AskResult {
  candidates: { id: string; genome: number[]; parentIds: string[]; operator: string }[];
  /** Evaluations still unreserved after this ask (budget − evaluated − pending). */
  budgetRemaining: number;
  pending: number;
}

/** `encoding: "base64"`: the same candidates column by column, genomes as one float64 block. */
export interface AskColumns extends AskResult {
  ids: string[];
  dim: number;
  /** ids.length × dim little-endian float64, row-major, base64. */
  genomes: string;
  parentIds: string[][];
  operator: string;
}

/** `POST /ask`: `count` candidates from the experiment's emitter over the current archive. */
export async function ask(expId: string, count: number, encoding: "json" | "base64" = "json"): Promise<AskResult | AskColumns> {
  return pgTransaction(
    async (tx) => {
      const exp = await lockExperiment(tx, expId);
      requireExternal(exp, "ask");
      if (exp.status !== "running") {
        throw new ApiError(409, exp.status === "draft" || exp.status === "queued" ? `the experiment is ${exp.status}: start it first (POST /api/experiments/${expId}/start)` : `cannot ask an experiment that is ${exp.status}`);
      }
      const tooMany = askIssue(count, genomeDim(exp.config));
      if (tooMany) throw new ApiError(400, tooMany, [{ path: "body.count", message: tooMany }], "validation_failed");
      const pending = await pendingCount(tx, expId);
      const remaining = Math.max(0, exp.budgetEvaluations - exp.evaluations - pending);
      const n = Math.min(count, remaining);
      const config = exp.config;
      const dim = genomeDim(config);
      if (n === 0) return encoding === "base64" ? { candidates: [], budgetRemaining: 0, pending, ids: [], dim, genomes: "", parentIds: [], operator: config.emitter.type } : { candidates: [], budgetRemaining: 0, pending };
      const { out, parents, operator } = await produce(tx, expId, config, dim, n, mixSeed(exp.seed, exp.evaluations + pending));
      const ids = await insertPending(tx, expId, out, n, dim, parents, operator);
      if (encoding === "base64") {
        const parentIds = parents.map((p) => p.filter((x): x is string => !!x));
        const genomes = Buffer.from(out.buffer, out.byteOffset, n * dim * 8).toString("base64");
        return { candidates: [], budgetRemaining: remaining - n, pending: pending + n, ids, dim, genomes, parentIds, operator };
      }
      return {
        candidates: ids.map((id, i) => ({ id, genome: Array.from(out.subarray(i * dim, (i + 1) * dim)), parentIds: parents[i]!.filter((p): p is string => !!p), operator })),
        budgetRemaining: remaining - n,
        pending: pending + n,
      };
    },
  );
}

/**
 * `n` candidates from the experiment's engine emitter (the one producer of Gaussian / Iso+LineDD
 * children): it picks the parents among the stored elites, only their genomes are read, and it
 * varies them. Cold start as everywhere: x0 plus noise while no elite exists.
 */
async function produce(tx: typeof prisma, expId: string, config: ExperimentSpec, dim: number, n: number, seed: number) {
  const space = vectorSpace(config);
  // The emitter reads parents from the rows handed to vary(), never from this placeholder archive.
  const placeholder = { solutionDim: dim, numElites: 0, occupiedList: new Int32Array(0), solutions: new Float64Array(0) } as unknown as ArchiveBase;
  const emitter = createEmitter(config.emitter, { archive: placeholder, x0: space.x0, bounds: space.bounds, batchSize: n, rng: new Rng(seed) });
  if (!(emitter instanceof MutationEmitter)) throw new ApiError(409, `emitter "${config.emitter.type}" cannot answer ask: use "gaussian" or "iso-line"`);
  const occupied = await tx.$queryRawUnsafe<{ cell: number }[]>(`SELECT cell FROM "Elite" WHERE "experimentId" = $1::uuid ORDER BY cell`, expId);
  const picks = new Int32Array(n * emitter.parentsPer);
  emitter.selectParents(occupied.map((r) => r.cell), occupied.length, n, picks);
  // The picked elites, packed: rows[j] indexes `genomes` (FROM_X0 stays as is).
  const picked = [...new Set(Array.from(picks).filter((c) => c !== FROM_X0))];
  const stored = picked.length
    ? await tx.$queryRawUnsafe<{ cell: number; solutionId: string; genomeVector: Uint8Array }[]>(
        `SELECT cell, "solutionId"::text AS "solutionId", "genomeVector" FROM "Elite" WHERE "experimentId" = $1::uuid AND cell = ANY($2::int[])`,
        expId,
        picked,
      )
    : [];
  const rowOf = new Map(stored.map((r, i) => [r.cell, i]));
  const genomes = new Float64Array(stored.length * dim);
  stored.forEach((r, i) => genomes.set(decodeVector(r.genomeVector), i * dim));
  const rows = Int32Array.from(picks, (c) => (c === FROM_X0 ? FROM_X0 : rowOf.get(c)!));
  const out = new Float64Array(n * dim);
  emitter.vary(out, genomes, rows, n);
  const ids = stored.map((r) => r.solutionId);
  const parents = Array.from({ length: n }, (_, i) => parentIdsOf(rows, i, emitter.parentsPer, ids));
  return { out, parents, operator: config.emitter.type };
}

interface Evaluated {
  id: string;
  genome: Uint8Array;
  fitness: number;
  descriptors: number[];
  parents: string[];
}

/**
 * Commits evaluated candidates as one batch and reports, per candidate, what
 * the archive did with it. `existing`: the rows exist (pending) and are
 * updated in place by commitBatch.
 */
async function commit(exp: ExpRow, batchId: string, evaluated: Evaluated[], failed: number, operator: string) {
  const index = await archiveIndex(exp.id, exp.config);
  const md = index.measureDim;
  const dim = genomeDim(exp.config);
  const cells = evaluated.map((e) => index.cellOf(e.descriptors));
  const parentsPer = Math.max(1, ...evaluated.map((e) => e.parents.length));
  const genomes = new Uint8Array(evaluated.length * dim * 8);
  evaluated.forEach((e, i) => genomes.set(e.genome, i * dim * 8));
  const before = cells.length
    ? new Set((await prisma.$queryRawUnsafe<{ cell: number }[]>(`SELECT cell FROM "Elite" WHERE "experimentId" = $1::uuid AND cell = ANY($2::int[])`, exp.id, [...new Set(cells)])).map((r) => r.cell))
    : new Set<number>();
  const batch: CandidateBatch = {
    experimentId: exp.id,
    batchId,
    evaluations: evaluated.length + failed,
    failed,
    generated: false,
    operator,
    cells,
    fitness: evaluated.map((e) => e.fitness),
    descriptors: evaluated.flatMap((e) => e.descriptors.slice(0, md)),
    measureDim: md,
    genomes,
    genomeDim: dim,
    parentIds: evaluated.flatMap((e) => Array.from({ length: parentsPer }, (_, j) => e.parents[j] ?? null)),
    parentsPer,
    solutionIds: evaluated.map((e) => e.id),
  };
  // Up to 10,000 candidates in one transaction: allow it more than Prisma's default 5 s on a busy database.
  const result = await commitBatch(prisma, batch, snapshotEvery(exp.budgetEvaluations), 60_000);
  return { result, before, cells };
}

async function outcomes(ids: string[], revision: bigint | null, before: Set<number> | null, expId: string): Promise<InsertOutcome[]> {
  const rows = await prisma.$queryRawUnsafe<{ id: string; status: string; cell: number | null; fitness: number | null; eliteRevision: bigint | null }[]>(
    `SELECT id::text, status::text, cell, fitness, "eliteRevision" FROM "Solution" WHERE id = ANY($1::uuid[])`,
    ids,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  let earlier: Set<number> | null = before;
  if (!earlier) {
    // A repeated request: whether each accepted candidate filled an empty cell or replaced an elite,
    // from the history of the cells (solutions that became elites there before it).
    const accepted = rows.filter((r) => r.eliteRevision !== null && r.cell !== null);
    earlier = new Set();
    if (accepted.length) {
      const hist = await prisma.$queryRawUnsafe<{ cell: number; rev: bigint }[]>(
        `SELECT cell, min("eliteRevision") AS rev FROM "Solution" WHERE "experimentId" = $1::uuid AND cell = ANY($2::int[]) AND "eliteRevision" IS NOT NULL GROUP BY cell`,
        expId,
        accepted.map((r) => r.cell!),
      );
      const first = new Map(hist.map((h) => [h.cell, h.rev]));
      for (const r of accepted) if (first.get(r.cell!)! < r.eliteRevision!) earlier.add(r.cell!);
    }
  }
  return ids.map((id) => {
    const r = byId.get(id);
    if (!r || r.status === "failed") return { id, status: "failed", cell: null, fitness: null };
    const accepted = r.eliteRevision !== null && (revision === null || r.eliteRevision === revision);
    return { id, status: accepted ? (r.cell !== null && earlier!.has(r.cell) ? "improved" : "new") : "not_added", cell: r.cell, fitness: r.fitness };
  });
}

function batchIdOf(prefix: string, keys: string[]): string {
  return `${prefix}:${crypto.createHash("sha256").update([...keys].sort().join(",")).digest("hex").slice(0, 40)}`;
}

async function isProcessed(expId: string, batchId: string): Promise<boolean> {
  return !!(await prisma.processedBatch.findUnique({ where: { experimentId_batchId: { experimentId: expId, batchId } }, select: { batchId: true } }));
}

async function readExperiment(expId: string): Promise<ExpRow> {
  const [row] = await prisma.$queryRawUnsafe<ExpRow[]>(
    `SELECT id::text, status::text, config, evaluations, "budgetEvaluations", seed, "numElites" FROM "Experiment" WHERE id = $1::uuid`,
    expId,
  );
  if (!row) throw new ApiError(404, `experiment ${expId} not found`);
  return row;
}

async function summary(expId: string) {
  const e = await prisma.experiment.findUniqueOrThrow({ where: { id: expId }, select: { status: true, evaluations: true, numElites: true, budgetEvaluations: true } });
  return { experimentStatus: e.status, evaluations: e.evaluations, numElites: e.numElites, budgetEvaluations: e.budgetEvaluations };
}

/** `POST /tell`: results of asked candidates. */
export async function tell(expId: string, results: TellResult[]) {
  const exp = await readExperiment(expId);
  requireExternal(exp, "tell");
  const ids = results.map((r) => r.candidateId.toLowerCase());
  const batchId = batchIdOf("t", ids);
  if (await isProcessed(expId, batchId)) {
    await markFailed(results);
    return { duplicate: true, results: await outcomes(ids, null, null, expId), ...(await summary(expId)) };
  }
  const md = effectiveDescriptors(exp.config).length;
  const issues: ApiIssue[] = [];
  results.forEach((r, i) => {
    if (r.error === undefined && r.descriptors!.length !== md) issues.push({ path: `body.results[${i}].descriptors`, message: `expected ${md} descriptor value${md > 1 ? "s" : ""}, got ${r.descriptors!.length}` });
  });
  // node-postgres: the genomes arrive as Buffers (Prisma's raw queries would round-trip them through base64 JSON).
  const { rows } = await pool().query<{ id: string; experimentId: string; status: string; genomeVector: Uint8Array | null; parentIds: string[] }>(
    `SELECT id::text, "experimentId"::text AS "experimentId", status::text, "genomeVector", "parentIds"::text[] AS "parentIds" FROM "Solution" WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  let conflictIssues = 0;
  results.forEach((r, i) => {
    const row = byId.get(ids[i]!);
    if (!row || row.experimentId !== expId) issues.push({ path: `body.results[${i}].candidateId`, message: `no candidate ${r.candidateId} in this experiment (ask for candidates first)` });
    else if (row.status !== "pending") {
      conflictIssues++;
      issues.push({ path: `body.results[${i}].candidateId`, message: `candidate ${r.candidateId} was already told (it is ${row.status}); repeat the exact same tell to get its statuses again` });
    }
  });
  if (issues.length) {
    const status = conflictIssues === issues.length ? 409 : 422;
    throw new ApiError(status, `${issues[0]!.path}: ${issues[0]!.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`, issues, status === 409 ? "conflict" : "unprocessable");
  }
  if (!["running", "paused"].includes(exp.status)) throw new ApiError(409, `cannot tell an experiment that is ${exp.status}`);

  // Metadata first, on rows that are still pending (harmless if the commit below never happens).
  const withMeta = results.filter((r) => r.metrics !== undefined || r.evalMs !== undefined);
  if (withMeta.length) {
    await prisma.$executeRawUnsafe(
      `UPDATE "Solution" s SET metrics = coalesce(m.metrics, s.metrics), "evalMs" = coalesce(m.ms, s."evalMs")
       FROM (SELECT unnest($1::uuid[]) AS id, unnest($2::jsonb[]) AS metrics, unnest($3::float8[]) AS ms) m
       WHERE s.id = m.id AND s.status = 'pending'`,
      withMeta.map((r) => r.candidateId),
      withMeta.map((r) => (r.metrics === undefined ? null : JSON.stringify(r.metrics))),
      withMeta.map((r) => r.evalMs ?? null),
    );
  }
  const evaluated: Evaluated[] = [];
  let failed = 0;
  results.forEach((r, i) => {
    if (r.error !== undefined) return void failed++;
    const row = byId.get(ids[i]!)!;
    evaluated.push({ id: ids[i]!, genome: row.genomeVector ?? new Uint8Array(0), fitness: r.fitness!, descriptors: r.descriptors!, parents: row.parentIds ?? [] });
  });
  const { result, before } = await commit(exp, batchId, evaluated, failed, exp.config.emitter.type);
  await markFailed(results);
  return {
    duplicate: result.duplicate,
    results: await outcomes(ids, result.duplicate ? null : result.revision, result.duplicate ? null : before, expId),
    ...(await summary(expId)),
  };
}

/** Failed evaluations: recorded on their rows after the batch that counted them committed. */
async function markFailed(results: TellResult[]) {
  const failed = results.filter((r) => r.error !== undefined);
  if (!failed.length) return;
  await prisma.$executeRawUnsafe(
    `UPDATE "Solution" s SET status = 'failed', error = m.error FROM (SELECT unnest($1::uuid[]) AS id, unnest($2::text[]) AS error) m
     WHERE s.id = m.id AND s.status = 'pending'`,
    failed.map((r) => r.candidateId),
    failed.map((r) => r.error!),
  );
}

/**
 * `POST /solutions`: genomes to evaluate. Built-in domains: evaluated here
 * and committed at once (seeds, hand-written candidates). External domains:
 * stored as pending candidates for the client to evaluate and tell.
 */
export async function submit(expId: string, submitted: { genome: unknown; parentIds?: string[] }[], idempotencyKey?: string) {
  const probe = await readExperiment(expId);
  if (runsInStages(probe.config)) return submitToWorkers(probe, submitted, idempotencyKey);
  const shapeIssues = submitted.flatMap((s, i) => vectorIssues(s.genome, `body.solutions[${i}].genome`));
  if (shapeIssues.length) throw new ApiError(400, `${shapeIssues[0]!.path}: ${shapeIssues[0]!.message}`, shapeIssues);
  const solutions = submitted as { genome: number[]; parentIds?: string[] }[];
  const dim = genomeDim(probe.config);
  const issues: ApiIssue[] = [];
  solutions.forEach((s, i) => {
    if (s.genome.length !== dim) issues.push({ path: `body.solutions[${i}].genome`, message: `expected ${dim} values (the domain's genome length), got ${s.genome.length}` });
  });
  if (issues.length) throw new ApiError(422, `${issues[0]!.path}: ${issues[0]!.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`, issues);
  const open = ["draft", "queued", "running", "paused"];
  const flat = new Float64Array(solutions.length * dim);
  solutions.forEach((s, i) => flat.set(s.genome, i * dim));

  if (isExternal(probe.config)) {
    return prisma.$transaction(async (t) => {
      const tx = t as unknown as typeof prisma;
      const exp = await lockExperiment(tx, expId);
      if (!open.includes(exp.status)) throw new ApiError(409, `cannot submit solutions to an experiment that is ${exp.status}`);
      const pending = await pendingCount(tx, expId);
      const remaining = exp.budgetEvaluations - exp.evaluations - pending;
      if (solutions.length > remaining) throw new ApiError(409, `the budget has ${Math.max(0, remaining)} unreserved evaluation(s) left; ${solutions.length} submitted`);
      const ids = await insertPending(tx, expId, flat, solutions.length, dim, solutions.map((s) => s.parentIds ?? []), "submitted");
      return {
        mode: "pending" as const,
        candidates: ids.map((id, i) => ({ id, genome: solutions[i]!.genome, parentIds: solutions[i]!.parentIds ?? [], operator: "submitted" })),
        budgetRemaining: remaining - solutions.length,
      };
    });
  }

  const key = idempotencyKey ?? crypto.randomUUID();
  const ids = solutions.map((_, i) => keyedUuid(`${expId}:${key}:${i}`));
  const batchId = `s:${crypto.createHash("sha256").update(key).digest("hex").slice(0, 40)}`;
  if (await isProcessed(expId, batchId)) return { mode: "evaluated" as const, duplicate: true, results: await outcomes(ids, null, null, expId), ...(await summary(expId)) };
  if (!open.includes(probe.status)) throw new ApiError(409, `cannot submit solutions to an experiment that is ${probe.status}`);
  const remaining = probe.budgetEvaluations - probe.evaluations;
  if (solutions.length > remaining) throw new ApiError(409, `the budget has ${Math.max(0, remaining)} evaluation(s) left; ${solutions.length} submitted`);

  const domain = getDomain((probe.config as ExperimentConfig).domain);
  const md = domain.descriptors.length;
  const objectives = new Float64Array(solutions.length);
  const measures = new Float64Array(solutions.length * md);
  domain.evaluateBatch(flat, solutions.length, objectives, measures);
  const evaluated: Evaluated[] = [];
  let failed = 0;
  solutions.forEach((s, i) => {
    const f = objectives[i]!;
    const m = Array.from(measures.subarray(i * md, (i + 1) * md));
    if (!Number.isFinite(f) || m.some((v) => Number.isNaN(v))) return void failed++;
    evaluated.push({ id: ids[i]!, genome: encodeVector(s.genome), fitness: f, descriptors: m, parents: s.parentIds ?? [] });
  });
  const { result, before } = await commit(probe, batchId, evaluated, failed, "submitted");
  return {
    mode: "evaluated" as const,
    duplicate: result.duplicate,
    results: await outcomes(ids, result.duplicate ? null : result.revision, result.duplicate ? null : before, expId),
    ...(await summary(expId)),
  };
}

/**
 * Experiments evaluated by workers (user evaluators, LLM runs): the genomes (seeds, hand-written
 * programs or texts) go to the evaluation queue as one batch, scored by the experiment's own
 * evaluator and committed like any job, counted against the budget. 202: they are queued; each
 * appears under GET /api/solutions/:id once evaluated.
 */
async function submitToWorkers(probe: Awaited<ReturnType<typeof readExperiment>>, solutions: { genome: unknown; parentIds?: string[] }[], idempotencyKey?: string) {
  const config = probe.config as ExperimentSpec;
  const kind = genomeKind(config);
  const issues: ApiIssue[] = [];
  const dim = kind === "vector" ? vectorSpace(config).dim : 0;
  solutions.forEach((s, i) => {
    const path = `body.solutions[${i}].genome`;
    if (kind === "vector") {
      const shape = vectorIssues(s.genome, path);
      if (shape.length) issues.push(...shape);
      else if ((s.genome as number[]).length !== dim) issues.push({ path, message: `expected ${dim} values (the domain's genome length), got ${(s.genome as number[]).length}` });
    }
    if ((kind === "code" || kind === "text") && typeof s.genome !== "string") issues.push({ path, message: `this experiment evolves ${kind === "code" ? "programs" : "texts"}: give the genome as a string` });
  });
  if (issues.length) throw new ApiError(422, `${issues[0]!.path}: ${issues[0]!.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`, issues);
  if (probe.status !== "running" && probe.status !== "paused") throw new ApiError(409, `cannot submit solutions to an experiment that is ${probe.status}: start it first (or give seeds in domain.seeds when creating it)`);
  const remaining = probe.budgetEvaluations - probe.evaluations;
  if (solutions.length > remaining) throw new ApiError(409, `the budget has ${Math.max(0, remaining)} evaluation(s) left; ${solutions.length} submitted`);
  const key = idempotencyKey ?? crypto.randomUUID();
  const batchId = `s:${crypto.createHash("sha256").update(key).digest("hex").slice(0, 40)}`;
  const candidates = solutions.map((s, i) => ({ id: keyedUuid(`${probe.id}:${key}:${i}`), genome: s.genome, parentIds: s.parentIds ?? [], extras: { operator: "submitted" } }));
  const duplicate = await isProcessed(probe.id, batchId);
  if (!duplicate) await enqueueEvaluation(getQueues(), { experimentId: probe.id, k: -1, batchId, candidates, operator: "submitted" });
  return { mode: "queued" as const, duplicate, candidates: candidates.map((c) => ({ id: c.id, parentIds: c.parentIds })), budgetRemaining: remaining - solutions.length };
}

/** A vector genome: a non-empty array of at most 10,000 finite numbers. */
function vectorIssues(genome: unknown, path: string): ApiIssue[] {
  if (!Array.isArray(genome)) return [{ path, message: "genome must be an array of numbers (this experiment's genomes are vectors)" }];
  if (!genome.length) return [{ path, message: "genome must not be empty" }];
  if (genome.length > 10_000) return [{ path, message: "genome must have at most 10,000 values" }];
  const j = genome.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
  return j < 0 ? [] : [{ path: `${path}[${j}]`, message: typeof genome[j] === "number" ? "each gene must be finite" : "each gene must be a number" }];
}
