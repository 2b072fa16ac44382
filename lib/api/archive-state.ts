import type pg from "pg";
import type { ExperimentSpec } from "@/lib/experiments/config";
import { loopBudget } from "./loop-budget";

/**
 * The union archive ("Elite" rows) of recently read experiments, copied into the web process and
 * caught up by revision: a read during a live run fetches only the rows written since the copy's
 * revision (a few hundred per batch) instead of all 10,000, and the bodies are rendered from memory.
 *
 * PostgreSQL stays the only source of truth: this is derived data, rebuilt from the table whenever
 * it cannot be proven current. Exactness: archive writes hold the experiment row from the revision
 * bump to commit, so they commit in revision order; the catch-up reads the experiment's revision and
 * the rows above the copy's revision in one statement (one snapshot), so after applying them the
 * copy equals the table at that revision. Rows only disappear when the whole archive is rewritten
 * (auto-range re-binning, with a new revision on every row); a copy holding more cells than
 * `numElites` then shows it, and the table is read afresh.
 */

export interface EliteEntry {
  cell: number;
  fitness: number;
  /** Descriptor values (length = the state's dim). */
  descriptors: Float64Array;
  /** The solution id's 16 bytes (uuid_send) and its text form. */
  idBytes: Uint8Array;
  id: string;
  /** The archive revision that wrote this row. */
  revision: number;
  /** The JSON text of fitness and of descriptors, made once per row (most rows outlive many reads). */
  fitnessJson: string;
  descriptorsJson: string;
}

export interface ArchiveState {
  experimentId: string;
  /** The archive revision the copy is exact at (text: a bigint). */
  revision: string;
  dim: number;
  byCell: Map<number, EliteEntry>;
  /** Occupied cells in increasing order, rebuilt lazily after a new cell appears. */
  sorted: number[] | null;
}

interface WireRow {
  revision: string;
  numElites: number;
  /** The experiment's configuration (a read of the archive needs its geometry; one round trip). */
  config: ExperimentSpec;
  count: number;
  dimMin: number | null;
  dimMax: number | null;
  cells: Buffer | null;
  fitness: Buffer | null;
  descriptors: Buffer | null;
  ids: Buffer | null;
  revisions: Buffer | null;
}

/**
 * The experiment's revision, element count and configuration, and its rows above `since`,
 * in one statement, as binary columns (int4send / float8send / uuid_send / int8send, ordered by cell): no
 * number is printed as text and parsed back. undefined: no such experiment.
 */
async function readSince(db: pg.Pool, experimentId: string, since: string): Promise<WireRow | undefined> {
  const { rows } = await db.query<WireRow>(
    `SELECT x."archiveRevision"::text AS revision, x."numElites" AS "numElites", x.config, e.*
       FROM "Experiment" x
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS count,
                min(cardinality(descriptors)) AS "dimMin", max(cardinality(descriptors)) AS "dimMax",
                string_agg(int4send(cell), ''::bytea ORDER BY cell) AS cells,
                string_agg(float8send(fitness), ''::bytea ORDER BY cell) AS fitness,
                string_agg((SELECT string_agg(float8send(d), ''::bytea ORDER BY o) FROM unnest(descriptors) WITH ORDINALITY AS u(d, o)), ''::bytea ORDER BY cell) AS descriptors,
                string_agg(uuid_send("solutionId"), ''::bytea ORDER BY cell) AS ids,
                string_agg(int8send(revision), ''::bytea ORDER BY cell) AS revisions
           FROM "Elite" WHERE "experimentId" = x.id AND revision > $2::bigint
       ) e
      WHERE x.id = $1::uuid`,
    [experimentId, since],
  );
  return rows[0];
}

/** Thrown when the rows cannot be held as fixed-width columns (descriptor vectors of different lengths, or NULL values). */
export class RaggedArchiveError extends Error {}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** A double as JSON text: the shortest round-trip form; non-finite values as PostgreSQL's json writes them (strings). */
export function numberJson(v: number): string {
  return Number.isFinite(v) ? String(v) : `"${v}"`;
}

/** Rows applied between pauses when filling a copy no reader sees yet (a first read of 10,000 rows). */
const ROWS_PER_SLICE = 1000;

/** The rows' descriptor count, after checking they fit fixed-width columns. */
function checkRows(state: ArchiveState, w: WireRow): number {
  const n = w.count;
  if (w.dimMin !== w.dimMax) throw new RaggedArchiveError(`the archive's elites have ${w.dimMin} to ${w.dimMax} descriptor values`);
  const dim = w.dimMin ?? 0;
  if (n > 0 && state.byCell.size > 0 && dim !== state.dim) throw new RaggedArchiveError(`descriptor count changed from ${state.dim} to ${dim}`);
  // string_agg skips NULLs: a NULL fitness or descriptor value would shift the columns.
  const len = (b: Buffer | null) => b?.length ?? 0;
  if (len(w.cells) !== 4 * n || len(w.fitness) !== 8 * n || len(w.descriptors) !== 8 * n * dim || len(w.ids) !== 16 * n || len(w.revisions) !== 8 * n) {
    throw new RaggedArchiveError("the archive has NULL values");
  }
  return dim;
}

/**
 * Rows [from, to) into the copy (synchronous: a published copy is never seen half-changed), skipping rows
 * at or below `floor`: a read based on an older revision than the copy's repeats rows the copy has.
 */
function applyRows(state: ArchiveState, w: WireRow, dim: number, from: number, to: number, floor = -1): void {
  if (to <= from) return;
  const cells = w.cells!, fitness = w.fitness!, ids = w.ids!, revisions = w.revisions!;
  const descriptors = w.descriptors ?? Buffer.alloc(0);
  state.dim = dim;
  for (let i = from; i < to; i++) {
    const revision = Number(revisions.readBigInt64BE(8 * i));
    if (revision <= floor) continue;
    const cell = cells.readInt32BE(4 * i);
    const f = fitness.readDoubleBE(8 * i);
    const d = new Float64Array(dim);
    const parts: string[] = new Array(dim);
    for (let k = 0; k < dim; k++) {
      d[k] = descriptors.readDoubleBE(8 * (i * dim + k));
      parts[k] = numberJson(d[k]!);
    }
    const idBytes = new Uint8Array(ids.subarray(16 * i, 16 * i + 16));
    let hex = "";
    for (let b = 0; b < 16; b++) hex += HEX[idBytes[b]!]!;
    const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    if (!state.byCell.has(cell)) state.sorted = null;
    state.byCell.set(cell, {
      cell,
      fitness: f,
      descriptors: d,
      idBytes,
      id,
      revision,
      fitnessJson: numberJson(f),
      descriptorsJson: `[${parts.join(",")}]`,
    });
  }
}

/** Fills a copy no reader sees yet, pausing between slices so a large first read does not hold the event loop. */
async function fill(state: ArchiveState, w: WireRow): Promise<void> {
  const dim = checkRows(state, w);
  for (let from = 0; from < w.count; from += ROWS_PER_SLICE) {
    if (from > 0) await new Promise((r) => setImmediate(r));
    applyRows(state, w, dim, from, Math.min(w.count, from + ROWS_PER_SLICE));
  }
}

const fresh = (experimentId: string): ArchiveState => ({ experimentId, revision: "-1", dim: 0, byCell: new Map(), sorted: [] });

/** Occupied cells in increasing order. */
export function sortedCells(state: ArchiveState): number[] {
  return (state.sorted ??= [...state.byCell.keys()].sort((a, b) => a - b));
}

/** Per-process copies, least recently used first; the whole-table read in flight per experiment (concurrent first reads share it). */
const holder = globalThis as unknown as {
  __qdArchiveStates?: Map<string, ArchiveState>;
  __qdArchiveFills?: Map<string, Promise<FullRead | undefined>>;
  __qdArchiveReads?: Map<string, { startedAt: number; read: Promise<CurrentArchive | undefined> }>;
};
const states = (holder.__qdArchiveStates ??= new Map());
const filling = (holder.__qdArchiveFills ??= new Map());
/** The read in flight per experiment, and when it started (currentArchive). */
const reading = (holder.__qdArchiveReads ??= new Map());
const MAX_STATES = 8;
/** Elites held over all copies (~300 bytes each): large CVT archives evict the others, never the one just read. */
const MAX_ENTRIES = 250_000;

/** The experiment as one read saw it: its configuration, and the copy brought at least to that read's revision. */
export interface CurrentArchive {
  state: ArchiveState;
  config: ExperimentSpec;
}

interface FullRead {
  state: ArchiveState;
  w: WireRow;
}

/**
 * The experiment's archive as of now, in one round trip when the process holds a copy: the statement
 * reads the experiment (revision, configuration) and the rows above the copy's revision,
 * and the copy is moved on synchronously. Concurrent requests share a read that started after they
 * arrived (its snapshot is then at least as new as each of them), so at most one read per experiment
 * is in flight and a burst of readers costs one or two statements, not one each.
 * undefined: no such experiment. RaggedArchiveError: the rows do not fit fixed-width columns.
 */
export async function currentArchive(db: pg.Pool, experimentId: string): Promise<CurrentArchive | undefined> {
  const arrival = performance.now();
  for (;;) {
    const running = reading.get(experimentId);
    if (running && running.startedAt >= arrival) return running.read;
    if (running) {
      // Started before this request arrived: it may miss a write the request must see. Wait, then share the next.
      await running.read.catch(() => {});
      continue;
    }
    const read = readCurrent(db, experimentId).finally(() => {
      if (reading.get(experimentId)?.read === read) reading.delete(experimentId);
    });
    reading.set(experimentId, { startedAt: performance.now(), read });
    return read;
  }
}

async function readCurrent(db: pg.Pool, experimentId: string): Promise<CurrentArchive | undefined> {
  for (let tries = 0; ; tries++) {
    const have = states.get(experimentId);
    if (!have || tries >= 3) {
      // No copy (or one that keeps being replaced): the whole table into a new copy, whose read is current.
      const full = await fullRead(db, experimentId);
      return full && { state: full.state, config: full.w.config };
    }
    const w = await readSince(db, experimentId, have.revision);
    if (!w) {
      states.delete(experimentId);
      return undefined;
    }
    const state = advance(experimentId, w, have.revision);
    if (state) return { state, config: w.config };
    // The copy was dropped or replaced while the statement ran, or the archive was rewritten: again.
  }
}

/**
 * The experiment's archive at a revision ≥ `atLeast` (the revision the caller just read), or undefined when the
 * experiment does not exist (the page's first paint, which reads the experiment row itself).
 */
export async function archiveState(db: pg.Pool, experimentId: string, atLeast: bigint): Promise<ArchiveState | undefined> {
  const have = states.get(experimentId);
  if (have && BigInt(have.revision) >= atLeast) return touch(experimentId, have);
  return (await currentArchive(db, experimentId))?.state;
}

/**
 * Moves the published copy to the read `w` (rows above `since`), synchronously. Returns the copy, now at
 * a revision ≥ the read's, or undefined when the read cannot be applied: no copy, a copy older than
 * `since` (replaced meanwhile), or one that disagrees with the table's element count afterwards (rows went
 * away: the archive was rewritten), which is then unpublished.
 *
 * Exactness: archive writes hold the experiment row from the revision bump to commit, so they commit in
 * revision order, and the statement reads the revision and the rows in one snapshot. A row's stored
 * revision is the last write to it, so the read's rows above the copy's revision are exactly what changed
 * between the two: applying them gives the table at the read's revision, whichever of several concurrent
 * reads lands first.
 */
function advance(experimentId: string, w: WireRow, since: string): ArchiveState | undefined {
  const state = states.get(experimentId);
  if (!state) return undefined;
  const at = BigInt(state.revision);
  if (at >= BigInt(w.revision)) return touch(experimentId, state);
  if (at < BigInt(since)) return undefined;
  try {
    applyRows(state, w, checkRows(state, w), 0, w.count, Number(at));
  } catch (e) {
    states.delete(experimentId);
    throw e;
  }
  state.revision = w.revision;
  if (state.byCell.size !== w.numElites) {
    states.delete(experimentId);
    return undefined;
  }
  return touch(experimentId, state);
}

/** Reads the whole table into a new copy and publishes it; concurrent callers share one read. */
function fullRead(db: pg.Pool, experimentId: string): Promise<FullRead | undefined> {
  let p = filling.get(experimentId);
  if (!p) {
    p = (async () => {
      const state = fresh(experimentId);
      const w = await readSince(db, experimentId, state.revision);
      if (!w) {
        states.delete(experimentId);
        return undefined;
      }
      await fill(state, w);
      state.revision = w.revision;
      // A copy published meanwhile at a newer revision stays.
      const other = states.get(experimentId);
      if (other && BigInt(other.revision) >= BigInt(state.revision)) return { state: touch(experimentId, other), w };
      publish(state);
      return { state, w };
    })().finally(() => filling.delete(experimentId));
    filling.set(experimentId, p);
  }
  return p;
}

/** Marks a copy most recently used. */
function touch(experimentId: string, state: ArchiveState): ArchiveState {
  states.delete(experimentId);
  states.set(experimentId, state);
  return state;
}

/** Publishes a copy, evicting the least recently used ones beyond the limits. */
function publish(state: ArchiveState): void {
  touch(state.experimentId, state);
  let held = 0;
  for (const st of states.values()) held += st.byCell.size;
  while (states.size > 1 && (states.size > MAX_STATES || held > MAX_ENTRIES)) {
    const oldest = states.keys().next().value!;
    held -= states.get(oldest)!.byCell.size;
    states.delete(oldest);
  }
}

/** Entries written after revision `after` (all when undefined), in cell order. */
export function entriesAfter(state: ArchiveState, after: number | undefined): EliteEntry[] {
  const out: EliteEntry[] = [];
  for (const c of sortedCells(state)) {
    const e = state.byCell.get(c)!;
    if (after === undefined || e.revision > after) out.push(e);
  }
  return out;
}

/** The JSON `elites` object, exactly the shape elitesJson (PostgreSQL) makes: { revision, count, cell, fitness, descriptors, solutionId }. */
export function elitesJsonFrom(state: ArchiveState, entries: EliteEntry[]): string {
  const parts = new JsonColumns(entries.length);
  parts.add(entries, 0, entries.length);
  return parts.json(state.revision);
}

/**
 * The same text, built a slice of entries at a time, yielding to the event loop every few milliseconds
 * (loop-budget.ts; a 10,000-elite body is ~1 MB of text). `entries` is a snapshot: entries are replaced, never changed, when the copy moves.
 */
export async function elitesJsonSliced(revision: string, entries: EliteEntry[], sliceEntries = 500): Promise<string> {
  const parts = new JsonColumns(entries.length);
  const budget = loopBudget();
  for (let from = 0; from < entries.length; from += sliceEntries) {
    await budget.pause();
    parts.add(entries, from, Math.min(entries.length, from + sliceEntries));
  }
  return parts.json(revision);
}

/** The four JSON arrays of the `elites` object, filled entry by entry. */
class JsonColumns {
  private readonly cell: string[];
  private readonly fitness: string[];
  private readonly descriptors: string[];
  private readonly ids: string[];
  constructor(private readonly n: number) {
    this.cell = new Array(n);
    this.fitness = new Array(n);
    this.descriptors = new Array(n);
    this.ids = new Array(n);
  }
  add(entries: EliteEntry[], from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const e = entries[i]!;
      this.cell[i] = String(e.cell);
      this.fitness[i] = e.fitnessJson;
      this.descriptors[i] = e.descriptorsJson;
      this.ids[i] = `"${e.id}"`;
    }
  }
  json(revision: string): string {
    return `{"revision":${revision},"count":${this.n},"cell":[${this.cell.join(",")}],"fitness":[${this.fitness.join(",")}],"descriptors":[${this.descriptors.join(",")}],"solutionId":[${this.ids.join(",")}]}`;
  }
}

/** The entries as typed columns (for the compact format). */
export function columnsFrom(state: ArchiveState, entries: EliteEntry[]) {
  const n = entries.length;
  const dim = n ? state.dim : 0;
  const cells = new Int32Array(n);
  const fitness = new Float64Array(n);
  const descriptors = new Float64Array(n * dim);
  const ids = new Uint8Array(16 * n);
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    cells[i] = e.cell;
    fitness[i] = e.fitness;
    descriptors.set(e.descriptors, i * dim);
    ids.set(e.idBytes, 16 * i);
  }
  return { count: n, dim, cells, fitness, descriptors, ids };
}

/** Forgets the copies (tests). */
export function resetArchiveStates(): void {
  states.clear();
}
