/**
 * Online bin packing (FunSearch): evolve the priority function of a greedy online packer.
 *
 * Program contract (JavaScript, sandboxed):
 *
 *   function priority(item, bins) {
 *     // item: size of the arriving item (integer)
 *     // bins: remaining capacities of the bins the item fits in — the open bins with room for it,
 *     //       in the order they were opened, followed by ONE fresh empty bin (= capacity)
 *     return bins.map((b) => -(b - item));   // one finite score per bin; highest wins (first on ties)
 *   }
 *
 * Items arrive one at a time and go to the bin with the highest score; choosing the fresh bin
 * opens a new one. Instances are generated (seeded), OR-Library "binpack1"-like by default:
 * 120 items with sizes uniform in [20, 100], capacity 150, 5 instances.
 * Fitness = −mean over instances of (bins used / L1 lower bound), L1 = ⌈Σ sizes / capacity⌉,
 * so −1 is optimal and best fit scores about −1.03 to −1.05 here.
 *
 * The packing loop runs inside the sandbox (one call per program), installed before the program
 * and frozen (see HARNESS), and returns the bin chosen for every item; the host replays those
 * choices and checks every one (a choice must be an open bin with room or the next new bin), so a
 * program can neither see the items ahead nor report a better packing than it produced.
 * Metrics: `codeLength`, `runMs`, `meanBins`, `excessPct` = 100 · (mean ratio − 1).
 */
import { mapLimit, type Candidate, type EvalResult, type Evaluator } from "../evaluators/types";
import type { DescriptorInfo, PromptTask } from "../llm/prompts";
import { Rng } from "../qd/rng";
import { runInSandbox } from "../sandbox/index";
import { BIN_PACKING_INFO } from "./catalog";
import { genomeToCode, type CodeTask, type CodeTaskEvaluatorOptions } from "./types";

export interface BinPackingInstance {
  capacity: number;
  items: number[];
}

export interface InstanceOptions {
  /** Number of instances. Default 5. */
  count?: number;
  /** Items per instance. Default 120. */
  items?: number;
  /** Bin capacity. Default 150. */
  capacity?: number;
  /** Item sizes are integers uniform in [minSize, maxSize]. Default 20..100. */
  minSize?: number;
  maxSize?: number;
  seed?: number;
}

/** Seeded OR-Library-like instances (uniform integer sizes). */
export function generateBinPackingInstances(o: InstanceOptions = {}): BinPackingInstance[] {
  const count = o.count ?? 5;
  const n = o.items ?? 120;
  const capacity = o.capacity ?? 150;
  const lo = o.minSize ?? 20;
  const hi = o.maxSize ?? 100;
  if (!(lo >= 1 && hi >= lo && hi <= capacity)) throw new Error(`item sizes must satisfy 1 <= minSize <= maxSize <= capacity`);
  const rng = new Rng(o.seed ?? 0);
  return Array.from({ length: count }, () => ({ capacity, items: Array.from({ length: n }, () => lo + rng.int(hi - lo + 1)) }));
}

/** L1 lower bound ⌈Σ sizes / capacity⌉. */
export function binLowerBound(inst: BinPackingInstance): number {
  return Math.max(1, Math.ceil(inst.items.reduce((a, b) => a + b, 0) / inst.capacity));
}

export const BEST_FIT = `// Best fit: prefer the bin that the item fills most tightly (the fresh bin is always the loosest).
function priority(item, bins) {
  return bins.map((b) => -(b - item));
}
`;

export const FIRST_FIT = `// First fit: prefer the earliest opened bin with room (the fresh bin comes last).
function priority(item, bins) {
  return bins.map((b, i) => -i);
}
`;

export const BIN_PACKING_SEED = BEST_FIT;

export const BIN_PACKING_DESCRIPTION = `Online bin packing: items arrive one at a time and each must immediately go into a bin of capacity C; the goal is to use as few bins as possible.

Write a JavaScript program that defines \`function priority(item, bins)\`:
- \`item\` is the size of the arriving item (an integer);
- \`bins\` is an array with the remaining capacity of every bin the item fits in: the already open bins with enough room, in the order they were opened, followed by one fresh empty bin (remaining capacity C);
- it returns an array of the same length with one finite number per bin; the item goes into the bin with the highest score (the first one on ties), and choosing the fresh bin opens a new bin.
Score: the heuristic packs several generated instances (120 items, sizes uniform in 20..100, C = 150); fitness is minus the average of (bins used / lower bound ceil(total size / C)), so -1.0 is perfect. Best fit scores about -1.04.
The program runs in a sandbox with only ECMAScript built-ins (no imports, I/O or timers) and is called once per item, so keep it fast and deterministic.`;

/**
 * The online packing loop, run in the sandbox BEFORE the program's own statements, on one line (so
 * the program's line numbers stay its own). It installs `__qdBinPacking` as a non-writable,
 * non-configurable global, so the program can neither reassign nor redeclare it (a redeclaration
 * fails the program at load) and so never sees more than the current item and the bins it fits;
 * the loop is strict-mode code (a sloppy `priority.caller` would otherwise reach the instances) and
 * uses the built-ins it captured before the program ran. The host still replays every choice.
 */
const HARNESS_SOURCE = `
Object.defineProperty(globalThis, "__qdBinPacking", { writable: false, configurable: false, enumerable: false, value: (function () {
  "use strict";
  const isFiniteNumber = Number.isFinite, isArray = Array.isArray, toString = String;
  return function __qdBinPacking(instances) {
    "use strict";
    if (typeof priority !== "function") throw new Error("the program does not define function priority(item, bins)");
    const out = new Array(instances.length);
    for (let t = 0; t < instances.length; t++) {
      const cap = instances[t].capacity;
      const items = instances[t].items;
      const rem = new Float64Array(items.length);
      let open = 0;
      const choice = new Array(items.length);
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        const idx = [];
        const caps = [];
        let n = 0;
        for (let b = 0; b < open; b++) if (rem[b] >= item) { idx[n] = b; caps[n] = rem[b]; n++; }
        idx[n] = open; caps[n] = cap; n++;
        const scores = priority(item, caps);
        if (!isArray(scores) || scores.length !== n)
          return { error: "priority(" + item + ", bins) must return an array of " + n + " numbers (one per bin), got " + (scores === null ? "null" : isArray(scores) ? "an array of " + scores.length : typeof scores) };
        let best = -1;
        let bestScore = 0;
        for (let k = 0; k < n; k++) {
          const s = scores[k];
          if (typeof s !== "number" || !isFiniteNumber(s)) return { error: "priority(" + item + ", bins) returned a non-finite score at index " + k + ": " + toString(s) };
          if (best < 0 || s > bestScore) { best = k; bestScore = s; }
        }
        const b = idx[best];
        if (b === open) { rem[open] = cap - item; open++; } else rem[b] -= item;
        choice[i] = b;
      }
      out[t] = choice;
    }
    return { choices: out };
  };
})() });
`;
/** One line: `// comments` are not used above, so joining the lines keeps the code intact. */
const HARNESS = HARNESS_SOURCE.split("\n").map((l) => l.trim()).filter(Boolean).join(" ") + ";";

/** Host-side replay of the chosen bins: validates every choice and counts bins. */
export function replayChoices(inst: BinPackingInstance, choices: unknown): { ok: true; bins: number } | { ok: false; reason: string } {
  if (!Array.isArray(choices) || choices.length !== inst.items.length) return { ok: false, reason: `expected ${inst.items.length} bin choices` };
  const rem: number[] = [];
  for (let i = 0; i < inst.items.length; i++) {
    const item = inst.items[i]!;
    const b = choices[i];
    if (typeof b !== "number" || !Number.isInteger(b) || b < 0 || b > rem.length) return { ok: false, reason: `item ${i}: invalid bin ${String(b)}` };
    if (b === rem.length) rem.push(inst.capacity - item);
    else {
      if (rem[b]! < item) return { ok: false, reason: `item ${i} (size ${item}) does not fit bin ${b} (room ${rem[b]})` };
      rem[b]! -= item;
    }
  }
  return { ok: true, bins: rem.length };
}

export interface BinPackingEvaluatorOptions extends CodeTaskEvaluatorOptions {
  /** Generated instances (default: generateBinPackingInstances()). */
  instances?: BinPackingInstance[];
  /** Or options to generate them. */
  instanceOptions?: InstanceOptions;
}

export async function evaluateBinPacking(genome: unknown, instances: BinPackingInstance[], opts: CodeTaskEvaluatorOptions = {}): Promise<EvalResult> {
  const g = genomeToCode(genome);
  if (!g.ok) return { ok: false, error: g.reason, ms: 0 };
  const r = await runInSandbox<{ choices?: unknown; error?: unknown }>({
    code: HARNESS + g.code,
    entry: "__qdBinPacking",
    args: [instances],
    timeoutMs: opts.timeoutMs ?? 10_000,
    memoryMb: opts.memoryMb ?? 64,
    ...(opts.host ? { host: opts.host } : {}),
  });
  const logs = r.logs ? { logs: r.logs } : {};
  if (!r.ok) return { ok: false, error: `${r.error.kind}: ${r.error.message}`, ms: r.ms, ...logs };
  const v = r.value;
  if (v && typeof v === "object" && typeof v.error === "string") return { ok: false, error: `invalid heuristic: ${v.error}`, ms: r.ms, ...logs };
  const all = v && typeof v === "object" ? v.choices : undefined;
  if (!Array.isArray(all) || all.length !== instances.length) return { ok: false, error: "invalid-output: the packing loop returned no choices", ms: r.ms, ...logs };
  let ratio = 0;
  let bins = 0;
  for (let t = 0; t < instances.length; t++) {
    const rep = replayChoices(instances[t]!, all[t]);
    if (!rep.ok) return { ok: false, error: `invalid packing in instance ${t}: ${rep.reason}`, ms: r.ms, ...logs };
    bins += rep.bins;
    ratio += rep.bins / binLowerBound(instances[t]!);
  }
  const meanRatio = ratio / instances.length;
  return {
    ok: true,
    fitness: -meanRatio,
    metrics: { meanBins: bins / instances.length, excessPct: 100 * (meanRatio - 1), codeLength: g.code.length, runMs: r.ms },
    ms: r.ms,
    ...logs,
  };
}

export function createBinPackingEvaluator(opts: BinPackingEvaluatorOptions = {}): Evaluator {
  const instances = opts.instances ?? generateBinPackingInstances(opts.instanceOptions);
  return {
    evaluate: (candidates: Candidate[]) => mapLimit(candidates, opts.concurrency ?? 2, (c) => evaluateBinPacking(c.genome, instances, opts)),
    close: async () => undefined,
  };
}

export const binPackingTask: CodeTask<BinPackingEvaluatorOptions> = {
  name: BIN_PACKING_INFO.name,
  title: BIN_PACKING_INFO.title,
  language: "javascript",
  entry: "priority",
  description: BIN_PACKING_DESCRIPTION,
  objective: "minus the average ratio of bins used to the lower bound (−1 is optimal)",
  seed: BIN_PACKING_SEED,
  metrics: BIN_PACKING_INFO.metrics,
  createEvaluator: createBinPackingEvaluator,
  promptTask: (descriptors?: DescriptorInfo[]): PromptTask => ({
    kind: "code",
    language: "javascript",
    entry: "priority",
    description: BIN_PACKING_DESCRIPTION,
    objective: "minus the average ratio of bins used to the lower bound (−1 is optimal)",
    ...(descriptors ? { descriptors } : {}),
  }),
};
