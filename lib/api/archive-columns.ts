/**
 * The archive's compact binary form (`GET /api/experiments/:id/archive?format=columns`): the same
 * content as the JSON body, as typed-array columns. Pure code (no Node APIs): the server encodes
 * with it, the dashboard decodes with it.
 *
 * Layout (little-endian), before compression:
 *   "QDA1" | u32 header length | header JSON (utf8: experimentId, geometry, revision, count, dim) | pad to 8
 *   | cell: int32 × count | pad to 8 | fitness: float64 × count | descriptors: float64 × count·dim
 *   | solutionId: 16 bytes × count (UUID bytes)
 * Each numeric column is byte-shuffled (all first bytes, then all second bytes, …): neighbouring
 * values share their high bytes, so the gzip around it (applied by the server, see archive.ts)
 * compresses them better than the raw doubles (a 10,000-elite grid: ~230 KB vs ~445 KB for the
 * gzipped JSON). Values are exact (float64).
 */

export interface ArchiveBody {
  experimentId: string;
  geometry: unknown;
  elites: { revision: number; count: number; cell: number[]; fitness: number[]; descriptors: number[][]; solutionId: string[] };
}

const MAGIC = [0x51, 0x44, 0x41, 0x31]; // "QDA1"
const pad8 = (n: number) => (n + 7) & ~7;

/** Byte-plane transpose of `width`-byte values (and its inverse). */
function shuffle(src: Uint8Array, width: number, inverse = false): Uint8Array {
  const n = src.length / width;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < n; i++) for (let b = 0; b < width; b++) {
    if (inverse) out[i * width + b] = src[b * n + i]!;
    else out[b * n + i] = src[i * width + b]!;
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeArchiveColumns(body: ArchiveBody): Uint8Array {
  const e = body.elites;
  const n = e.count;
  const dim = n ? e.descriptors[0]!.length : 0;
  const header = new TextEncoder().encode(JSON.stringify({ experimentId: body.experimentId, geometry: body.geometry, revision: e.revision, count: n, dim }));
  const cellAt = pad8(8 + header.length);
  const fitnessAt = cellAt + pad8(4 * n);
  const descAt = fitnessAt + 8 * n;
  const idsAt = descAt + 8 * n * dim;
  const out = new Uint8Array(idsAt + 16 * n);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  const cells = new Int32Array(n);
  const fitness = new Float64Array(n);
  const descriptors = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    cells[i] = e.cell[i]!;
    fitness[i] = e.fitness[i]!;
    const d = e.descriptors[i]!;
    if (d.length !== dim) throw new Error(`elite ${i} (cell ${e.cell[i]}) has ${d.length} descriptor values, expected ${dim}`);
    descriptors.set(d, i * dim);
    const id = e.solutionId[i]!;
    if (!UUID.test(id)) throw new Error(`elite ${i} has a solution id that is not a UUID: ${id}`);
    uuidInto(id, out, idsAt + i * 16);
  }
  // Typed arrays are little-endian on every platform we run on (x86, ARM).
  out.set(shuffle(new Uint8Array(cells.buffer), 4), cellAt);
  out.set(shuffle(new Uint8Array(fitness.buffer), 8), fitnessAt);
  out.set(shuffle(new Uint8Array(descriptors.buffer), 8), descAt);
  return out;
}

/**
 * The same bytes as encodeArchiveColumns, made from columns as PostgreSQL sends them (int4send /
 * float8send: big-endian; uuid_send: 16 bytes) without parsing any number: the byte shuffle also
 * swaps to little-endian. `headerJson` is the header object as JSON text.
 */
export function encodeArchiveColumnsFromWire(o: { headerJson: string; count: number; dim: number; cellsBE: Uint8Array; fitnessBE: Uint8Array; descriptorsBE: Uint8Array; ids: Uint8Array }): Uint8Array {
  const n = o.count;
  if (o.cellsBE.length !== 4 * n || o.fitnessBE.length !== 8 * n || o.descriptorsBE.length !== 8 * n * o.dim || o.ids.length !== 16 * n) throw new Error("archive columns of inconsistent lengths");
  const header = new TextEncoder().encode(o.headerJson);
  const cellAt = pad8(8 + header.length);
  const fitnessAt = cellAt + pad8(4 * n);
  const descAt = fitnessAt + 8 * n;
  const idsAt = descAt + 8 * n * o.dim;
  const out = new Uint8Array(idsAt + 16 * n);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  const shuffleBE = (src: Uint8Array, width: number, at: number) => {
    const m = src.length / width;
    for (let i = 0; i < m; i++) for (let b = 0; b < width; b++) out[at + b * m + i] = src[i * width + (width - 1 - b)]!;
  };
  shuffleBE(o.cellsBE, 4, cellAt);
  shuffleBE(o.fitnessBE, 8, fitnessAt);
  shuffleBE(o.descriptorsBE, 8, descAt);
  out.set(o.ids, idsAt);
  return out;
}

/**
 * The same bytes as encodeArchiveColumns, from typed columns held in memory (the server's copy of
 * the archive, archive-state.ts): no per-value parsing or boxing.
 */
export function encodeArchiveColumnsFromArrays(o: { headerJson: string; count: number; dim: number; cells: Int32Array; fitness: Float64Array; descriptors: Float64Array; ids: Uint8Array }): Uint8Array {
  const n = o.count;
  if (o.cells.length !== n || o.fitness.length !== n || o.descriptors.length !== n * o.dim || o.ids.length !== 16 * n) throw new Error("archive columns of inconsistent lengths");
  const header = new TextEncoder().encode(o.headerJson);
  const cellAt = pad8(8 + header.length);
  const fitnessAt = cellAt + pad8(4 * n);
  const descAt = fitnessAt + 8 * n;
  const idsAt = descAt + 8 * n * o.dim;
  const out = new Uint8Array(idsAt + 16 * n);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  const bytes = (a: Int32Array | Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  out.set(shuffle(bytes(o.cells), 4), cellAt);
  out.set(shuffle(bytes(o.fitness), 8), fitnessAt);
  out.set(shuffle(bytes(o.descriptors), 8), descAt);
  out.set(o.ids, idsAt);
  return out;
}

/** The compact body as typed columns, as it arrives (no per-value boxing): what the dashboard merges into its store. */
export interface ArchiveColumns {
  experimentId: string;
  geometry: unknown;
  revision: number;
  count: number;
  dim: number;
  cells: Int32Array;
  fitness: Float64Array;
  /** count × dim, row-major. */
  descriptors: Float64Array;
  /** 16 bytes per solution id (uuidStrings makes the text form). */
  ids: Uint8Array;
}

export function decodeArchiveColumnsTyped(bytes: Uint8Array): ArchiveColumns {
  if (bytes.length < 8 || MAGIC.some((m, i) => bytes[i] !== m)) throw new Error("not a QD archive (format=columns) body");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true);
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as { experimentId: string; geometry: unknown; revision: number; count: number; dim: number };
  const n = h.count;
  const dim = h.dim;
  const cellAt = pad8(8 + headerLength);
  const fitnessAt = cellAt + pad8(4 * n);
  const descAt = fitnessAt + 8 * n;
  const idsAt = descAt + 8 * n * dim;
  if (bytes.length !== idsAt + 16 * n) throw new Error(`truncated archive body: ${bytes.length} bytes, expected ${idsAt + 16 * n}`);
  return {
    experimentId: h.experimentId,
    geometry: h.geometry,
    revision: h.revision,
    count: n,
    dim,
    cells: new Int32Array(shuffle(bytes.subarray(cellAt, cellAt + 4 * n), 4, true).buffer),
    fitness: new Float64Array(shuffle(bytes.subarray(fitnessAt, descAt), 8, true).buffer),
    descriptors: new Float64Array(shuffle(bytes.subarray(descAt, idsAt), 8, true).buffer),
    ids: bytes.subarray(idsAt, idsAt + 16 * n),
  };
}

/** Writes a UUID's 16 bytes at `at` (the caller has checked its form). */
export function uuidInto(id: string, out: Uint8Array, at: number): void {
  const hex = id.replace(/-/g, "");
  for (let b = 0; b < 16; b++) out[at + b] = parseInt(hex.slice(2 * b, 2 * b + 2), 16);
}

/** The ids' text form (8-4-4-4-12 hex). */
export function uuidStrings(ids: Uint8Array): string[] {
  const n = ids.length >> 4;
  // One hex string for all ids, then one slice per id: far fewer string operations than byte by byte.
  const hexParts: string[] = new Array(16 * n);
  for (let j = 0; j < 16 * n; j++) hexParts[j] = HEX[ids[j]!]!;
  const hex = hexParts.join("");
  const out: string[] = new Array(n);
  for (let i = 0, o = 0; i < n; i++, o += 32) {
    out[i] = `${hex.slice(o, o + 8)}-${hex.slice(o + 8, o + 12)}-${hex.slice(o + 12, o + 16)}-${hex.slice(o + 16, o + 20)}-${hex.slice(o + 20, o + 32)}`;
  }
  return out;
}

export function decodeArchiveColumns(bytes: Uint8Array): ArchiveBody {
  const c = decodeArchiveColumnsTyped(bytes);
  const { count: n, dim } = c;
  return {
    experimentId: c.experimentId,
    geometry: c.geometry,
    elites: {
      revision: c.revision,
      count: n,
      cell: Array.from(c.cells),
      fitness: Array.from(c.fitness),
      descriptors: Array.from({ length: n }, (_, i) => Array.from(c.descriptors.subarray(i * dim, (i + 1) * dim))),
      solutionId: uuidStrings(c.ids),
    },
  };
}

/** Inflates the gzipped body (application/octet-stream) as a browser or Node would. */
async function inflated(res: Response): Promise<Uint8Array> {
  if (!res.ok) throw new Error(`archive: HTTP ${res.status}`);
  const plain = new Response(res.body!.pipeThrough(new DecompressionStream("gzip")));
  return new Uint8Array(await plain.arrayBuffer());
}

/** Browser and Node: fetch the compact archive and decode it as typed columns. */
export async function readArchiveColumnsTyped(res: Response): Promise<ArchiveColumns> {
  return decodeArchiveColumnsTyped(await inflated(res));
}

/** Browser and Node: fetch the compact archive and decode it (the body is gzip inside application/octet-stream). */
export async function readArchiveColumns(res: Response): Promise<ArchiveBody> {
  return decodeArchiveColumns(await inflated(res));
}
