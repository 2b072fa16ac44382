/**
 * Our density estimate against pyribs' on pyribs' own state (issue 13): runs
 * pyribs' dds row for N iterations (bench/pyribs_sphere.py --dump-density),
 * loads its reservoir buffer into our DensityArchive, and scores the next
 * batch's 540 measures with both. Reports the largest relative difference,
 * how many of the 15 emitters would pick different parents (top 18 of 36,
 * lowest density first), and how many disagree on pyribs' flat-ranking stop
 * (best − worst density < 1e-12), the rule behind most DDS restarts.
 *   npx tsx bench/dds-density-match.ts --iterations 150 --seed 1 [--python /tmp/ribs/bin/python]
 * Prints one JSON object.
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { z } from "zod";
import { DensityArchive } from "../lib/qd/archive/density";
import { Rng } from "../lib/qd/rng";

const { values } = parseArgs({ options: { iterations: { type: "string", default: "150" }, seed: { type: "string", default: "1" }, python: { type: "string", default: "/tmp/ribs/bin/python" } } });
const args = z.object({ iterations: z.coerce.number().int().positive(), seed: z.coerce.number().int(), python: z.string().min(1) }).parse(values);

const Dump = z.object({
  buffer: z.array(z.tuple([z.number(), z.number()])).min(1, "pyribs' buffer is empty"),
  measures: z.array(z.tuple([z.number(), z.number()])).length(540, "dds batches hold 15 × 36 measures"),
  density: z.array(z.number()).length(540),
});
const raw = execFileSync(args.python, ["bench/pyribs_sphere.py", "--row", "dds", "--iterations", String(args.iterations), "--seed", String(args.seed), "--dump-density"], {
  encoding: "utf8",
  maxBuffer: 64 << 20,
  env: { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1" },
});
const dump = Dump.parse(JSON.parse(raw));

// Filling an empty archive of the buffer's size copies the buffer as it is.
const archive = new DensityArchive({ solutionDim: 1, measureDim: 2, bufferSize: dump.buffer.length, bandwidth: 25.6, reservoir: "pyribs", rng: new Rng(0) });
const n = dump.buffer.length;
archive.add(new Float64Array(0), new Float64Array(0), Float64Array.from(dump.buffer.flat()), n);
const ours = new Float64Array(540);
archive.computeDensity(Float64Array.from(dump.measures.flat()), 540, ours);
const theirs = dump.density;

let maxRelative = 0;
for (let i = 0; i < 540; i++) maxRelative = Math.max(maxRelative, Math.abs(ours[i]! - theirs[i]!) / Math.abs(theirs[i]!));
let parentsDiffer = 0;
let flatStopDiffers = 0;
let flatStops = 0;
for (let e = 0; e < 15; e++) {
  const rows = Array.from({ length: 36 }, (_, k) => e * 36 + k);
  const byOurs = [...rows].sort((a, b) => ours[a]! - ours[b]!);
  const byTheirs = [...rows].sort((a, b) => theirs[a]! - theirs[b]!);
  const top = (r: number[]) => r.slice(0, 18).sort((a, b) => a - b).join();
  if (top(byOurs) !== top(byTheirs)) parentsDiffer++;
  const flatOurs = ours[byOurs[35]!]! - ours[byOurs[0]!]! < 1e-12;
  const flatTheirs = theirs[byTheirs[35]!]! - theirs[byTheirs[0]!]! < 1e-12;
  if (flatTheirs) flatStops++;
  if (flatOurs !== flatTheirs) flatStopDiffers++;
}
const distinct = new Set(dump.buffer.map(([x, y]) => `${x},${y}`)).size;
process.stdout.write(JSON.stringify({ iterations: args.iterations, seed: args.seed, bufferSize: n, distinct, maxRelative, parentsDiffer, flatStopDiffers, flatStopsPyribs: flatStops }) + "\n");
