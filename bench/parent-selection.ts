/**
 * Parent-selection policies (and crossover) compared on the stand-in task (tests/helpers/standin-model.ts):
 * the worker's loop in one process — the real sampler (lib/llm/parent-selection.ts), the real prompt
 * (lib/llm/prompts.ts, with target niche and, for crossover, both parents), the stand-in model's answer
 * to that prompt, the task's evaluator, and a 10 × 10 grid keeping the best per cell — without HTTP,
 * queues or the database (those add time, not different choices).
 *
 *   npx tsx bench/parent-selection.ts [evaluations=400] [seeds=20]
 *
 * Prints one JSON line: per policy and crossover rate, the mean ± sd over seeds of the final max
 * fitness, QD-score (offset −300: every elite counts positive), coverage, and the evaluations until the
 * best fitness first reached 99. One child at a time (a real run picks a few per job from a
 * slightly older archive). Also: milliseconds to build a sampler and draw a job's 4 parents at
 * 10,000 elites, per policy (the worker does this once per job).
 */
import { ParentSampler, ParentSelectionConfig, type ParentSelectionInput } from "@/lib/llm/parent-selection";
import { buildMutationPrompt, type PromptTask } from "@/lib/llm/prompts";
import { chooseTargetNiche } from "@/lib/llm/niche";
import { Rng } from "@/lib/qd/rng";
import { standinFitness, standinScript, standinTask } from "@/tests/helpers/standin-model";
import type { RecordedRequest } from "@/tests/helpers/openai-mock";

const EVALUATIONS = Number(process.argv[2] ?? 400);
const SEEDS = Number(process.argv[3] ?? 20);
const OFFSET = -300;
const MODEL = { improveRate: 0.5 };

const POLICIES: ParentSelectionInput[] = [
  { policy: "uniform" },
  { policy: "fitness" },
  { policy: "power-law", exponent: 1 },
  { policy: "power-law", exponent: 3 },
  { policy: "dgm" },
  { policy: "novelty", k: 3 },
  { policy: "mix", exploitShare: 0.5, exponent: 2 },
];
const CROSSOVER = [0, 0.3];

const rows = standinTask.descriptors;
const task: PromptTask = { kind: "code", language: "javascript", sandboxed: false, description: standinTask.description, objective: standinTask.objective, descriptors: rows.map(({ name, min, max }) => ({ name, min, max })) };
const cellOf = (d: number[]) => rows.reduce((idx, r, i) => idx * r.bins + Math.min(r.bins - 1, Math.max(0, Math.floor(((d[i]! - r.min) / (r.max - r.min)) * r.bins))), 0);

interface Elite {
  id: number;
  program: string;
  fitness: number;
  descriptors: number[];
}

function runOnce(policy: ParentSelectionInput, crossoverRate: number, seed: number) {
  const config = ParentSelectionConfig.parse(policy);
  const script = standinScript({ model: MODEL }, { seed: seed + 1 });
  const rng = new Rng(seed);
  const grid = new Map<number, Elite>();
  const children = new Map<number, number>();
  let nextId = 0;
  let best = -Infinity;
  let reached99: number | null = null;
  const insert = (program: string, evaluation: number) => {
    const r = standinFitness(program);
    if (!r) return;
    const cell = cellOf(r.descriptors);
    const cur = grid.get(cell);
    if (!cur || r.fitness > cur.fitness) grid.set(cell, { id: nextId++, program, fitness: r.fitness, descriptors: r.descriptors });
    best = Math.max(best, r.fitness);
    if (reached99 === null && best >= 99) reached99 = evaluation;
  };
  standinTask.seeds.forEach((s, i) => insert(s, i + 1));
  for (let e = standinTask.seeds.length; e < EVALUATIONS; e++) {
    const elites = [...grid.values()];
    const sampler = new ParentSampler(config, {
      fitness: elites.map((x) => x.fitness),
      descriptors: elites.flatMap((x) => x.descriptors),
      dim: rows.length,
      lower: rows.map((r) => r.min),
      upper: rows.map((r) => r.max),
      children: elites.map((x) => children.get(x.id) ?? 0),
    });
    const a = sampler.pick(rng)!;
    const b = crossoverRate > 0 && elites.length > 1 && rng.random() < crossoverRate ? sampler.pick(rng, a.index) : null;
    const parent = elites[a.index]!;
    const mate = b ? elites[b.index]! : null;
    for (const p of [parent, mate]) if (p) children.set(p.id, (children.get(p.id) ?? 0) + 1);
    const near = mate ? parent.descriptors.map((v, j) => (v + mate.descriptors[j]!) / 2) : parent.descriptors;
    const niche = chooseTargetNiche({ descriptors: rows, eliteFitness: (c) => grid.get(c)?.fitness, parent: near, seed: rng.nextInt32() >>> 0 });
    const toPrompt = (x: Elite) => ({ genome: x.program, fitness: x.fitness, descriptors: x.descriptors });
    const prompt = buildMutationPrompt({ task, parent: toPrompt(parent), mate: mate ? toPrompt(mate) : null, targetNiche: niche, mode: "full" });
    const answer = script({ body: { model: "model", messages: prompt.messages } } as unknown as RecordedRequest, e);
    const code = answer.type === "content" ? /```javascript\n([\s\S]*?)```/.exec(answer.content)?.[1] : undefined;
    if (code) insert(code, e + 1);
  }
  const elites = [...grid.values()];
  const cells = rows.reduce((n, r) => n * r.bins, 1);
  return {
    maxFitness: best,
    qdScore: elites.reduce((s, x) => s + x.fitness - OFFSET, 0),
    coverage: elites.length / cells,
    evalsTo99: reached99,
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));
const summary = (xs: number[], digits: number) => ({ mean: Number(mean(xs).toFixed(digits)), sd: Number(sd(xs).toFixed(digits)) });

const t0 = performance.now();
const results = [];
for (const policy of POLICIES) {
  for (const crossoverRate of CROSSOVER) {
    const runs = Array.from({ length: SEEDS }, (_, s) => runOnce(policy, crossoverRate, 1000 + s));
    const hit = runs.filter((r) => r.evalsTo99 !== null).map((r) => r.evalsTo99!);
    const r = {
      policy: ParentSelectionConfig.parse(policy),
      crossoverRate,
      maxFitness: summary(runs.map((x) => x.maxFitness), 3),
      qdScore: summary(runs.map((x) => x.qdScore), 0),
      coverage: summary(runs.map((x) => x.coverage), 3),
      reached99: `${hit.length}/${SEEDS}`,
      evalsTo99: hit.length ? summary(hit, 0) : null,
    };
    process.stderr.write(`${JSON.stringify(r)}\n`);
    results.push(r);
  }
}
// Cost of choosing a job's parents at 10,000 elites: build the sampler (weights) and draw 4 parents.
const N = 10_000;
const big = new Rng(5);
const pool = {
  fitness: Float64Array.from({ length: N }, () => big.random() * 100),
  descriptors: Float64Array.from({ length: N * 2 }, () => big.random()),
  dim: 2,
  children: Float64Array.from({ length: N }, () => big.int(5)),
};
const samplerMs: Record<string, number> = {};
for (const policy of POLICIES) {
  const config = ParentSelectionConfig.parse(policy);
  const reps = config.policy === "novelty" ? 3 : 30;
  const t = performance.now();
  for (let r = 0; r < reps; r++) {
    const sm = new ParentSampler(config, pool);
    for (let k = 0; k < 4; k++) sm.addChild(sm.pick(big)!.index);
  }
  samplerMs[`${config.policy}${"exponent" in config ? `(${config.exponent})` : ""}`] = Number(((performance.now() - t) / reps).toFixed(2));
}

console.log(JSON.stringify({ bench: "parent-selection", samplerMsPerJobAt10kElites: samplerMs, task: "stand-in (PARAMS toward a hidden target; 10×10 grid over p0, p1)", model: MODEL, evaluations: EVALUATIONS, seeds: SEEDS, qdScoreOffset: OFFSET, ms: Math.round(performance.now() - t0), results }));
