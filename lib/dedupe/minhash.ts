/**
 * MinHash signatures over token shingles and LSH banding (browser-safe, no dependencies).
 *
 * Jaccard similarity of two programs' shingle sets is estimated by the share of equal signature
 * slots. LSH: the signature is cut into `bands` bands of `rows` slots; two programs become
 * candidates when any band is equal, which happens with probability 1 − (1 − J^rows)^bands
 * (16 × 8: 0.9999 at J = 0.9, 0.06 at J = 0.5), so only a few stored programs are ever compared.
 */

export const NUM_PERM = 128;
export const BANDS = 16;
export const ROWS = NUM_PERM / BANDS;
/** Tokens per shingle. */
export const SHINGLE = 3;

/** murmur3's 32-bit finaliser: a fast, well-mixed hash of a 32-bit value. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over a string's UTF-16 units, finalised. */
function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

/** One salt per permutation, fixed so signatures from any process agree. */
const SALTS = Uint32Array.from({ length: NUM_PERM }, (_, i) => fmix32(0x9e3779b9 + Math.imul(i + 1, 0x7f4a7c15)));

/** Hashes of the token k-shingles (a text shorter than k tokens is one shingle). */
export function shingleHashes(toks: string[], k = SHINGLE): Uint32Array {
  const ids = toks.map((t) => hashString(t));
  const count = Math.max(1, toks.length - k + 1);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    let h = 0x2545f491;
    for (let j = i; j < Math.min(toks.length, i + k); j++) h = fmix32(h ^ Math.imul(ids[j]!, 0x27d4eb2d) ^ (j - i));
    out[i] = h;
  }
  return out;
}

/** The MinHash signature: per permutation, the minimum of the salted hashes of the shingles. */
export function minhash(shingles: Uint32Array): Uint32Array {
  const sig = new Uint32Array(NUM_PERM).fill(0xffffffff);
  for (let s = 0; s < shingles.length; s++) {
    const x = shingles[s]!;
    for (let p = 0; p < NUM_PERM; p++) {
      const h = fmix32(x ^ SALTS[p]!);
      if (h < sig[p]!) sig[p] = h;
    }
  }
  return sig;
}

/** Estimated Jaccard similarity: the share of equal slots. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < NUM_PERM; i++) if (a[i] === b[i]) same++;
  return same / NUM_PERM;
}

/** One key per band: band × 2^32 + hash of its rows (an exact integer, stored as int8). */
export function bandKeys(sig: Uint32Array): number[] {
  const keys: number[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = 0x1b873593 ^ b;
    for (let r = 0; r < ROWS; r++) h = fmix32(h ^ Math.imul(sig[b * ROWS + r]!, 0xcc9e2d51));
    keys.push(b * 2 ** 32 + h);
  }
  return keys;
}

/** Little-endian bytes of a signature (for the database) and back. */
export const signatureBytes = (sig: Uint32Array) => new Uint8Array(sig.buffer, sig.byteOffset, sig.byteLength);
export function signatureFrom(bytes: Uint8Array): Uint32Array {
  const copy = new Uint8Array(bytes); // aligned copy
  return new Uint32Array(copy.buffer, 0, NUM_PERM);
}
