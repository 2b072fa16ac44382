/**
 * A commit's bulk parameters as PostgreSQL literals, built before the transaction starts.
 *
 * Why: a raw query's parameters pass through Prisma (JSON.stringify, element by element, bytes to
 * base64; then JSON.parse and back to a Buffer in the adapter) and node-postgres (array literal,
 * element by element) when the query is sent, and the upsert is sent while the worker holds the
 * experiment row: ~14 ms of the worker's CPU per 630-row commit, at the worker's lower priority, that
 * every other writer of the experiment waited for (bench/commit-rows.ts). One string per parameter is
 * passed through as is. The text forms are what node-postgres would have sent (String(number), NULL).
 */

/** `{1,2,3}`: an int[] / float8[] literal (String(x) per element: NaN and ±Infinity are PostgreSQL's spellings too). */
export function numberArrayLiteral(xs: ArrayLike<number>): string {
  let s = "{";
  for (let i = 0; i < xs.length; i++) s += (i ? "," : "") + String(xs[i]);
  return s + "}";
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `{id,NULL,…}`: a uuid[] literal. Ids are checked (they are interpolated unquoted into the literal). */
export function uuidArrayLiteral(ids: readonly (string | null | undefined)[]): string {
  let s = "{";
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id != null && !UUID_RE.test(id)) throw new Error(`not a UUID: ${JSON.stringify(id)}`);
    s += (i ? "," : "") + (id ?? "NULL");
  }
  return s + "}";
}

/** Bytes as base64 text (decoded by the statement: decode($n, 'base64')); 4/3 the size, no per-byte work in JS. */
export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
