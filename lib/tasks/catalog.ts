/**
 * What the experiment form and the config schema need to know about the shipped `llm-code`
 * tasks, without their evaluators (browser-safe: no sandbox, no Node APIs).
 */
export interface TaskMetric {
  name: string;
  description: string;
  range?: [number, number];
}

export interface TaskInfo {
  name: string;
  title: string;
  entry: string;
  objective: string;
  /** Keys of the evaluator's `metrics`, usable as descriptors. */
  metrics: TaskMetric[];
  /** Descriptor rows used when the experiment gives none. */
  defaultDescriptors: { name: string; metric: string; min: number; max: number; bins: number }[];
  reference?: { fitness: number; source: string };
  /** Subtracted from each elite's fitness in the QD score: below any valid program's fitness. */
  qdScoreOffset: number;
}

const codeLength: TaskMetric = { name: "codeLength", description: "program length in characters", range: [0, 10_000] };

export const CIRCLE_PACKING_INFO: TaskInfo = {
  name: "circle-packing",
  title: "Circle packing (26 circles in the unit square)",
  entry: "pack",
  objective: "sum of the radii of the 26 circles",
  metrics: [
    codeLength,
    { name: "runMs", description: "sandbox run time of pack() in ms", range: [0, 10_000] },
    { name: "minGap", description: "smallest slack between two circles or a circle and a wall", range: [0, 0.05] },
    { name: "sumRadii", description: "sum of radii (= fitness)", range: [0, 2.7] },
  ],
  // Short/long programs × loose/tight packings: both are deterministic for a given program.
  defaultDescriptors: [
    { name: "code length", metric: "codeLength", min: 0, max: 4000, bins: 8 },
    { name: "min gap", metric: "minGap", min: 0, max: 0.01, bins: 8 },
  ],
  reference: { fitness: 2.635, source: "AlphaEvolve (2025); OpenEvolve reports 2.634" },
  qdScoreOffset: 0,
};

export const BIN_PACKING_INFO: TaskInfo = {
  name: "bin-packing",
  title: "Online bin packing heuristic (FunSearch)",
  entry: "priority",
  objective: "minus the average ratio of bins used to the lower bound (−1 is optimal)",
  metrics: [
    codeLength,
    { name: "runMs", description: "sandbox run time for all instances in ms", range: [0, 10_000] },
    { name: "excessPct", description: "bins above the lower bound, in percent", range: [0, 20] },
    { name: "meanBins", description: "bins used per instance" },
  ],
  defaultDescriptors: [
    { name: "code length", metric: "codeLength", min: 0, max: 4000, bins: 8 },
    { name: "run time (ms)", metric: "runMs", min: 0, max: 500, bins: 8 },
  ],
  // Fitness is −bins/lower bound ∈ (−2, −1] for any sane heuristic.
  qdScoreOffset: -2,
};

export const TASK_CATALOG: Readonly<Record<string, TaskInfo>> = Object.freeze({
  [CIRCLE_PACKING_INFO.name]: CIRCLE_PACKING_INFO,
  [BIN_PACKING_INFO.name]: BIN_PACKING_INFO,
});

export const TASK_NAMES = Object.keys(TASK_CATALOG) as [string, ...string[]];
