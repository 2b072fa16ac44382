import crypto from "node:crypto";
import { prisma } from "@/lib/db/client";
import { commitBatch, type CandidateBatch, type CandidateExtras } from "@/lib/db/archive-store";
import { encodeVector } from "@/lib/db/vector-codec";
import { FROM_X0, getDomain, mixSeed, MutationEmitter, parentIdsOf, Rng, type ArchiveBase } from "@/lib/qd";
import { createEmitter } from "@/lib/registry/emitters";
import { effectiveDescriptors, genomeKind, isUserEvaluated, runsInStages, vectorSpace, type ExperimentConfig, type ExperimentSpec } from "@/lib/experiments/config";
import { enqueueEvaluation } from "@/lib/experiments/jobs";
import { markSubmittedDuplicates } from "@/lib/dedupe/submitted";
import { getQueues } from "@/lib/queue/server";
import { keyedUuid } from "@/lib/keyed-uuid";
import { ApiError, type ApiIssue } from "./errors";
import { askIssue } from "@/lib/experiments/limits";
import { archiveIndex, pool } from "./archive";
import { currentElites } from "./elite-cache";
import type { TellBody, TellResult } from "./schemas";
import type { AskBinary } from "./ask-binary";
import { candidateId, DEFAULT_ASK_TTL_SECONDS, candidateSlices, insertAskBatch, loadAskBatches, Outcome, OUTCOME_NAMES, pruneExpired, reservedCount, saveOutcomes, splitCandidateId, type StoredAskBatch } from "./ask-batches";

/**
 * Job submission and external evaluation (ask/tell) on top of the one archive
 * write path, `commitBatch`: idempotent (the batch id is derived from the
 * candidate ids or the client's idempotency key), serialised per experiment,
 * counted against the budget, completing the run at the budget.
 *
 * Ask reserves budget: candidates handed out are stored as one AskBatch row per ask
 * (lib/api/ask-batches.ts) and count against the remaining budget until told or
 * expired, so tells can never take a run past its budget. Tell writes only the
 * candidates that become elites, and failures with their reasons.
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

/**
 * A transaction on the API's node-postgres pool, with the two raw-query methods of a Prisma
 * transaction. Ask writes thousands of genomes at once: node-postgres sends the bytes as one
 * binary parameter, where Prisma's raw queries pass every parameter through JSON (base64), and
 * the pending rows need no WAL flush (a lost ask only means the client asks again).
 */
async function pgTransaction<T>(fn: (tx: typeof prisma) => Promise<T>, opts: { durable?: boolean } = {}): Promise<T> {
  const client = await pool().connect();
  const query = (sql: string, params: unknown[]) => client.query(sql, params.map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p)));
  const tx = {
    $queryRawUnsafe: async (sql: string, ...params: unknown[]) => (await query(sql, params)).rows,
    $executeRawUnsafe: async (sql: string, ...params: unknown[]) => (await query(sql, params)).rowCount ?? 0,
  } as unknown as typeof prisma;
  try {
    await client.query("BEGIN");
    await client.query(opts.durable ? "SET LOCAL statement_timeout TO 30000" : "SET LOCAL synchronous_commit TO OFF; SET LOCAL statement_timeout TO 30000");
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
  /** The stored batch (absent when nothing was handed out): its candidates' ids are `candidateId(batchId, i)`. */
  batchId?: string;
  /** ISO time after which untold candidates of this batch stop reserving budget and are refused. */
  expiresAt?: string;
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

/** What the experiment's producer hands out for one ask: n genomes (row-major), their parents and operator. */
interface Produced {
  genomes: Float64Array;
  parents: string[][];
  operator: string;
  seed: number;
}

/**
 * The genome producer of ask: `n` candidates from the experiment's engine emitter (the one producer
 * of Gaussian / Iso+LineDD children, as in the workers' jobs): it picks the parents among the current
 * elites and varies them. Cold start as everywhere: x0 plus noise while no elite exists. The one
 * place ask makes genomes; storage is the caller's.
 */
async function produceCandidates(tx: typeof prisma, exp: ExpRow, n: number, reserved: number): Promise<Produced> {
  const config = exp.config;
  const dim = genomeDim(config);
  const space = vectorSpace(config);
  // A reproducible stream per ask: seed mixed with how far the run is.
  const seed = mixSeed(exp.seed, exp.evaluations + reserved);
  // The emitter reads parents from the rows handed to vary(), never from this placeholder archive.
  const placeholder = { solutionDim: dim } as ArchiveBase;
  const emitter = createEmitter(config.emitter, { archive: placeholder, x0: space.x0, bounds: space.bounds, coldStart: space.coldStart, batchSize: n, rng: new Rng(seed) });
  if (!(emitter instanceof MutationEmitter)) throw new ApiError(409, `emitter "${config.emitter.type}" cannot answer ask: use "gaussian" or "iso-line"`);
  const elites = await currentElites(tx, exp.id, exp.numElites);
  const picks = new Int32Array(n * emitter.parentsPer);
  emitter.selectParents(elites.cells, elites.cells.length, n, picks);
  // The picked elites, packed: rows[j] indexes `stored` (FROM_X0 stays as is).
  const picked = [...new Set(Array.from(picks).filter((c) => c !== FROM_X0))];
  const rowOf = new Map(picked.map((c, i) => [c, i]));
  const stored = new Float64Array(picked.length * dim);
  const ids = picked.map((c, i) => {
    const e = elites.get(c);
    stored.set(e.x, i * dim);
    return e.id;
  });
  const rows = Int32Array.from(picks, (c) => (c === FROM_X0 ? FROM_X0 : rowOf.get(c)!));
  const genomes = new Float64Array(n * dim);
  emitter.vary(genomes, stored, rows, n);
  const parents = Array.from({ length: n }, (_, i) => parentIdsOf(rows, i, emitter.parentsPer, ids));
  return { genomes, parents, operator: config.emitter.type, seed };
}

/**
 * `POST /ask`: `count` candidates from the experiment's emitter over the current archive, stored
 * as one AskBatch row (committed durably: a client holding candidates can always tell them).
 */
export async function ask(expId: string, count: number, encoding: "json" | "base64", ttlSeconds?: number): Promise<AskResult | AskColumns>;
export async function ask(expId: string, count: number, encoding: "binary", ttlSeconds?: number): Promise<AskBinary>;
export async function ask(expId: string, count: number, encoding?: "json" | "base64" | "binary", ttlSeconds?: number): Promise<AskResult | AskColumns | AskBinary>;
export async function ask(expId: string, count: number, encoding: "json" | "base64" | "binary" = "json", ttlSeconds = DEFAULT_ASK_TTL_SECONDS): Promise<AskResult | AskColumns | AskBinary> {
  return pgTransaction(
    async (tx) => {
      const exp = await lockExperiment(tx, expId);
      requireExternal(exp, "ask");
      if (exp.status !== "running") {
        throw new ApiError(409, exp.status === "draft" || exp.status === "queued" ? `the experiment is ${exp.status}: start it first (POST /api/experiments/${expId}/start)` : `cannot ask an experiment that is ${exp.status}`);
      }
      const tooMany = askIssue(count, genomeDim(exp.config));
      if (tooMany) throw new ApiError(400, tooMany, [{ path: "body.count", message: tooMany }], "validation_failed");
      await pruneExpired(tx, expId);
      const pending = await reservedCount(tx, expId);
      const remaining = Math.max(0, exp.budgetEvaluations - exp.evaluations - pending);
      const n = Math.min(count, remaining);
      const dim = genomeDim(exp.config);
      if (n === 0 && encoding === "binary") return binaryAnswer({ budgetRemaining: 0, pending }, 0, dim, exp.config.emitter.type, null, null, 0);
      if (n === 0) return encoding === "base64" ? { candidates: [], budgetRemaining: 0, pending, ids: [], dim, genomes: "", parentIds: [], operator: exp.config.emitter.type } : { candidates: [], budgetRemaining: 0, pending };
      const made = await produceCandidates(tx, exp, n, pending);
      const { batchId, expiresAt, parents, parentsPer } = await insertAskBatch(tx, { experimentId: expId, genomes: made.genomes, count: n, dim, parents: made.parents, operator: made.operator, seed: made.seed, ttlSeconds });
      if (encoding === "binary") {
        const header = { budgetRemaining: remaining - n, pending: pending + n, batchId, expiresAt: expiresAt.toISOString() };
        return binaryAnswer(header, n, dim, made.operator, made.genomes, parents, parentsPer);
      }
      const ids = Array.from({ length: n }, (_, i) => candidateId(batchId, i));
      const common = { budgetRemaining: remaining - n, pending: pending + n, batchId, expiresAt: expiresAt.toISOString() };
      if (encoding === "base64") {
        const genomes = Buffer.from(made.genomes.buffer, made.genomes.byteOffset, n * dim * 8).toString("base64");
        return { candidates: [], ...common, ids, dim, genomes, parentIds: made.parents, operator: made.operator };
      }
      return {
        candidates: ids.map((id, i) => ({ id, genome: Array.from(made.genomes.subarray(i * dim, (i + 1) * dim)), parentIds: made.parents[i]!, operator: made.operator })),
        ...common,
      };
    },
    { durable: true },
  );
}

/** The binary ask answer's parts: the producer's genome block and the stored parents block, not copied. */
function binaryAnswer(head: { budgetRemaining: number; pending: number; batchId?: string; expiresAt?: string }, n: number, dim: number, operator: string, genomes: Float64Array | null, parents: Buffer | null, parentsPer: number): AskBinary {
  const g = genomes ? new Uint8Array(genomes.buffer, genomes.byteOffset, n * dim * 8) : new Uint8Array(0);
  const p = parents ? new Uint8Array(parents.buffer, parents.byteOffset, parents.byteLength) : new Uint8Array(0);
  return { header: { ...head, count: n, dim, operator, parentsPer, genomeBytes: g.byteLength, parentBytes: p.byteLength }, genomes: g, parents: p };
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
  // The ids of a binary tell come in order already: no sorted copy for them.
  let sorted = true;
  for (let i = 1; sorted && i < keys.length; i++) sorted = keys[i - 1]! <= keys[i]!;
  return `${prefix}:${crypto.createHash("sha256").update((sorted ? keys : [...keys].sort()).join(",")).digest("hex").slice(0, 40)}`;
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

/** A tell as columns: both request forms (JSON results, float64 blocks) become this. */
interface TellColumns {
  /** Lower-case candidate ids. */
  ids: string[];
  fitness: Float64Array;
  /** ids.length × measure count, row-major. */
  descriptors: Float64Array;
  /** Failed evaluations: the reason, by position. */
  errors: Map<number, string>;
  extras: Map<number, { metrics?: Record<string, unknown>; evalMs?: number }>;
  /** Where an id came from in the request, for issue paths. */
  idPath: (i: number) => string;
  /** Batch and index of each id, when the form gives them (the binary form: one batch, consecutive indices). */
  parsed?: { batchId: string; index: number }[];
}

const NON_FINITE = "non-finite objective or measures";

function fromResults(results: TellResult[], md: number): TellColumns {
  const n = results.length;
  const cols: TellColumns = { ids: new Array(n), fitness: new Float64Array(n), descriptors: new Float64Array(n * md), errors: new Map(), extras: new Map(), idPath: (i) => `body.results[${i}].candidateId` };
  const issues: ApiIssue[] = [];
  results.forEach((r, i) => {
    cols.ids[i] = r.candidateId.toLowerCase();
    if (r.metrics !== undefined || r.evalMs !== undefined) cols.extras.set(i, { metrics: r.metrics, evalMs: r.evalMs });
    if (r.error !== undefined) return void cols.errors.set(i, r.error);
    if (r.descriptors!.length !== md) return void issues.push({ path: `body.results[${i}].descriptors`, message: `expected ${md} descriptor value${md > 1 ? "s" : ""}, got ${r.descriptors!.length}` });
    cols.fitness[i] = r.fitness!;
    cols.descriptors.set(r.descriptors!, i * md);
  });
  if (issues.length) throw unprocessable(issues);
  return cols;
}

/** The binary form: `batchId`, `start`, and float64 blocks; a non-finite value records that candidate as failed. */
function fromBlocks(body: { batchId: string; start: number; fitness: string; descriptors: string }, md: number): TellColumns {
  const fitness = float64s(body.fitness);
  const descriptors = float64s(body.descriptors);
  const n = fitness?.length ?? 0;
  const issues: ApiIssue[] = [];
  if (!fitness || n === 0) issues.push({ path: "body.fitness", message: "expected at least one little-endian float64 (base64, a multiple of 8 bytes)" });
  else if (n > 10_000) issues.push({ path: "body.fitness", message: `at most 10,000 results per tell (got ${n})` });
  if (!descriptors || descriptors.length !== n * md) issues.push({ path: "body.descriptors", message: `expected ${n} × ${md} = ${n * md} float64 values (row-major), got ${descriptors ? descriptors.length : "a length that is not a multiple of 8 bytes"}` });
  if (issues.length) throw unprocessable(issues);
  const batchId = body.batchId.toLowerCase();
  const cols: TellColumns = { ids: new Array(n), fitness: fitness!, descriptors: descriptors!, errors: new Map(), extras: new Map(), idPath: () => "body.batchId", parsed: new Array(n) };
  for (let i = 0; i < n; i++) {
    cols.ids[i] = candidateId(batchId, body.start + i);
    cols.parsed![i] = { batchId, index: body.start + i };
  }
  for (let i = 0; i < n; i++) {
    let ok = Number.isFinite(fitness![i]!);
    for (let j = 0; ok && j < md; j++) ok = Number.isFinite(descriptors![i * md + j]!);
    if (!ok) cols.errors.set(i, NON_FINITE);
  }
  return cols;
}

function float64s(b64: string): Float64Array | null {
  // Decoded straight into the array's own memory (no intermediate Buffer to copy from).
  const out = new Float64Array(Math.ceil(Buffer.byteLength(b64, "base64") / 8));
  const bytes = Buffer.from(out.buffer);
  const written = bytes.write(b64, "base64");
  if (written % 8) return null;
  return written === bytes.length ? out : out.subarray(0, written / 8);
}

function unprocessable(issues: ApiIssue[], status = 422): ApiError {
  const code = status === 409 ? "conflict" : status === 410 ? "gone" : "unprocessable";
  return new ApiError(status, `${issues[0]!.path}: ${issues[0]!.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`, issues, code);
}

/** commitBatch runs its own transaction: this hands it the tell's open one instead. */
const within = (tx: typeof prisma) => ({ $transaction: (fn: (t: typeof prisma) => unknown) => fn(tx) }) as unknown as typeof prisma;

/**
 * `POST /tell`: results of asked candidates. In one transaction under the experiment's row lock:
 * each id must name an untold, unexpired candidate of this experiment's batches; only the
 * candidates that become elites are written as solutions (failures too, with their reason), the
 * batch ledger makes a repeated tell a no-op, and the batches keep every outcome for that repeat.
 */
export async function tell(expId: string, body: TellBody) {
  const answer = body.answer ?? "json";
  const exp = await readExperiment(expId);
  requireExternal(exp, "tell");
  const md = effectiveDescriptors(exp.config).length;
  const cols = body.results ? fromResults(body.results, md) : fromBlocks({ batchId: body.batchId!, start: body.start ?? 0, fitness: body.fitness!, descriptors: body.descriptors! }, md);
  const ledgerId = batchIdOf("t", cols.ids);
  const parsed = cols.parsed ?? cols.ids.map(splitCandidateId);
  const batchIds = [...new Set(parsed.map((p) => p.batchId))];
  // On the node-postgres pool, like ask: binary columns arrive as Buffers (Prisma would pass them through JSON).
  const told = await pgTransaction(
    async (tx) => {
      const locked = await lockExperiment(tx, expId);
      const ledger = await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM "ProcessedBatch" WHERE "experimentId" = $1::uuid AND "batchId" = $2`, expId, ledgerId);
      if (ledger.length) {
        return { duplicate: true, ...answerOf(cols.ids, parsed, await loadAskBatches(tx, batchIds, false), answer) };
      }
      const batches = await loadAskBatches(tx, batchIds, true);
      const unknown: ApiIssue[] = [];
      const again: ApiIssue[] = [];
      const expired: ApiIssue[] = [];
      parsed.forEach(({ batchId, index }, i) => {
        const b = batches.get(batchId);
        const id = cols.ids[i];
        if (!b || b.experimentId !== expId || !(index < b.count)) unknown.push({ path: cols.idPath(i), message: `no candidate ${id} in this experiment (ask for candidates first)` });
        else if (b.outcomes[index] !== Outcome.Untold) again.push({ path: cols.idPath(i), message: `candidate ${id} was already told (it is ${OUTCOME_NAMES[b.outcomes[index]!]}); repeat the exact same tell to get its statuses again` });
        else if (b.expired) expired.push({ path: cols.idPath(i), message: `candidate ${id} expired at ${b.expiresAt.toISOString()} (its budget was released): ask again` });
      });
      if (unknown.length) throw unprocessable(unknown, 422);
      if (again.length) throw unprocessable(again, 409);
      if (expired.length) throw unprocessable(expired, 410);
      if (!["running", "paused"].includes(locked.status)) throw new ApiError(409, `cannot tell an experiment that is ${locked.status}`);

      // Which candidates become elites: the best of the tell in each cell, if it beats the cell's elite
      // (read under the lock, so commitBatch will take exactly these).
      const index = await archiveIndex(exp.id, exp.config);
      const n = cols.ids.length;
      const cells = new Int32Array(n).fill(-1);
      const bestInCell = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        if (cols.errors.has(i)) continue;
        const cell = index.cellOf(cols.descriptors, i * md);
        cells[i] = cell;
        const j = bestInCell.get(cell);
        if (j === undefined || cols.fitness[i]! > cols.fitness[j]!) bestInCell.set(cell, i);
      }
      const current = bestInCell.size
        ? await tx.$queryRawUnsafe<{ cell: number; fitness: number }[]>(`SELECT cell, fitness FROM "Elite" WHERE "experimentId" = $1::uuid AND cell = ANY($2::int[])`, expId, [...bestInCell.keys()])
        : [];
      const occupied = new Map(current.map((r) => [r.cell, r.fitness]));
      const winners = [...bestInCell.entries()].filter(([cell, i]) => !occupied.has(cell) || cols.fitness[i]! > occupied.get(cell)!).map(([, i]) => i);
      const failures = [...cols.errors.keys()];
      const slices = await candidateSlices(tx, [...winners, ...failures].map((i) => parsed[i]!));
      const batchOf = (i: number) => batches.get(parsed[i]!.batchId)!;
      const parents = winners.map((_, k) => slices[k]!.parents);
      const parentsPer = Math.max(1, ...parents.map((p) => p.length));
      const dim = genomeDim(exp.config);
      const genomes = new Uint8Array(winners.length * dim * 8);
      winners.forEach((_, k) => genomes.set(slices[k]!.genome, k * dim * 8));
      const batch: CandidateBatch = {
        experimentId: expId,
        batchId: ledgerId,
        evaluations: n,
        failed: failures.length,
        generated: false,
        operator: exp.config.emitter.type,
        cells: winners.map((i) => cells[i]!),
        fitness: winners.map((i) => cols.fitness[i]!),
        descriptors: winners.flatMap((i) => Array.from(cols.descriptors.subarray(i * md, (i + 1) * md))),
        measureDim: md,
        genomes,
        genomeDim: dim,
        parentIds: parents.flatMap((p) => Array.from({ length: parentsPer }, (_, j) => p[j] ?? null)),
        parentsPer,
        solutionIds: winners.map((i) => cols.ids[i]!),
        // The operator of each candidate's batch ("submitted" for external submissions) and what the client told besides fitness.
        extras: winners.map((i) => ({ operator: batchOf(i).operator, ...cols.extras.get(i) }) as CandidateExtras),
        failures: failures.map((i, k) => ({
          id: cols.ids[i]!,
          genome: new Float64Array(Uint8Array.from(slices[winners.length + k]!.genome).buffer),
          parentIds: slices[winners.length + k]!.parents,
          error: cols.errors.get(i)!,
          operator: batchOf(i).operator,
          ...(cols.extras.get(i) as CandidateExtras | undefined),
        })),
      };
      await commitBatch(within(tx), batch, snapshotEvery(exp.budgetEvaluations));

      // The outcome of every told candidate, kept on its batch for a repeated tell.
      const won = new Set(winners);
      for (let i = 0; i < n; i++) {
        const b = batchOf(i);
        const k = parsed[i]!.index;
        const status = cols.errors.has(i) ? Outcome.Failed : won.has(i) ? (occupied.has(cells[i]!) ? Outcome.Improved : Outcome.New) : Outcome.NotAdded;
        b.outcomes[k] = status;
        b.cells[k] = cells[i]!;
        b.fitness[k] = status === Outcome.Failed ? NaN : cols.fitness[i]!;
        b.told++;
      }
      await saveOutcomes(tx, [...batches.values()]);
      return { duplicate: false, ...answerOf(cols.ids, parsed, batches, answer) };
    },
  );
  return { ...told, ...(await summary(expId)) };
}

function outcomeOf(id: string, b: StoredAskBatch | undefined, k: number): InsertOutcome {
  const o = b?.outcomes[k] ?? Outcome.Untold;
  if (o === Outcome.Untold || o === Outcome.Failed) return { id, status: "failed", cell: null, fitness: null };
  return { id, status: OUTCOME_NAMES[o] as InsertStatus, cell: b!.cells[k]!, fitness: b!.fitness[k]! };
}

/**
 * What a tell answers, from the outcomes stored on the batches (so a repeated tell answers the same):
 * `results`, one object per candidate, or with `answer: "blocks"` two small binary columns and no
 * per-candidate object on either side: `statuses` (uint8 per candidate: 1 new, 2 improved,
 * 3 not added, 4 failed) and `cells` (int32 LE, -1 for a failure), base64. Fitness is the client's own.
 */
function answerOf(ids: string[], parsed: { batchId: string; index: number }[], batches: Map<string, StoredAskBatch>, answer: "json" | "blocks"): { results: InsertOutcome[] } | { statuses: string; cells: string } {
  if (answer === "json") return { results: storedOutcomes(ids, parsed, batches) };
  const statuses = new Uint8Array(ids.length);
  const cells = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const b = batches.get(parsed[i]!.batchId);
    const k = parsed[i]!.index;
    const o = b?.outcomes[k] ?? Outcome.Untold;
    const failed = o === Outcome.Untold || o === Outcome.Failed;
    statuses[i] = failed ? Outcome.Failed : o;
    cells[i] = failed ? -1 : b!.cells[k]!;
  }
  return { statuses: Buffer.from(statuses.buffer).toString("base64"), cells: Buffer.from(cells.buffer).toString("base64") };
}

/** A repeated tell: the outcomes stored on the batches when it was first told. */
function storedOutcomes(ids: string[], parsed: { batchId: string; index: number }[], batches: Map<string, StoredAskBatch>): InsertOutcome[] {
  return ids.map((id, i) => outcomeOf(id, batches.get(parsed[i]!.batchId), parsed[i]!.index));
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
      const pending = await reservedCount(tx, expId);
      const remaining = exp.budgetEvaluations - exp.evaluations - pending;
      if (solutions.length > remaining) throw new ApiError(409, `the budget has ${Math.max(0, remaining)} unreserved evaluation(s) left; ${solutions.length} submitted`);
      const parents = solutions.map((s) => s.parentIds ?? []);
      const { batchId } = await insertAskBatch(tx, { experimentId: expId, genomes: flat, count: solutions.length, dim, parents, operator: "submitted", seed: null, ttlSeconds: DEFAULT_ASK_TTL_SECONDS });
      return {
        mode: "pending" as const,
        candidates: solutions.map((s, i) => ({ id: candidateId(batchId, i), genome: s.genome, parentIds: parents[i]!, operator: "submitted" })),
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
  const duplicate = await isProcessed(probe.id, batchId);
  // LLM runs: repeats of stored programs are rejected before evaluation, as the model's children are.
  const candidates = await markSubmittedDuplicates(prisma, config, probe.id, solutions.map((s, i) => ({ id: keyedUuid(`${probe.id}:${key}:${i}`), genome: s.genome, parentIds: s.parentIds ?? [], extras: { operator: "submitted" } })));
  if (!duplicate) await enqueueEvaluation(getQueues(), { experimentId: probe.id, k: -1, batchId, candidates, operator: "submitted" });
  const rejected = candidates.filter((c) => c.duplicate).length;
  return {
    mode: "queued" as const,
    duplicate,
    candidates: candidates.map((c) => ({ id: c.id, parentIds: c.parentIds, ...(c.duplicate ? { status: "duplicate" as const, duplicateOf: c.duplicate.of, similarity: c.duplicate.similarity } : {}) })),
    budgetRemaining: remaining - solutions.length + rejected,
  };
}

/** A vector genome: a non-empty array of at most 10,000 finite numbers. */
function vectorIssues(genome: unknown, path: string): ApiIssue[] {
  if (!Array.isArray(genome)) return [{ path, message: "genome must be an array of numbers (this experiment's genomes are vectors)" }];
  if (!genome.length) return [{ path, message: "genome must not be empty" }];
  if (genome.length > 10_000) return [{ path, message: "genome must have at most 10,000 values" }];
  const j = genome.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
  return j < 0 ? [] : [{ path: `${path}[${j}]`, message: typeof genome[j] === "number" ? "each gene must be finite" : "each gene must be a number" }];
}
