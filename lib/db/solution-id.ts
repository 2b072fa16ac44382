import crypto from "node:crypto";

/**
 * Ids of new Solution rows: UUIDv7 layout (RFC 9562): 48-bit Unix milliseconds, version 7, a 12-bit
 * counter, variant, 62 random bits. Why not v4: a job's ~630 rows land in the primary-key B-tree at
 * random pages of an index that grows all run (and, after each checkpoint, every page touched first
 * writes a full-page image to the WAL); time-ordered ids append at the index's right edge.
 *
 * Within one process ids are strictly increasing: the counter (rand_a, RFC 9562 method 1) restarts at
 * a random value below 2^11 every millisecond and counts up, and a millisecond whose counter runs out
 * borrows the next one. Nothing reads time or order out of an id; they are plain UUIDs to every reader.
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const POOL = 4096;
const pool = Buffer.alloc(POOL);
let used = POOL;
let lastMs = 0;
let counter = 0;

function randomBytes(n: number): number {
  if (used + n > POOL) {
    crypto.randomFillSync(pool);
    used = 0;
  }
  const at = used;
  used += n;
  return at;
}

export function newSolutionId(): string {
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    const r = randomBytes(2);
    counter = ((pool[r]! << 8) | pool[r + 1]!) & 0x7ff;
  } else {
    ms = lastMs;
    if (++counter > 0xfff) {
      // 4,096 ids in one millisecond: move on to the next one (ids stay increasing).
      ms = ++lastMs;
      counter = 0;
    }
  }
  const r = randomBytes(8);
  const hi = Math.floor(ms / 0x10000);
  const lo = ms % 0x10000;
  return (
    HEX[(hi >>> 24) & 0xff]! + HEX[(hi >>> 16) & 0xff]! + HEX[(hi >>> 8) & 0xff]! + HEX[hi & 0xff]! + "-" +
    HEX[lo >>> 8]! + HEX[lo & 0xff]! + "-" +
    HEX[0x70 | (counter >>> 8)]! + HEX[counter & 0xff]! + "-" +
    HEX[0x80 | (pool[r]! & 0x3f)]! + HEX[pool[r + 1]!]! + "-" +
    HEX[pool[r + 2]!]! + HEX[pool[r + 3]!]! + HEX[pool[r + 4]!]! + HEX[pool[r + 5]!]! + HEX[pool[r + 6]!]! + HEX[pool[r + 7]!]!
  );
}
