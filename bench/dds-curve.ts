/**
 * Coverage curve of pyribs' sphere `dds` row in this engine, to set beside
 * bench/pyribs_sphere.py --row dds --curve K (issue 13: the dds coverage gap).
 *   npx tsx bench/dds-curve.ts --iterations 500 --every 50 --seeds 1,2,3 [--reservoir uniform|pyribs]
 * Prints one JSON object: per seed, [iteration, coverage, normQdScore] rows.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { createAlgorithm, runAlgorithm } from "../lib/qd/algorithm";
import { SPHERE_REFERENCE } from "../lib/qd/reproduce";

const { values } = parseArgs({ options: { iterations: { type: "string", default: "500" }, every: { type: "string", default: "50" }, seeds: { type: "string", default: "1" }, reservoir: { type: "string", default: "pyribs" } } });
const args = z
  .object({
    iterations: z.coerce.number().int().positive(),
    every: z.coerce.number().int().positive(),
    seeds: z.string().transform((s) => s.split(",").map((x) => z.coerce.number().int().parse(x))),
    reservoir: z.enum(["uniform", "pyribs"]),
  })
  .parse(values);

const row = SPHERE_REFERENCE.find((r) => r.name === "dds")!;
const runs: Record<string, { curve: [number, number, number][]; cpuSecondsPerIteration: number }> = {};
for (const seed of args.seeds) {
  const config = row.config(seed);
  if (config.archive.type !== "density") throw new Error("dds row is not a density archive");
  config.archive = { ...config.archive, reservoir: args.reservoir };
  const alg = createAlgorithm(config);
  const curve: [number, number, number][] = [];
  const c0 = process.cpuUsage();
  const last = runAlgorithm(alg, args.iterations, (m) => {
    curve.push([m.iterations, m.coverage, m.normQdScore]);
    process.stderr.write(`seed ${seed} iteration ${m.iterations}: coverage ${m.coverage.toFixed(4)} normQD ${m.normQdScore.toFixed(2)}\n`);
  }, args.every);
  const cpu = process.cpuUsage(c0);
  curve.push([last.iterations, last.coverage, last.normQdScore]);
  runs[seed] = { curve, cpuSecondsPerIteration: (cpu.user + cpu.system) / 1e6 / args.iterations };
  process.stderr.write(`seed ${seed}: coverage ${last.coverage.toFixed(4)} normQD ${last.normQdScore.toFixed(2)}\n`);
}
process.stdout.write(JSON.stringify({ row: "dds", reservoir: args.reservoir, iterations: args.iterations, runs }) + "\n");
