/**
 * How the archive's JSON body is best gzipped: bytes and CPU milliseconds (process CPU, median over
 * rounds, the settings alternated within each round) of zlib settings on a body shaped like
 * GET /api/experiments/:id/archive (random fitness and descriptor doubles, random solution ids,
 * rendered by lib/api/archive-state.ts's elitesJsonFrom). During a live run the archive's revision
 * moves before nearly every read, so this gzip is paid per read (lib/api/archive.ts, JSON_GZIP).
 *
 *   npx tsx bench/archive-gzip.ts [--elites 10000] [--dim 2] [--rounds 15]
 */
import crypto from "node:crypto";
import zlib from "node:zlib";
import { parseArgs } from "node:util";
import { elitesJsonFrom, numberJson, type ArchiveState, type EliteEntry } from "@/lib/api/archive-state";

const { values } = parseArgs({ options: { elites: { type: "string", default: "10000" }, dim: { type: "string", default: "2" }, rounds: { type: "string", default: "15" } } });
const n = Number(values.elites);
const dim = Number(values.dim);
const rounds = Number(values.rounds);

const entries: EliteEntry[] = Array.from({ length: n }, (_, cell) => {
  const fitness = -Math.random() * 50;
  const descriptors = Float64Array.from({ length: dim }, () => Math.random() * 10 - 5);
  const idBytes = new Uint8Array(crypto.randomBytes(16));
  return { cell, fitness, descriptors, idBytes, id: crypto.randomUUID(), revision: 1, fitnessJson: numberJson(fitness), descriptorsJson: `[${[...descriptors].map(numberJson).join(",")}]` };
});
const state = { experimentId: crypto.randomUUID(), revision: "1", dim, byCell: new Map(entries.map((e) => [e.cell, e])), sorted: null } satisfies ArchiveState;
const body = Buffer.from(`{"experimentId":"${state.experimentId}","geometry":{"type":"grid"},"elites":${elitesJsonFrom(state, entries)}}`);

const settings: Record<string, zlib.ZlibOptions> = {
  "level 1": { level: 1 },
  "level 1, Huffman only": { level: 1, strategy: zlib.constants.Z_HUFFMAN_ONLY },
  "level 1, RLE": { level: 1, strategy: zlib.constants.Z_RLE },
  "level 6": { level: 6 },
};
const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(settings).map((k) => [k, []]));
const bytes: Record<string, number> = {};
for (let r = 0; r < rounds; r++) {
  for (const [name, options] of Object.entries(settings)) {
    const c0 = process.cpuUsage();
    bytes[name] = zlib.gzipSync(body, options).length;
    const c = process.cpuUsage(c0);
    cpu[name]!.push((c.user + c.system) / 1000);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  JSON.stringify({
    elites: n,
    dim,
    plainBytes: body.length,
    settings: Object.fromEntries(Object.keys(settings).map((k) => [k, { bytes: bytes[k], ratio: Math.round((bytes[k]! / body.length) * 1000) / 1000, cpuMsMedian: Math.round(median(cpu[k]!) * 10) / 10, cpuMsMin: Math.round(Math.min(...cpu[k]!) * 10) / 10 }])),
  }),
);
