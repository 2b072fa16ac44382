/**
 * Bytes of a search archive's state (distributed runs store it in one
 * PostgreSQL row): a little-endian header, a JSON object of scalars, then
 * float64 arrays, each 8-byte aligned. Exact, and far smaller and faster than
 * JSON numbers for the proximity archive's solutions.
 */
const MAGIC = 0x51445341; // "QDSA"

export function packState(meta: Record<string, unknown>, arrays: Float64Array[]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(meta));
  const head = 12 + 4 * arrays.length;
  const metaEnd = head + json.length;
  const start = Math.ceil(metaEnd / 8) * 8;
  const total = start + arrays.reduce((n, a) => n + a.length * 8, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  view.setUint32(8, arrays.length, true);
  arrays.forEach((a, i) => view.setUint32(12 + 4 * i, a.length, true));
  out.set(json, head);
  let o = start;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), o);
    o += a.byteLength;
  }
  return out;
}

export function unpackState(bytes: Uint8Array): { meta: Record<string, unknown>; arrays: Float64Array[] } {
  // Copy to an aligned buffer: a driver's Buffer may start at any offset.
  const b = new Uint8Array(bytes.length);
  b.set(bytes);
  const view = new DataView(b.buffer);
  if (b.length < 12 || view.getUint32(0, true) !== MAGIC) throw new Error("not a search archive state");
  const jsonLength = view.getUint32(4, true);
  const count = view.getUint32(8, true);
  const lengths = Array.from({ length: count }, (_, i) => view.getUint32(12 + 4 * i, true));
  const head = 12 + 4 * count;
  const meta = JSON.parse(new TextDecoder().decode(b.subarray(head, head + jsonLength))) as Record<string, unknown>;
  let o = Math.ceil((head + jsonLength) / 8) * 8;
  const arrays = lengths.map((n) => {
    const a = new Float64Array(b.buffer, o, n);
    o += n * 8;
    return a;
  });
  if (o > b.length) throw new Error("search archive state is truncated");
  return { meta, arrays };
}
