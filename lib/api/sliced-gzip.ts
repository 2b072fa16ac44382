import { constants, crc32, deflateRawSync, type ZlibOptions } from "node:zlib";
import { loopBudget } from "./loop-budget";

/**
 * A gzip body made on the web thread a slice at a time, yielding to the event loop when the work has
 * held it for a few milliseconds (loop-budget.ts).
 *
 * Why: under a live run the archive is gzipped once per revision. On zlib's thread pool that ~3 ms of
 * work waited 26–68 ms (p50) for a pool thread and then for the loop to take the result; done in one
 * synchronous call it cost the loop up to ~20 ms at a time, and every other request waited behind it
 * (a trivial request's p50 doubled). Here each slice is deflated on its own and ends on a byte
 * boundary (Z_SYNC_FLUSH), so the pieces concatenate into one valid deflate stream; a final empty block,
 * the gzip header and the CRC-32 / length trailer make it a standard gzip member. Pieces compressed
 * independently lose only matches across slice boundaries (none at all with Z_HUFFMAN_ONLY).
 */
export async function gzipSliced(body: Uint8Array, options: ZlibOptions, sliceBytes = 32 * 1024): Promise<Buffer> {
  const parts: Buffer[] = [GZIP_HEADER];
  const budget = loopBudget();
  let crc = 0;
  for (let offset = 0; offset < body.length; offset += sliceBytes) {
    await budget.pause();
    const slice = body.subarray(offset, offset + sliceBytes);
    parts.push(deflateRawSync(slice, { ...options, finishFlush: constants.Z_SYNC_FLUSH }));
    crc = crc32(slice, crc);
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(body.length % 2 ** 32, 4);
  parts.push(FINAL_EMPTY_BLOCK, trailer);
  return Buffer.concat(parts);
}

/** ID1 ID2, deflate, no flags, no mtime, no extra flags, OS unknown (RFC 1952). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff]);
/** A final, empty, fixed-Huffman block: what zlib writes to finish a stream after a sync flush. */
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]);
