/**
 * The live experiment page's archive refresh (every 3 s while a run goes on: `?format=columns&after=revision`,
 * up to every cell of the archive), decoded and merged into the page's store, two ways, alternating in one process:
 *   jsonShaped: columns boxed into the JSON body's arrays, then normalised back to typed arrays, ids as strings
 *               (the path before session 8)
 *   typed:      columns kept typed from the body to the store, ids as bytes (what the page does)
 * Prints one JSON object (ms per refresh: p50, p95, max). A main-thread task over 50 ms is a long task.
 *
 *   npx tsx bench/archive-refresh.ts [--rows 10000] [--rounds 30]
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { decodeArchiveColumns, decodeArchiveColumnsTyped, encodeArchiveColumnsFromArrays } from "@/lib/api/archive-columns";
import { normalizeArchive } from "@/components/lib/api";
import { ArchiveStore } from "@/components/archive/store";

const { values } = parseArgs({ options: { rows: { type: "string", default: "10000" }, rounds: { type: "string", default: "30" } } });
const n = Number(values.rows);
const rounds = Number(values.rounds);
const dim = 2;
const side = Math.ceil(Math.sqrt(n));
const geometry = { type: "grid" as const, dims: [side, side], ranges: [[0, 1], [0, 1]] as [number, number][] };
const fallback = { ranges: geometry.ranges, dims: geometry.dims, names: ["x", "y"] };
const body = encodeArchiveColumnsFromArrays({
  headerJson: JSON.stringify({ experimentId: "00000000-0000-4000-8000-000000000000", geometry, revision: 1, count: n, dim }),
  count: n,
  dim,
  cells: Int32Array.from({ length: n }, (_, i) => i),
  fitness: Float64Array.from({ length: n }, (_, i) => Math.sin(i)),
  descriptors: Float64Array.from({ length: n * dim }, (_, i) => (i % 997) / 997),
  ids: Uint8Array.from({ length: 16 * n }, (_, i) => (i * 131) & 255),
});
const store = () => new ArchiveStore({ cells: side * side, geometry, descriptorNames: ["x", "y"], cell: new Int32Array(0), fitness: new Float64Array(0), descriptors: new Float64Array(0) });

const ways = {
  jsonShaped: (s: ArchiveStore) => s.merge(normalizeArchive(decodeArchiveColumns(body) as never, fallback)),
  typed: (s: ArchiveStore) => {
    const c = decodeArchiveColumnsTyped(body);
    s.merge({ ...normalizeArchive({ geometry: c.geometry, elites: [] }, fallback), cell: c.cells, fitness: c.fitness, descriptors: c.descriptors, solutionIds: c.ids });
  },
};
const times: Record<keyof typeof ways, number[]> = { jsonShaped: [], typed: [] };
for (let r = 0; r < rounds; r++) {
  for (const k of Object.keys(ways) as (keyof typeof ways)[]) {
    const s = store();
    const t0 = performance.now();
    ways[k](s);
    times[k].push(performance.now() - t0);
  }
}
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 100) / 100;
  return { p50: q(0.5), p95: q(0.95), max: q(1) };
};
console.log(JSON.stringify({ rows: n, rounds, loadAverage: loadavg().map((x) => Math.round(x * 100) / 100), msPerRefresh: { jsonShaped: stats(times.jsonShaped), typed: stats(times.typed) } }, null, 2));
