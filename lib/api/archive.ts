import { CVTArchive, cvtCentroidsAsync, gridCellOf } from "@/lib/qd";
import { constants as zlibConstants } from "node:zlib";
import pg from "pg";
import { encodeArchiveColumnsFromArrays, encodeArchiveColumnsFromWire } from "./archive-columns";
import { columnsFrom, currentArchive, elitesJsonSliced, entriesAfter, RaggedArchiveError, type ArchiveState, type CurrentArchive } from "./archive-state";
import { ApiError } from "./errors";
import { effectiveDescriptors, type ExperimentSpec } from "@/lib/experiments/config";
import { stringify } from "./http";
import { acceptsGzip, PRECOMPRESSED_HEADER, precompressedBodies } from "./precompressed";
import { ServerTiming } from "./server-timing";
import { gzipSliced } from "./sliced-gzip";

export { acceptsGzip };
import { autoDimensions } from "@/lib/db/auto-range-store";

/**
 * The archive's geometry and cell index function, rebuilt from the stored
 * configuration. Grid: arithmetic. CVT: centroids from k-means with the
 * experiment's seed (the same cells every worker builds), computed once per
 * experiment without blocking the event loop, and kept in memory.
 */
export interface ArchiveIndex {
  geometry: GridGeometry | CvtGeometry;
  measureDim: number;
  cells: number;
  cellOf(values: ArrayLike<number>, offset?: number): number;
}

export interface GridGeometry {
  type: "grid";
  cells: number;
  descriptors: { name: string; min: number; max: number; bins: number }[];
  /** Bins per descriptor; a cell is the row-major (C order) index of its bins. */
  dims: number[];
  ranges: [number, number][];
}

export interface CvtGeometry {
  type: "cvt";
  cells: number;
  descriptors: { name: string; min: number; max: number; bins: number }[];
  ranges: [number, number][];
  /** cells × descriptors: centroid of each cell. */
  centroids: number[][];
}

/** Shared by every route and page of the server (Next.js may load this module once per bundle). */
const cache: Map<string, Promise<{ index: ArchiveIndex; json: string }>> = ((globalThis as { __qdArchiveIndex?: Map<string, Promise<{ index: ArchiveIndex; json: string }>> }).__qdArchiveIndex ??= new Map());
const MAX_CACHED = 64;

/**
 * The archive's index for an experiment. CVT centroids come from a k-means that pauses
 * every few milliseconds (cvtCentroidsAsync), so building them never blocks the web
 * server's event loop; concurrent requests for one experiment share the computation.
 */
export async function archiveIndex(experimentId: string, config: ExperimentSpec): Promise<ArchiveIndex> {
  return (await cached(experimentId, config)).index;
}

/** The geometry as a JSON string (CVT centroids are large: serialise once). */
export async function geometryJson(experimentId: string, config: ExperimentSpec): Promise<string> {
  return (await cached(experimentId, config)).json;
}

/** Starts building a CVT experiment's centroids in the background (after create), so its first view finds them ready. */
export function warmArchiveIndex(experimentId: string, config: ExperimentSpec): void {
  if (config.archive.type === "cvt") cached(experimentId, config).catch(() => {});
}

function cached(experimentId: string, config: ExperimentSpec) {
  // "range": "auto" rows: the bounds live in the Descriptor rows and grow during the run; read them every time.
  if (autoDimensions(config)) return withCurrentBounds(experimentId, config).then(build).then((index) => ({ index, json: stringify(index.geometry) }));
  let hit = cache.get(experimentId);
  if (hit) {
    cache.delete(experimentId);
    cache.set(experimentId, hit); // LRU order
    return hit;
  }
  hit = build(config).then((index) => ({ index, json: stringify(index.geometry) }));
  hit.catch(() => cache.delete(experimentId));
  cache.set(experimentId, hit);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return hit;
}

async function withCurrentBounds(experimentId: string, config: ExperimentSpec): Promise<ExperimentSpec> {
  const { rows } = await pool().query<{ min: number; max: number }>(`SELECT min, max FROM "Descriptor" WHERE "experimentId" = $1::uuid ORDER BY index`, [experimentId]);
  return { ...config, descriptors: effectiveDescriptors(config).map((d, k) => (rows[k] ? { ...d, min: rows[k]!.min, max: rows[k]!.max } : d)) };
}

async function build(config: ExperimentSpec): Promise<ArchiveIndex> {
  const descriptors = effectiveDescriptors(config).map((d) => ({ name: d.name, min: d.min, max: d.max, bins: d.bins }));
  const ranges = descriptors.map((d) => [d.min, d.max] as [number, number]);
  if (config.archive.type !== "cvt") {
    // Grid archives, and the result grid of the search archives (proximity, density).
    const dims = Int32Array.from(descriptors.map((d) => d.bins));
    const lower = Float64Array.from(descriptors.map((d) => d.min));
    const interval = Float64Array.from(descriptors.map((d) => d.max - d.min));
    const cells = descriptors.reduce((n, d) => n * d.bins, 1);
    return {
      geometry: { type: "grid", cells, descriptors, dims: [...dims], ranges },
      measureDim: descriptors.length,
      cells,
      // Same arithmetic (and epsilon) as the grid archive the workers use.
      cellOf: (v, o = 0) => gridCellOf(v, o, dims, lower, interval, 1e-6),
    };
  }
  // The same k-means (seed, samples, box) as the workers' CVT archive, so the cells agree.
  const { centroids: centroidsFlat } = await cvtCentroidsAsync({
    k: config.archive.cells,
    lower: ranges.map((r) => r[0]),
    upper: ranges.map((r) => r[1]),
    samples: config.archive.samples,
    seed: config.seed,
  });
  // Solution dim 1: only the index function and the centroids are needed here.
  const archive = new CVTArchive({ solutionDim: 1, ranges, cells: config.archive.cells, centroids: centroidsFlat });
  const md = descriptors.length;
  const centroids: number[][] = [];
  for (let c = 0; c < archive.cells; c++) centroids.push(Array.from(centroidsFlat.subarray(c * md, (c + 1) * md)));
  return {
    geometry: { type: "cvt", cells: archive.cells, descriptors, ranges, centroids },
    measureDim: md,
    cells: archive.cells,
    cellOf: (v, o = 0) => archive.cellOf(v, o),
  };
}

/**
 * All elites (or those written after revision `after`) in columnar form, built
 * by PostgreSQL as one JSON text that is passed through untouched:
 *   { revision, count, cell: [], fitness: [], descriptors: [[]], solutionId: [] }
 * Text concatenation of per-column JSON arrays (json_build_object would re-process
 * the nested JSON), read over a plain node-postgres pool: a 1 MB string needs no
 * ORM row mapping. ~10,000 elites in ~20 ms.
 */
export async function elitesJson(experimentId: string, after?: number, island?: number): Promise<string> {
  // One island's archive: the same columns from its rows (islands share the cells and the revision counter).
  const from =
    island === undefined
      ? `SELECT cell, fitness, descriptors, "solutionId" FROM "Elite" WHERE "experimentId" = $1::uuid AND revision > $2::bigint ORDER BY cell`
      : `SELECT cell, fitness, descriptors, "solutionId" FROM "IslandElite" WHERE "experimentId" = $1::uuid AND island = $3 AND revision > $2::bigint ORDER BY cell`;
  const { rows } = await pool().query<{ json: string }>(
    `SELECT '{"revision":' || (SELECT "archiveRevision" FROM "Experiment" WHERE id = $1::uuid)
         || ',"count":' || count(*)
         || ',"cell":' || coalesce(array_to_json(array_agg(cell))::text, '[]')
         || ',"fitness":' || coalesce(array_to_json(array_agg(fitness))::text, '[]')
         || ',"descriptors":' || coalesce(json_agg(descriptors)::text, '[]')
         || ',"solutionId":' || coalesce(array_to_json(array_agg("solutionId"))::text, '[]')
         || '}' AS json
     FROM (${from}) e`,
    island === undefined ? [experimentId, after ?? -1] : [experimentId, after ?? -1, island],
  );
  return rows[0]!.json;
}

const poolHolder = globalThis as unknown as { __qdApiPool?: pg.Pool };

/** A small node-postgres pool for bulk reads that return one big text value, and ask/tell's bulk writes. */
export function pool(): pg.Pool {
  if (!poolHolder.__qdApiPool) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    poolHolder.__qdApiPool = new pg.Pool({ connectionString: url, max: 4 });
    poolHolder.__qdApiPool.on("error", () => {
      /* idle client lost: the pool replaces it */
    });
  }
  return poolHolder.__qdApiPool;
}

/** One revision's bodies, each made on its first request (a dashboard asks for columns, a script for JSON). */
interface Rendered {
  key: string;
  json?: Promise<Buffer>;
  /** The compact form (format=columns), gzipped. */
  columns?: Promise<Buffer>;
  /** The JSON body gzipped once, for clients that accept gzip (served as Content-Encoding: gzip). */
  jsonGzip?: Promise<Buffer>;
}

/**
 * The compact body: typed-array columns (archive-columns.ts), gzipped here once per revision
 * (gzipSliced: a slice at a time on the web thread), served as application/octet-stream. The gzip is
 * part of the format rather than a Content-Encoding: `next start` compresses compressible types
 * itself and octet-stream is not one of them, so the bytes reach the client exactly as made,
 * whatever server or proxy is in between, and the dashboard inflates them with DecompressionStream.
 */
async function columnsBody(experimentId: string, config: ExperimentSpec, after: number | undefined, island: number | undefined): Promise<Buffer> {
  const [wire, geometry] = await Promise.all([elitesWire(experimentId, after, island), geometryJson(experimentId, config)]);
  const headerJson = `{"experimentId":${JSON.stringify(experimentId)},"geometry":${geometry},"revision":${wire.revision},"count":${wire.count},"dim":${wire.dim}}`;
  // Level 1: the doubles and ids barely compress further at higher levels, and it is several times faster.
  return gzipSliced(encodeArchiveColumnsFromWire({ headerJson, ...wire }), { level: 1 });
}

/**
 * The elites as binary columns straight from PostgreSQL (int4send/float8send/uuid_send, ordered by
 * cell): no number is printed as text or parsed back, which is most of the JSON form's cost.
 */
async function elitesWire(experimentId: string, after?: number, island?: number) {
  const from =
    island === undefined
      ? `SELECT cell, fitness, descriptors, "solutionId" FROM "Elite" WHERE "experimentId" = $1::uuid AND revision > $2::bigint`
      : `SELECT cell, fitness, descriptors, "solutionId" FROM "IslandElite" WHERE "experimentId" = $1::uuid AND island = $3 AND revision > $2::bigint`;
  const { rows } = await pool().query<{ revision: string; count: number; dimMin: number | null; dimMax: number | null; cells: Buffer | null; fitness: Buffer | null; descriptors: Buffer | null; ids: Buffer | null }>(
    `SELECT (SELECT "archiveRevision" FROM "Experiment" WHERE id = $1::uuid)::text AS revision,
            count(*)::int AS count,
            min(cardinality(descriptors)) AS "dimMin", max(cardinality(descriptors)) AS "dimMax",
            string_agg(int4send(cell), ''::bytea ORDER BY cell) AS cells,
            string_agg(float8send(fitness), ''::bytea ORDER BY cell) AS fitness,
            string_agg((SELECT string_agg(float8send(d), ''::bytea ORDER BY o) FROM unnest(descriptors) WITH ORDINALITY AS u(d, o)), ''::bytea ORDER BY cell) AS descriptors,
            string_agg(uuid_send("solutionId"), ''::bytea ORDER BY cell) AS ids
       FROM (${from}) e`,
    island === undefined ? [experimentId, after ?? -1] : [experimentId, after ?? -1, island],
  );
  const r = rows[0]!;
  if (r.dimMin !== r.dimMax) throw new ApiError(409, `the archive's elites have ${r.dimMin} to ${r.dimMax} descriptor values: format=columns needs one count; use the JSON form`);
  const empty = new Uint8Array(0);
  return { revision: r.revision, count: r.count, dim: r.dimMin ?? 0, cellsBE: r.cells ?? empty, fitnessBE: r.fitness ?? empty, descriptorsBE: r.descriptors ?? empty, ids: r.ids ?? empty };
}

/** Rendered archives by (experiment, revision, after): concurrent and repeated reads of one revision share one render. */
const rendered = new Map<string, Rendered>();
const MAX_RENDERED = 16;

/**
 * The archive response. The union archive is rendered from the process's copy of it (archive-state.ts):
 * one statement reads the experiment and the rows written since the copy's revision, so during a live
 * run a read costs those rows, not the archive, and the body is rendered from memory once per revision
 * (kept while the revision has not moved). Islands, and archives whose rows cannot be held as
 * fixed-width columns, are read with one query for the configuration and revision and rendered by PostgreSQL.
 * Large JSON bodies are gzipped once per revision and sent with Content-Encoding: gzip to clients
 * that accept it, when the web server runs with scripts/web-preload.mjs (Next.js would otherwise drop
 * the header, and gzip the body itself on every request); the compact form carries its own gzip.
 */
export async function archiveResponse(req: Request, experimentId: string, after: number | undefined, island?: number, format: "json" | "columns" = "json"): Promise<Response> {
  const timing = new ServerTiming();
  // The JSON form gzipped by us is another representation: its own entity tag.
  const gz = format === "json" && precompressedBodies() && acceptsGzip(req);
  const etagAt = (rev: string) => `"a-${experimentId.slice(0, 8)}-${rev}-${after ?? "all"}${island === undefined ? "" : `-i${island}`}${format === "columns" ? "-c" : ""}${gz ? "-gz" : ""}"`;
  const headersAt = (rev: string): Record<string, string> => ({
    "content-type": format === "columns" ? "application/octet-stream" : "application/json; charset=utf-8",
    "cache-control": "no-cache",
    etag: etagAt(rev),
    "server-timing": timing.header(),
  });
  if (island === undefined) {
    // The union archive: one statement reads the experiment and the rows the process's copy lacks.
    let current: CurrentArchive | undefined;
    try {
      current = await currentArchive(pool(), experimentId);
      if (!current) throw new ApiError(404, `experiment ${experimentId} not found`);
    } catch (e) {
      if (!(e instanceof RaggedArchiveError)) throw e; // rendered by PostgreSQL below (JSON), or a 409 (columns)
    }
    timing.mark("read");
    if (current) {
      const geometry = await geometryJson(experimentId, current.config);
      timing.mark("geometry");
      // Rendered synchronously from here on (the copy only moves in another read), at the copy's revision:
      // at least the one this request read.
      const { state } = current;
      const rev = state.revision;
      if (notModified(req, etagAt(rev))) return new Response(null, { status: 304, headers: headersAt(rev) });
      const h = renderSlot(experimentId, `${rev}:${after ?? -1}::${geometry.length}`, after, island);
      const body = format === "columns" ? (h.columns ??= columnsFromState(experimentId, geometry, state, after)) : (h.json ??= jsonFromState(experimentId, geometry, state, after));
      forgetOnFailure(h, format, body);
      return send(h, body, () => headersAt(rev), gz, timing);
    }
  }
  const { rows } = await pool().query<{ config: ExperimentSpec; revision: string; islandCount: number }>(
    `SELECT config, "archiveRevision"::text AS revision, "islandCount" FROM "Experiment" WHERE id = $1::uuid`,
    [experimentId],
  );
  if (!rows[0]) throw new ApiError(404, `experiment ${experimentId} not found`);
  const { config, revision, islandCount } = rows[0];
  if (island !== undefined && island >= islandCount) {
    throw new ApiError(400, islandCount ? `island must be between 0 and ${islandCount - 1}: this experiment has ${islandCount} islands` : "island: this experiment has no islands", [
      { path: "island", message: islandCount ? `must be < ${islandCount}` : "this experiment has no islands" },
    ]);
  }
  timing.mark("row");
  if (notModified(req, etagAt(revision))) return new Response(null, { status: 304, headers: headersAt(revision) });
  const h = renderSlot(experimentId, `${revision}:${after ?? -1}:${island ?? ""}`, after, island);
  // The revision inside a body is read in the same query as its elites; the cache key uses the one read first.
  const body =
    format === "columns"
      ? (h.columns ??= columnsBody(experimentId, config, after, island))
      : (h.json ??= Promise.all([elitesJson(experimentId, after, island), geometryJson(experimentId, config)]).then(
          ([elites, geometry]) => Buffer.from(`{"experimentId":${JSON.stringify(experimentId)},"geometry":${geometry},"elites":${elites}}`),
        ));
  forgetOnFailure(h, format, body);
  return send(h, body, () => headersAt(revision), gz, timing);
}

/**
 * How the JSON archive is gzipped (once per revision, gzipSliced). Huffman coding alone: the
 * body is decimal digits, hex ids and punctuation with almost no repeated strings, so LZ77's match
 * search finds next to nothing: on a 10,000-elite body (1.0 MB) it gives the same bytes as level 1
 * (518,081 vs 518,064 bytes) for half the CPU (median 15 vs 30 ms, loaded 2-core machine); level 6 is 2.4% smaller.
 * During a live run the revision moves before nearly every read, so this is paid per read.
 */
const JSON_GZIP = { level: 1, strategy: zlibConstants.Z_HUFFMAN_ONLY };

/** Bodies smaller than this go out plain (the server compresses them if it likes): not worth a cached copy. */
const GZIP_MIN_BYTES = 16 * 1024;

async function send(h: Rendered, body: Promise<Buffer>, headers: () => Record<string, string>, gz: boolean, timing: ServerTiming): Promise<Response> {
  const plain = await body;
  timing.mark("render");
  if (!gz || plain.length < GZIP_MIN_BYTES) return new Response(new Uint8Array(plain), { headers: headers() });
  const zipped = (h.jsonGzip ??= gzipSliced(plain, JSON_GZIP));
  zipped.catch(() => {
    if (h.jsonGzip === zipped) h.jsonGzip = undefined;
  });
  const bytes = await zipped;
  timing.mark("gzip");
  return new Response(new Uint8Array(bytes), { headers: { ...headers(), [PRECOMPRESSED_HEADER]: "gzip", vary: "accept-encoding" } });
}

/** If-None-Match: a list of entity tags (or `*`), weak or strong. */
function notModified(req: Request, etag: string): boolean {
  const header = req.headers.get("if-none-match");
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim();
    return tag === "*" || tag === etag || tag === `W/${etag}`;
  });
}

/** The cache slot for one (experiment, after, island) view; a new key (revision moved) starts an empty one. */
function renderSlot(experimentId: string, key: string, after: number | undefined, island: number | undefined): Rendered {
  const slot = experimentId + (after ?? "") + (island === undefined ? "" : `#${island}`);
  let hit = rendered.get(slot);
  if (!hit || hit.key !== key) {
    hit = { key };
    rendered.delete(slot);
    rendered.set(slot, hit);
    if (rendered.size > MAX_RENDERED) rendered.delete(rendered.keys().next().value!);
  }
  return hit;
}

/** A failed render is not kept: the next request tries again. */
function forgetOnFailure(h: Rendered, format: "json" | "columns", body: Promise<Buffer>) {
  body.catch(() => {
    if (format === "columns" && h.columns === body) h.columns = undefined;
    if (format === "json" && h.json === body) h.json = undefined;
  });
}

async function jsonFromState(experimentId: string, geometry: string, state: ArchiveState, after: number | undefined): Promise<Buffer> {
  // The copy's entries and revision are taken now (the copy may move before the last slice is built).
  const elites = await elitesJsonSliced(state.revision, entriesAfter(state, after));
  return Buffer.from(`{"experimentId":${JSON.stringify(experimentId)},"geometry":${geometry},"elites":${elites}}`);
}

function columnsFromState(experimentId: string, geometry: string, state: ArchiveState, after: number | undefined): Promise<Buffer> {
  const c = columnsFrom(state, entriesAfter(state, after));
  const headerJson = `{"experimentId":${JSON.stringify(experimentId)},"geometry":${geometry},"revision":${state.revision},"count":${c.count},"dim":${c.dim}}`;
  // Encoded now (the copy may move at the next catch-up); gzipped level 1 as columnsBody.
  return gzipSliced(encodeArchiveColumnsFromArrays({ headerJson, ...c }), { level: 1 });
}
