import { constants, gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { gzipSliced } from "./sliced-gzip";

const huffman = { level: 1, strategy: constants.Z_HUFFMAN_ONLY };

function jsonLike(bytes: number): Buffer {
  let s = "";
  for (let i = 0; s.length < bytes; i++) s += `${Math.sin(i) * 1e3},"${(i * 2654435761).toString(16)}",`;
  return Buffer.from(s.slice(0, bytes));
}

describe("gzipSliced", () => {
  it("makes a standard gzip member that any gunzip reads back byte for byte, at any size and slice size", async () => {
    for (const size of [0, 1, 1000, 65_536, 65_537, 300_001]) {
      const body = jsonLike(size);
      for (const slice of [1, 4096, 65_536]) {
        if (slice === 1 && size > 1000) continue;
        const zipped = await gzipSliced(body, huffman, slice);
        expect(gunzipSync(zipped).equals(body), `size ${size}, slice ${slice}`).toBe(true);
      }
      expect(gunzipSync(await gzipSliced(body, { level: 1 })).equals(body)).toBe(true);
    }
  });

  it("compresses as well as one gzip call (within a few hundred bytes per slice) and lets timers run while a large body is compressed", async () => {
    const body = jsonLike(8_000_000); // tens of milliseconds of work: more than one loop budget
    let turns = 0;
    const tick = setInterval(() => turns++, 0);
    const zipped = await gzipSliced(body, huffman);
    clearInterval(tick);
    expect(zipped.length).toBeLessThan(gzipSync(body, huffman).length + (body.length / 32_768) * 300);
    expect(turns).toBeGreaterThan(0);
    expect(gunzipSync(zipped).equals(body)).toBe(true);
  });
});
