import type { z } from "zod";
import type { AskBinaryHeader } from "./responses";

/**
 * The binary ask answer (`"encoding": "binary"`), for clients that read bytes (the Python client):
 *
 *   line 1   one JSON object (AskBinaryHeader), UTF-8, ending in "\n"
 *   then     genomeBytes: count × dim little-endian float64, row-major
 *   then     parentBytes: count × parentsPer raw 16-byte UUIDs (all zero = no parent)
 *
 * Why: the JSON/base64 answer to an ask of 10,000 × 100 genes is an ~11 MB string built, copied and
 * collected per ask; here the blocks the ask already holds (the producer's Float64Array, the parents
 * block written to AskBatch) go out as they are, with no copy. Errors stay JSON (status ≥ 400).
 */

export type AskBinaryHeaderT = z.infer<typeof AskBinaryHeader>;

export interface AskBinary {
  header: AskBinaryHeaderT;
  genomes: Uint8Array;
  parents: Uint8Array;
}

export const ASK_BINARY_TYPE = "application/octet-stream";

export function askBinaryResponse(a: AskBinary): Response {
  const head = new TextEncoder().encode(`${JSON.stringify(a.header)}\n`);
  const parts = [head, a.genomes, a.parents].filter((p) => p.byteLength > 0);
  const length = parts.reduce((s, p) => s + p.byteLength, 0);
  // A stream of the parts as they are: a Blob or one concatenated buffer would copy the 8 MB genome block.
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const p of parts) controller.enqueue(p);
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": ASK_BINARY_TYPE, "content-length": String(length), "cache-control": "no-store" } });
}

/** Reads a binary ask answer back (tests, TypeScript clients): the header and views on the blocks. */
export function parseAskBinary(buf: Uint8Array): { header: AskBinaryHeaderT; genomes: Float64Array; parents: string[][] } {
  const nl = buf.indexOf(10);
  if (nl < 0) throw new Error("binary ask answer: no header line");
  const header = JSON.parse(new TextDecoder().decode(buf.subarray(0, nl))) as AskBinaryHeaderT;
  const start = nl + 1;
  if (buf.byteLength !== start + header.genomeBytes + header.parentBytes) throw new Error(`binary ask answer: expected ${start + header.genomeBytes + header.parentBytes} bytes, got ${buf.byteLength}`);
  const genomes = new Float64Array(header.count * header.dim);
  new Uint8Array(genomes.buffer).set(buf.subarray(start, start + header.genomeBytes));
  const hex = Buffer.from(buf.buffer, buf.byteOffset + start + header.genomeBytes, header.parentBytes).toString("hex");
  const parents: string[][] = [];
  for (let i = 0; i < header.count; i++) {
    const ids: string[] = [];
    for (let j = 0; j < header.parentsPer; j++) {
      const x = hex.slice((i * header.parentsPer + j) * 32, (i * header.parentsPer + j + 1) * 32);
      if (!/^0+$/.test(x)) ids.push(`${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`);
    }
    parents.push(ids);
  }
  return { header, genomes, parents };
}
