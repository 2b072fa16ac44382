import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeArchiveColumns, decodeArchiveColumnsTyped, encodeArchiveColumns, encodeArchiveColumnsFromArrays, encodeArchiveColumnsFromWire, readArchiveColumns, type ArchiveBody } from "./archive-columns";

/** A full 100×100 grid archive shaped like the API's JSON body (values as PostgreSQL prints float8). */
function gridArchive(n = 10_000): ArchiveBody {
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const hex = (k: number) => Array.from({ length: k }, () => Math.floor(rnd() * 16).toString(16)).join("");
  const cell = Array.from({ length: n }, (_, i) => i * 1);
  return {
    experimentId: "0b6c1c1e-6a55-4c1f-9d2a-4e1f0c2b3a49",
    geometry: { type: "grid", cells: 10_000, descriptors: [{ name: "m0", min: -256, max: 256, bins: 100 }, { name: "m1", min: -256, max: 256, bins: 100 }], dims: [100, 100], ranges: [[-256, 256], [-256, 256]] },
    elites: {
      revision: 987654,
      count: n,
      cell,
      fitness: cell.map(() => Number((rnd() * 100).toPrecision(17))),
      descriptors: cell.map((c) => [-256 + (Math.floor(c / 100) + rnd()) * 5.12, -256 + ((c % 100) + rnd()) * 5.12]),
      solutionId: cell.map(() => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`),
    },
  };
}

describe("archive columns (format=columns)", () => {
  it("round-trips a 10,000-elite archive exactly, and gzipped it is about half the gzipped JSON", () => {
    const body = gridArchive();
    const bytes = encodeArchiveColumns(body);
    expect(decodeArchiveColumns(bytes)).toEqual(JSON.parse(JSON.stringify(body)));
    const json = gzipSync(JSON.stringify(body), { level: 6 }).length;
    const columns = gzipSync(bytes, { level: 6 }).length;
    expect(columns).toBeLessThan(0.6 * json);
  });

  it("decodes to typed columns with the same values as the JSON-shaped body (what a live page merges every few seconds)", () => {
    const body = gridArchive(1000);
    const c = decodeArchiveColumnsTyped(encodeArchiveColumns(body));
    expect([c.revision, c.count, c.dim]).toEqual([body.elites.revision, 1000, 2]);
    expect(Array.from(c.cells)).toEqual(body.elites.cell);
    expect(Array.from(c.fitness)).toEqual(body.elites.fitness);
    expect(Array.from(c.descriptors)).toEqual(body.elites.descriptors.flat());
    expect(Buffer.from(c.ids.subarray(16 * 7, 16 * 8)).toString("hex")).toBe(body.elites.solutionId[7]!.replace(/-/g, ""));
  });

  it("typed columns held in memory encode to the same bytes as the JSON-shaped body", () => {
    for (const n of [0, 3, 1000]) {
      const body = gridArchive(n);
      const e = body.elites;
      const ids = new Uint8Array(16 * n);
      e.solutionId.forEach((id, i) => ids.set(Buffer.from(id.replace(/-/g, ""), "hex"), 16 * i));
      const headerJson = JSON.stringify({ experimentId: body.experimentId, geometry: body.geometry, revision: e.revision, count: n, dim: 2 * Math.min(n, 1) });
      const bytes = encodeArchiveColumnsFromArrays({
        headerJson,
        count: n,
        dim: n ? 2 : 0,
        cells: Int32Array.from(e.cell),
        fitness: Float64Array.from(e.fitness),
        descriptors: Float64Array.from(e.descriptors.flat()),
        ids,
      });
      expect(bytes).toEqual(encodeArchiveColumns(body));
      expect(decodeArchiveColumns(bytes)).toEqual(body);
    }
  });

  it("round-trips an empty archive (an incremental read with nothing new) and odd counts (padding)", () => {
    const empty = { ...gridArchive(0), elites: { revision: 3, count: 0, cell: [], fitness: [], descriptors: [], solutionId: [] } };
    expect(decodeArchiveColumns(encodeArchiveColumns(empty))).toEqual(empty);
    const three = gridArchive(3);
    expect(decodeArchiveColumns(encodeArchiveColumns(three))).toEqual(three);
  });

  it("rejects a body that is not one, or is truncated, with a reason", () => {
    expect(() => decodeArchiveColumns(new TextEncoder().encode('{"elites":[]}'))).toThrow(/not a QD archive/);
    const bytes = encodeArchiveColumns(gridArchive(5));
    expect(() => decodeArchiveColumns(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
  });

  it("refuses to encode rows it cannot represent exactly", () => {
    const bad = gridArchive(2);
    bad.elites.descriptors[1] = [1];
    expect(() => encodeArchiveColumns(bad)).toThrow(/elite 1 .* 1 descriptor values, expected 2/);
    const badId = gridArchive(2);
    badId.elites.solutionId[0] = "not-a-uuid";
    expect(() => encodeArchiveColumns(badId)).toThrow(/not a UUID/);
  });

  it("the bytes made from PostgreSQL's big-endian wire columns are the same as from the JSON body", () => {
    const body = gridArchive(37);
    const e = body.elites;
    const dim = 2;
    const cellsBE = Buffer.alloc(4 * e.count);
    const fitnessBE = Buffer.alloc(8 * e.count);
    const descriptorsBE = Buffer.alloc(8 * e.count * dim);
    e.cell.forEach((c, i) => cellsBE.writeInt32BE(c, 4 * i));
    e.fitness.forEach((f, i) => fitnessBE.writeDoubleBE(f, 8 * i));
    e.descriptors.forEach((d, i) => d.forEach((v, k) => descriptorsBE.writeDoubleBE(v, 8 * (i * dim + k))));
    const ids = Buffer.from(e.solutionId.map((s) => s.replace(/-/g, "")).join(""), "hex");
    const headerJson = JSON.stringify({ experimentId: body.experimentId, geometry: body.geometry, revision: e.revision, count: e.count, dim });
    const wire = encodeArchiveColumnsFromWire({ headerJson, count: e.count, dim, cellsBE, fitnessBE, descriptorsBE, ids });
    expect(Buffer.from(wire)).toEqual(Buffer.from(encodeArchiveColumns(body)));
    expect(() => encodeArchiveColumnsFromWire({ headerJson, count: e.count + 1, dim, cellsBE, fitnessBE, descriptorsBE, ids })).toThrow(/inconsistent/);
  });

  it("readArchiveColumns inflates the gzipped body as a browser would", async () => {
    const body = gridArchive(50);
    const res = new Response(gzipSync(encodeArchiveColumns(body)), { headers: { "content-type": "application/octet-stream" } });
    expect(await readArchiveColumns(res)).toEqual(body);
  });
});
