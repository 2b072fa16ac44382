/**
 * Cost of the program-domain additions, in one process (no database):
 *  - built-in code measures per evaluated program (codeLength, codeLines, codeComplexity, editDistance
 *    to the seed) for the shipped example with a small edit and with a rewritten block, against the
 *    reference of the measures before (codeLength + codeLines only);
 *  - re-binning of `"range": "auto"` (cells + best per cell) for N stored solutions.
 * Prints one JSON object. Timings are noisy on a shared machine: the load average is included.
 *
 *   npx tsx bench/auto-range.ts [--solutions 100000]
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { codeMeasures } from "@/lib/evaluators/code-measures";
import { codeMetrics } from "@/lib/evaluators/program";
import { grownBounds, rebin, type StoredPoint } from "@/lib/qd/archive/auto-range";
import { Rng } from "@/lib/qd";

const { values } = parseArgs({ options: { solutions: { type: "string", default: "100000" } } });
const n = Number(values.solutions);

function perCall(f: () => unknown, minMs = 300): number {
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    f();
    calls++;
  }
  return ((performance.now() - t0) / calls) * 1000; // µs
}

const seed = readFileSync("examples/evolve-program/initial_program.py", "utf8");
const small = seed.replace("return 20 + dx * dx", "return 10 + dx * dx");
const rewritten = seed.replace(/(# EVOLVE-BLOCK-START\n)[\s\S]*?(# EVOLVE-BLOCK-END)/, (_m, a: string, b: string) => `${a}${"def search(iterations=2000, bounds=(-5.12, 5.12)):\n    best = None\n    for i in range(41):\n        for j in range(41):\n            pass\n    return best\n"}${b}`);
const reference = { smallEditUs: perCall(() => codeMetrics(small)), rewriteUs: perCall(() => codeMetrics(rewritten)) };
const ours = { smallEditUs: perCall(() => codeMeasures(small, "python", seed)), rewriteUs: perCall(() => codeMeasures(rewritten, "python", seed)) };

const rng = new Rng(1);
const points: StoredPoint[] = Array.from({ length: n }, (_, i) => ({ id: String(i), fitness: rng.random(), descriptors: [rng.random() * 3000, rng.random() * 3] }));
const bounds = grownBounds({ lower: [0, 0], upper: [1, 3], bins: [10, 10] }, [true, false], points.flatMap((p) => p.descriptors));
const t0 = performance.now();
const { elites } = rebin(points, bounds);
const rebinMs = performance.now() - t0;

console.log(
  JSON.stringify({
    programChars: seed.length,
    codeMeasures: { ours, reference, ratioSmallEdit: ours.smallEditUs / reference.smallEditUs, ratioRewrite: ours.rewriteUs / reference.rewriteUs },
    rebin: { solutions: n, cells: elites.size, ms: rebinMs, usPerSolution: (rebinMs * 1000) / n },
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
  }),
);
