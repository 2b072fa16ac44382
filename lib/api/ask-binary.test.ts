import { describe, expect, it } from "vitest";
import { askBinaryResponse, parseAskBinary } from "./ask-binary";

describe("binary ask answer", () => {
  const genomes = new Float64Array([0.5, -1.25, 3, 1e-300, -0, 2.048]);
  const parentIds = ["6a1f0c2e-0000-4000-8000-00000000abcd", "0b5e3c1d-1111-4222-8333-444455556666"];
  const parents = Buffer.alloc(3 * 2 * 16);
  Buffer.from(parentIds[0]!.replace(/-/g, ""), "hex").copy(parents, 0); // candidate 0: one parent
  Buffer.from(parentIds[0]!.replace(/-/g, ""), "hex").copy(parents, 64); // candidate 2: both
  Buffer.from(parentIds[1]!.replace(/-/g, ""), "hex").copy(parents, 80);
  const header = { budgetRemaining: 7, pending: 3, batchId: "6a1f0c2e-0000-4000-8000-000000000000", expiresAt: "2026-12-03T00:00:00.000Z", count: 3, dim: 2, operator: "iso-line", parentsPer: 2, genomeBytes: 48, parentBytes: 96 };

  it("is a JSON header line followed by the genome and parent blocks, exactly as long as it says", async () => {
    const res = askBinaryResponse({ header, genomes: new Uint8Array(genomes.buffer), parents: new Uint8Array(parents) });
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    const body = new Uint8Array(await res.arrayBuffer());
    expect(Number(res.headers.get("content-length"))).toBe(body.byteLength);
    const nl = body.indexOf(10);
    expect(JSON.parse(Buffer.from(body.subarray(0, nl)).toString("utf8"))).toEqual(header);
    expect(body.byteLength).toBe(nl + 1 + 48 + 96);
    const back = parseAskBinary(body);
    expect(Array.from(back.genomes)).toEqual(Array.from(genomes));
    expect(Object.is(back.genomes[4], -0)).toBe(true);
    expect(back.parents).toEqual([[parentIds[0]], [], parentIds]);
  });

  it("an empty answer is the header alone; a cut one is refused", async () => {
    const empty = { budgetRemaining: 0, pending: 5, count: 0, dim: 2, operator: "gaussian", parentsPer: 0, genomeBytes: 0, parentBytes: 0 };
    const body = new Uint8Array(await askBinaryResponse({ header: empty, genomes: new Uint8Array(0), parents: new Uint8Array(0) }).arrayBuffer());
    expect(parseAskBinary(body)).toEqual({ header: empty, genomes: new Float64Array(0), parents: [] });
    const full = new Uint8Array(await askBinaryResponse({ header, genomes: new Uint8Array(genomes.buffer), parents: new Uint8Array(parents) }).arrayBuffer());
    expect(() => parseAskBinary(full.subarray(0, full.byteLength - 8))).toThrow(/expected \d+ bytes/);
  });
});
