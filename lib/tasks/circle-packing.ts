/**
 * Circle packing (AlphaEvolve, "B.12"): place 26 disjoint circles in the unit square and maximise
 * the sum of their radii. AlphaEvolve reports 2.635 (OpenEvolve 2.634).
 *
 * Program contract (JavaScript, run in the sandbox with only ECMAScript built-ins):
 *
 *   function pack() {
 *     return [[x, y, r], ...];   // exactly 26 circles: centre (x, y) and radius r
 *   }
 *
 * `pack` may be `async`; `{ x, y, r }` objects are accepted too. It runs once per evaluation
 * within the time and memory limits (default 10 s, 128 MB), so it may search/optimise inside.
 *
 * Validity is checked exactly in the host (not trusting anything the program says):
 * exactly 26 circles; x, y, r finite numbers; r > 0; inside the square with tolerance 1e-9
 * (x − r ≥ −1e-9, x + r ≤ 1 + 1e-9, same for y); no overlaps (for every pair,
 * distance ≥ r_i + r_j − 1e-9). Fitness = Σ r. An invalid packing is a failed evaluation with the
 * first violation as the reason. Metrics: `codeLength` (characters), `runMs` (sandbox time),
 * `minGap` (smallest slack over all pairs and walls; ≈ 0 for a tight packing), `sumRadii`.
 */
import { mapLimit, type Candidate, type EvalResult, type Evaluator } from "../evaluators/types";
import type { DescriptorInfo, PromptTask } from "../llm/prompts";
import { runInSandbox } from "../sandbox/index";
import { CIRCLE_PACKING_INFO } from "./catalog";
import { genomeToCode, type CodeTask, type CodeTaskEvaluatorOptions } from "./types";

export const CIRCLE_COUNT = 26;
export const CIRCLE_TOLERANCE = 1e-9;
export const CIRCLE_PACKING_REFERENCE = 2.635;

export const CIRCLE_PACKING_SEED = `// Seed: a 6 x 5 grid of equal circles, 26 of its 30 cells used (sum of radii 26/12 ≈ 2.167).
function pack() {
  const n = 26;
  const cols = 6;
  const rows = 5;
  const r = 1 / (2 * cols);
  const circles = [];
  for (let i = 0; i < n; i++) {
    const c = i % cols;
    const row = Math.floor(i / cols);
    circles.push([(c + 0.5) / cols, (row + 0.5) / rows, r]);
  }
  return circles;
}
`;

export const CIRCLE_PACKING_DESCRIPTION = `Pack ${CIRCLE_COUNT} disjoint circles into the unit square [0, 1] x [0, 1] so that the sum of their radii is as large as possible.

Write a JavaScript program that defines \`function pack()\` (it may be async) returning an array of exactly ${CIRCLE_COUNT} circles, each \`[x, y, r]\`: centre (x, y) and radius r > 0.
Constraints, checked exactly (tolerance 1e-9): every circle lies inside the square (x - r >= 0, x + r <= 1, y - r >= 0, y + r <= 1) and no two circles overlap (distance between centres >= r_i + r_j).
Any violation makes the program invalid. The program runs in a sandbox with only standard ECMAScript built-ins (Math, arrays, typed arrays; no imports, no I/O, no timers), once, within a time limit of a few seconds, so it may compute the packing (e.g. by optimisation) rather than hard-code it, but it must be deterministic and fast.
The best known sum of radii for ${CIRCLE_COUNT} circles is about ${CIRCLE_PACKING_REFERENCE}. A regular grid gives about 2.17; good packings mix circle sizes, put larger circles in the interior and smaller ones in corners and gaps, and are tight (touching neighbours and walls).`;

export type Circle = [x: number, y: number, r: number];

export type PackingCheck = { ok: true; sumRadii: number; minGap: number; circles: Circle[] } | { ok: false; reason: string };

function num(v: unknown): string {
  return typeof v === "number" ? String(v) : v === null ? "null" : typeof v === "string" ? `"${v.slice(0, 20)}"` : typeof v;
}

/**
 * Exact validity check and score of a packing (host side; the input is untrusted JSON).
 * `n`: required number of circles (default 26).
 */
export function validatePacking(value: unknown, n = CIRCLE_COUNT, tol = CIRCLE_TOLERANCE): PackingCheck {
  if (!Array.isArray(value)) return { ok: false, reason: `pack() must return an array of [x, y, r], got ${value === null ? "null" : typeof value}` };
  if (value.length !== n) return { ok: false, reason: `expected exactly ${n} circles, got ${value.length}` };
  const circles: Circle[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as unknown;
    let x: unknown, y: unknown, r: unknown;
    if (Array.isArray(c)) {
      if (c.length !== 3) return { ok: false, reason: `circle ${i}: expected [x, y, r], got an array of ${c.length}` };
      [x, y, r] = c;
    } else if (c && typeof c === "object") {
      ({ x, y, r } = c as { x?: unknown; y?: unknown; r?: unknown });
    } else return { ok: false, reason: `circle ${i}: expected [x, y, r], got ${num(c)}` };
    for (const [k, v] of [["x", x], ["y", y], ["r", r]] as const) {
      if (typeof v !== "number" || !Number.isFinite(v)) return { ok: false, reason: `circle ${i}: ${k} is not a finite number (${num(v)})` };
    }
    const [cx, cy, cr] = [x as number, y as number, r as number];
    if (!(cr > 0)) return { ok: false, reason: `circle ${i}: radius must be > 0, got ${cr}` };
    if (cx - cr < -tol || cx + cr > 1 + tol || cy - cr < -tol || cy + cr > 1 + tol)
      return { ok: false, reason: `circle ${i} (x=${cx}, y=${cy}, r=${cr}) is outside the unit square` };
    circles.push([cx, cy, cr]);
  }
  let minGap = Infinity;
  for (const [x, y, r] of circles) minGap = Math.min(minGap, x - r, 1 - x - r, y - r, 1 - y - r);
  for (let i = 0; i < n; i++) {
    const [xi, yi, ri] = circles[i]!;
    for (let j = i + 1; j < n; j++) {
      const [xj, yj, rj] = circles[j]!;
      const d = Math.hypot(xi - xj, yi - yj);
      const gap = d - ri - rj;
      if (gap < -tol) return { ok: false, reason: `circles ${i} and ${j} overlap (distance ${d.toPrecision(8)} < r${i} + r${j} = ${(ri + rj).toPrecision(8)})` };
      if (gap < minGap) minGap = gap;
    }
  }
  let sum = 0;
  for (const c of circles) sum += c[2];
  return { ok: true, sumRadii: sum, minGap, circles };
}

/**
 * Appended to the program: calls pack() and serialises the result so that NaN/Infinity reach the
 * host as strings (for a precise reason) instead of failing serialisation. The host re-validates
 * everything, so a program that tampers with this wrapper can only fail itself.
 */
const HARNESS = `
;async function __qdCirclePacking() {
  if (typeof pack !== "function") throw new Error("the program does not define function pack()");
  const out = await pack();
  return JSON.stringify(out === undefined ? null : out, (k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
}
`;

export interface CirclePackingEvaluatorOptions extends CodeTaskEvaluatorOptions {
  /** Number of circles required (default 26; tests may use others). */
  circles?: number;
}

export async function evaluateCirclePacking(genome: unknown, opts: CirclePackingEvaluatorOptions = {}): Promise<EvalResult> {
  const g = genomeToCode(genome);
  if (!g.ok) return { ok: false, error: g.reason, ms: 0 };
  const r = await runInSandbox<string>({
    code: g.code + HARNESS,
    entry: "__qdCirclePacking",
    timeoutMs: opts.timeoutMs ?? 10_000,
    memoryMb: opts.memoryMb ?? 128,
    ...(opts.host ? { host: opts.host } : {}),
  });
  const logs = r.logs ? { logs: r.logs } : {};
  if (!r.ok) return { ok: false, error: `${r.error.kind}: ${r.error.message}`, ms: r.ms, ...logs };
  let value: unknown;
  try {
    value = JSON.parse(typeof r.value === "string" ? r.value : "null", (_k, v) => (v === "NaN" ? NaN : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v));
  } catch {
    return { ok: false, error: "invalid-output: pack() result is not serialisable", ms: r.ms, ...logs };
  }
  const check = validatePacking(value, opts.circles ?? CIRCLE_COUNT);
  if (!check.ok) return { ok: false, error: `invalid packing: ${check.reason}`, ms: r.ms, ...logs };
  return {
    ok: true,
    fitness: check.sumRadii,
    metrics: { sumRadii: check.sumRadii, codeLength: g.code.length, runMs: r.ms, minGap: check.minGap },
    ms: r.ms,
    ...logs,
  };
}

export function createCirclePackingEvaluator(opts: CirclePackingEvaluatorOptions = {}): Evaluator {
  return {
    evaluate: (candidates: Candidate[]) => mapLimit(candidates, opts.concurrency ?? 2, (c) => evaluateCirclePacking(c.genome, opts)),
    close: async () => undefined,
  };
}

export const circlePackingTask: CodeTask<CirclePackingEvaluatorOptions> = {
  name: CIRCLE_PACKING_INFO.name,
  title: CIRCLE_PACKING_INFO.title,
  language: "javascript",
  entry: "pack",
  description: CIRCLE_PACKING_DESCRIPTION,
  objective: "sum of the radii of the 26 circles",
  seed: CIRCLE_PACKING_SEED,
  metrics: CIRCLE_PACKING_INFO.metrics,
  reference: CIRCLE_PACKING_INFO.reference,
  createEvaluator: createCirclePackingEvaluator,
  promptTask: (descriptors?: DescriptorInfo[]): PromptTask => ({
    kind: "code",
    language: "javascript",
    entry: "pack",
    description: CIRCLE_PACKING_DESCRIPTION,
    objective: "sum of the radii of the 26 circles",
    ...(descriptors ? { descriptors } : {}),
  }),
};
