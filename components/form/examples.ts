/**
 * The example code and values the new-experiment form starts with, so that
 * every domain runs as it is: plain data, no React.
 */
import type { DescriptorRow } from "./DescriptorRows";

/** JSON genomes: the form starts with a mutation and seeds that fit EXAMPLE_JS (arrays of numbers, here of any length). */
export const EXAMPLE_MUTATE = `// Makes one child from a parent genome (any JSON value) and returns it.
// rng: random(), int(n), uniform(a, b), normal(mean, sd), pick(array), shuffle(array);
// Math.random is seeded too, so a run is reproducible. Runs in the sandbox.
function mutate(parent, rng) {
  const child = parent.slice();
  const r = rng.random();
  if (r < 0.15 && child.length < 12) child.push(rng.normal(0, 0.5));
  else if (r < 0.3 && child.length > 1) child.splice(rng.int(child.length), 1);
  else {
    const i = rng.int(child.length);
    child[i] = Math.max(-1, Math.min(1, child[i] + rng.normal(0, 0.2)));
  }
  return child;
}
`;
export const EXAMPLE_JSON_SEEDS = "[[0, 0, 0, 0], [0.5, -0.5, 0.5, -0.5]]";

/** llm-text: a small poem run whose two descriptors the judge reads from their rubrics. */
export const TEXT_EXAMPLE = {
  description: "A two-line poem about the sea.",
  seeds: ["The sea is grey and the gulls are quiet.", "Waves laugh in the morning sun."],
  rows: [
    { name: "tone", min: "0", max: "1", bins: "5", metric: "", rubric: "0 = melancholic … 1 = joyful" },
    { name: "imagery", min: "0", max: "1", bins: "5", metric: "", rubric: "0 = abstract ideas … 1 = vivid, concrete images" },
  ],
};

/** A small working evaluator: the form starts with it, so a JavaScript run works out of the box. */
export const EXAMPLE_JS = `// Scores one candidate. \`genome\` is an array of numbers within the bounds.
// Return { fitness, descriptors?, metrics? }; higher fitness is better.
// Each descriptor row reads descriptors[i], or a named metric.
// console.log output is kept as the candidate's logs.
function evaluate(genome) {
  const n = genome.length;
  const mean = genome.reduce((s, x) => s + x, 0) / n;
  const spread = Math.max(...genome) - Math.min(...genome);
  // Distance to a wavy target: sin(0), sin(1), ...
  let error = 0;
  for (let i = 0; i < n; i++) error += (genome[i] - Math.sin(i)) ** 2;
  return { fitness: -error, descriptors: [mean], metrics: { spread, error } };
}
`;

/** Genome and descriptor defaults that fit the sphere evaluator in examples/python/eval_sphere.py. */
const SPHERE_EXAMPLE = {
  dim: "4",
  lo: "-5.12",
  hi: "5.12",
  rows: [
    { name: "first half", min: "-10.24", max: "10.24", bins: "20", metric: "" },
    { name: "second half", min: "-10.24", max: "10.24", bins: "20", metric: "" },
  ],
};

/** Starting genome, bounds and descriptor rows of the evaluated-elsewhere domains. */
export const USER_DEFAULTS: Record<"command" | "webhook" | "javascript" | "external", { dim: string; lo: string; hi: string; rows: Omit<DescriptorRow, "key">[] }> = {
  external: {
    dim: "10",
    lo: "-1",
    hi: "1",
    rows: [0, 1].map((i) => ({ name: `m${i}`, min: "-1", max: "1", bins: "50", metric: "" })),
  },
  // examples/python/eval_sphere.py: descriptors are the sums of each half of the genome.
  command: SPHERE_EXAMPLE,
  webhook: SPHERE_EXAMPLE,
  // EXAMPLE_JS: the mean from descriptors[0], the spread from its metrics.
  javascript: {
    dim: "6",
    lo: "-1",
    hi: "1",
    rows: [
      { name: "mean", min: "-1", max: "1", bins: "20", metric: "" },
      { name: "spread", min: "0", max: "2", bins: "20", metric: "spread" },
    ],
  },
};

