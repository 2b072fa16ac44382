/** Vector genomes are stored as little-endian float64 bytes: 8 bytes a value, no text parsing. */

export function encodeVector(values: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const f = Float64Array.from(values);
  return new Uint8Array(f.buffer);
}

/** Copies out of the driver's buffer (its offset need not be 8-byte aligned). */
export function decodeVector(bytes: Uint8Array | null | undefined): Float64Array {
  if (!bytes) return new Float64Array(0);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}
