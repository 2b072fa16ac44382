/**
 * Model ensembles and the best-of-N baseline on the deterministic stand-in task (tests/helpers/standin-model.ts).
 *
 * The search loop is simulated in process (no server, no database): the same stand-in model script the
 * integration tests serve over HTTP answers the same mutation prompts (lib/llm/prompts.ts), children are
 * scored by the task's evaluator (standinFitness) into a 10×10 grid archive, and the bandit is the
 * product's (lib/llm/bandit.ts), fed exactly what the commit transaction records per model (pulls,
 * cost, QD-score gain, improvements) and asked once per job of `BATCH` calls, like the workers.
 *
 * 1. Regret: three models with different prices and improvement rates; each policy spends the same
 *    dollar budget; regret = final QD-score of the best single fixed model − the policy's (mean over seeds).
 * 2. Best-of-N vs evolution: one model, the same number of evaluations; final best fitness and QD-score.
 *
 * Prints one JSON object. `npx tsx bench/model-bandit.ts [--seeds 10] [--dollars 2] [--evaluations 300]`
 */
import { Rng } from "@/lib/qd/rng";
import { chooseArms, type ArmStats } from "@/lib/llm/bandit";
import { buildMutationPrompt, type PromptTask } from "@/lib/llm/prompts";
import { standinFitness, standinScript, standinTask, type StandinModelSpec } from "@/tests/helpers/standin-model";
import type { RecordedRequest } from "@/tests/helpers/openai-mock";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SEEDS = arg("seeds", 10);
const DOLLARS = arg("dollars", 2);
const EVALUATIONS = arg("evaluations", 300);
const BATCH = 4;
const log = (s: string) => process.stderr.write(`[bench:model-bandit] ${s}\n`);

type Models = Record<string, StandinModelSpec & { costPerCall: number }>;
/**
 * Three stand-in models (price per call in USD, and behaviour), in two price scenarios: list prices
 * ten times apart (the cheap explorer pays), and close prices (the better improver may pay).
 */
const SCENARIOS: Record<string, Models> = {
  "prices 1:2.5:10": {
    small: { improveRate: 0.15, costPerCall: 0.002 },
    medium: { improveRate: 0.5, costPerCall: 0.005 },
    large: { improveRate: 0.85, costPerCall: 0.02 },
  },
  "prices 1:1.25:2": {
    small: { improveRate: 0.15, repeatShare: 0.3, costPerCall: 0.004 },
    medium: { improveRate: 0.5, costPerCall: 0.005 },
    large: { improveRate: 0.85, costPerCall: 0.008 },
  },
};
let MODELS: Models = SCENARIOS["prices 1:2.5:10"]!;

const task: PromptTask = {
  kind: "code",
  language: "javascript",
  description: standinTask.description,
  objective: standinTask.objective,
  descriptors: standinTask.descriptors.map((d) => ({ name: d.name, min: d.min, max: d.max })),
};

class Archive {
  readonly fitness = new Map<number, { fitness: number; genome: string; descriptors: number[] }>();
  cellOf(d: number[]): number {
    return standinTask.descriptors.reduce((idx, row, i) => {
      const b = Math.min(row.bins - 1, Math.max(0, Math.floor(((d[i]! - row.min) / (row.max - row.min)) * row.bins)));
      return idx * row.bins + b;
    }, 0);
  }
  /** Whether the program won its cell, and the QD-score gain (offset 0; ≥ 0) as the commit records it. */
  insert(genome: string): { accepted: boolean; gain: number } {
    const r = standinFitness(genome);
    if (!r) return { accepted: false, gain: 0 };
    const cell = this.cellOf(r.descriptors);
    const old = this.fitness.get(cell);
    if (old && old.fitness >= r.fitness) return { accepted: false, gain: 0 };
    this.fitness.set(cell, { fitness: r.fitness, genome, descriptors: r.descriptors });
    return { accepted: true, gain: Math.max(0, r.fitness - (old?.fitness ?? 0)) };
  }
  get qdScore() {
    let s = 0;
    for (const e of this.fitness.values()) s += e.fitness;
    return s;
  }
  get best() {
    return Math.max(-Infinity, ...[...this.fitness.values()].map((e) => e.fitness));
  }
  elites() {
    return [...this.fitness.values()];
  }
}

type Policy = { kind: "fixed"; model: string } | { kind: "ucb" | "thompson" } | { kind: "uniform" };

/**
 * One run: seeds first, then jobs of BATCH calls until the dollar or evaluation budget is spent.
 * `bestOfN`: every prompt's parent is a seed, with no inspiration or niche.
 */
function run(policy: Policy, seed: number, budget: { dollars?: number; evaluations?: number }, bestOfN = false, only?: string) {
  const models = only ? { [only]: MODELS[only]! } : MODELS;
  const names = Object.keys(models);
  const script = standinScript(models, { seed });
  const rng = new Rng(seed);
  const archive = new Archive();
  for (const s of standinTask.seeds) archive.insert(s);
  const arms: ArmStats[] = names.map((model) => ({ model, pulls: 0, costUsd: 0, gain: 0, improvements: 0 }));
  let spent = 0;
  let evaluations = standinTask.seeds.length;
  let calls = 0;
  const done = () => (budget.dollars !== undefined && spent >= budget.dollars) || (budget.evaluations !== undefined && evaluations >= budget.evaluations);
  while (!done()) {
    const chosen =
      policy.kind === "ucb" || policy.kind === "thompson"
        ? chooseArms(arms, BATCH, rng, { policy: policy.kind })
        : Array.from({ length: BATCH }, () => (policy.kind === "fixed" ? policy.model : names[rng.int(names.length)]!));
    // The job's prompts are built from the archive as it stood when the job started (like a worker's cache).
    const elites = archive.elites();
    const bestElite = elites.reduce((b, e) => (e.fitness > b.fitness ? e : b), elites[0]!);
    const prompts = chosen.map(() => {
      const parent = bestOfN ? { genome: standinTask.seeds[rng.int(standinTask.seeds.length)]! } : elites[rng.int(elites.length)]!;
      const inspirations = bestOfN || parent === bestElite ? [] : [{ genome: bestElite.genome, fitness: bestElite.fitness }];
      return buildMutationPrompt({ task, parent: { genome: parent.genome, ...("fitness" in parent ? { fitness: parent.fitness } : {}) }, inspirations, mode: "full" });
    });
    for (const [i, model] of chosen.entries()) {
      if (done()) break;
      const req = { body: { model, messages: prompts[i]!.messages } } as unknown as RecordedRequest;
      const reply = script(req, calls++);
      const text = reply.type === "content" ? reply.content : "";
      const program = /```[^\n]*\n([\s\S]*?)```/.exec(text)?.[1] ?? "";
      const { accepted, gain } = archive.insert(program);
      const cost = models[model]!.costPerCall;
      spent += cost;
      evaluations++;
      const a = arms.find((x) => x.model === model)!;
      a.pulls++;
      a.costUsd += cost;
      a.gain += gain;
      if (accepted) a.improvements++;
    }
  }
  return { qdScore: archive.qdScore, best: archive.best, cells: archive.fitness.size, spent, evaluations, share: Object.fromEntries(arms.map((a) => [a.model, a.pulls])) };
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const std = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const r2 = (x: number) => Math.round(x * 100) / 100;
const seeds = Array.from({ length: SEEDS }, (_, i) => 1000 + i);

// ---- 1. regret at an equal dollar budget ----
function regretScenario(name: string) {
MODELS = SCENARIOS[name]!;
const policies: Record<string, Policy> = {
  ...Object.fromEntries(Object.keys(MODELS).map((m) => [`fixed:${m}`, { kind: "fixed", model: m } as Policy])),
  "fixed:uniform-mix": { kind: "uniform" },
  ucb: { kind: "ucb" },
  thompson: { kind: "thompson" },
};
const byPolicy: Record<string, { qdScore: number; best: number; cells: number; evaluations: number; callShare: Record<string, number> }> = {};
const perSeed: Record<string, number[]> = {};
for (const [name, p] of Object.entries(policies)) {
  const rs = seeds.map((s) => run(p, s, { dollars: DOLLARS }));
  perSeed[name] = rs.map((r) => r.qdScore);
  const calls = rs.reduce((t, r) => t + r.evaluations - standinTask.seeds.length, 0);
  const share: Record<string, number> = {};
  for (const r of rs) for (const [m, n] of Object.entries(r.share)) share[m] = (share[m] ?? 0) + n / calls;
  byPolicy[name] = { qdScore: r2(mean(rs.map((r) => r.qdScore))), best: r2(mean(rs.map((r) => r.best))), cells: r2(mean(rs.map((r) => r.cells))), evaluations: r2(mean(rs.map((r) => r.evaluations))), callShare: Object.fromEntries(Object.entries(share).map(([m, v]) => [m, r2(v)])) };
  log(`${name}: QD-score ${byPolicy[name]!.qdScore} (${JSON.stringify(byPolicy[name]!.callShare)})`);
}
const fixedSingles = Object.keys(MODELS).map((m) => `fixed:${m}`);
const bestFixed = fixedSingles.reduce((b, n) => (byPolicy[n]!.qdScore > byPolicy[b]!.qdScore ? n : b));
const regret = (name: string) => {
  const d = perSeed[bestFixed]!.map((q, i) => q - perSeed[name]![i]!);
  return { qdScoreRegret: r2(mean(d)), std: r2(std(d)), relative: Math.round((1000 * mean(d)) / byPolicy[bestFixed]!.qdScore) / 1000 };
};
return { models: MODELS, dollars: DOLLARS, bestFixed, policies: byPolicy, ucb: regret("ucb"), thompson: regret("thompson"), uniformMix: regret("fixed:uniform-mix") };
}
const scenarios = Object.fromEntries(Object.keys(SCENARIOS).map((name) => [name, regretScenario(name)]));
MODELS = SCENARIOS["prices 1:2.5:10"]!;

// ---- 2. best-of-N vs evolution at equal evaluations (one model) ----
const compareModel = "medium";
const evo = seeds.map((s) => run({ kind: "fixed", model: compareModel }, s, { evaluations: EVALUATIONS }, false, compareModel));
const bon = seeds.map((s) => run({ kind: "fixed", model: compareModel }, s, { evaluations: EVALUATIONS }, true, compareModel));
const side = (rs: ReturnType<typeof run>[]) => ({ bestFitness: r2(mean(rs.map((r) => r.best))), bestFitnessStd: r2(std(rs.map((r) => r.best))), qdScore: r2(mean(rs.map((r) => r.qdScore))), qdScoreStd: r2(std(rs.map((r) => r.qdScore))), cells: r2(mean(rs.map((r) => r.cells))), costUsd: r2(mean(rs.map((r) => r.spent))) });

console.log(
  JSON.stringify({
    seeds: SEEDS,
    batch: BATCH,
    regret: scenarios,
    bestOfN: { model: compareModel, evaluations: EVALUATIONS, evolve: side(evo), bestOfN: side(bon), maxFitness: 100 },
  }),
);
