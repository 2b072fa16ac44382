/**
 * Evolving prompts on the deterministic stand-in task (tests/helpers/standin-model.ts), simulated in
 * process like bench/model-bandit.ts: the product's prompt builder, meta-prompt, reply parser and prompt
 * bandit (lib/llm/prompt-evolution.ts), the stand-in model answering both, the task's evaluator, and a
 * 10×10 grid archive. The stand-in's improving-edit rate rises by `carefulBonus` under a rewritten
 * system message, so the scenarios are: rewrites help (+0.3), do nothing (0), hurt (−0.1).
 * Fixed prompt vs evolving prompts, same number of evaluations; rewrite calls are extra calls (counted).
 *
 * Prints one JSON object. `npx tsx bench/prompt-evolution.ts [--seeds 10] [--evaluations 300]`
 */
import { Rng } from "@/lib/qd/rng";
import { buildMutationPrompt, systemMessage, type PromptTask } from "@/lib/llm/prompts";
import { buildMetaPrompt, chooseVariants, parseVariantReply, PromptEvolutionConfig, variantToMutate, type ChildOutcome, type VariantStats } from "@/lib/llm/prompt-evolution";
import { standinFitness, standinScript, standinTask } from "@/tests/helpers/standin-model";
import type { RecordedRequest } from "@/tests/helpers/openai-mock";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SEEDS = arg("seeds", 10);
const EVALUATIONS = arg("evaluations", 300);
const BATCH = 4;
const CONFIG = PromptEvolutionConfig.parse({ evolve: true });
const task: PromptTask = { kind: "code", language: "javascript", description: standinTask.description, objective: standinTask.objective, descriptors: standinTask.descriptors.map((d) => ({ name: d.name, min: d.min, max: d.max })) };

const cellOf = (d: number[]) => standinTask.descriptors.reduce((idx, row, i) => idx * row.bins + Math.min(row.bins - 1, Math.max(0, Math.floor(((d[i]! - row.min) / (row.max - row.min)) * row.bins))), 0);

function run(seed: number, carefulBonus: number, evolve: boolean) {
  const script = standinScript({ m: { improveRate: 0.3, carefulBonus } }, { seed });
  const rng = new Rng(seed);
  const archive = new Map<number, { fitness: number; genome: string }>();
  const insert = (genome: string) => {
    const r = standinFitness(genome);
    if (!r) return { accepted: false, gain: 0, fitness: null };
    const cell = cellOf(r.descriptors);
    const old = archive.get(cell);
    if (old && old.fitness >= r.fitness) return { accepted: false, gain: 0, fitness: r.fitness };
    archive.set(cell, { fitness: r.fitness, genome });
    return { accepted: true, gain: r.fitness - (old?.fitness ?? 0), fitness: r.fitness };
  };
  for (const s of standinTask.seeds) insert(s);
  const variants: VariantStats[] = [{ variant: 0, parentVariant: null, text: systemMessage(task), pulls: 0, gain: 0, improvements: 0 }];
  const outcomes = new Map<number, ChildOutcome[]>([[0, []]]);
  let calls = 0;
  let metaCalls = 0;
  let evaluations = standinTask.seeds.length;
  while (evaluations < EVALUATIONS) {
    if (evolve && rng.random() < CONFIG.mutationRate && variants.length < CONFIG.maxVariants) {
      const parent = variantToMutate(variants, CONFIG.minChildren);
      if (parent) {
        const meta = buildMetaPrompt({ variant: parent, task: task.description, objective: task.objective, outcomes: outcomes.get(parent.variant)!.slice(-8).reverse() });
        const reply = script({ body: { model: "m", messages: [{ role: "system", content: meta.system }, { role: "user", content: meta.user }] } } as unknown as RecordedRequest, calls++);
        metaCalls++;
        const parsed = parseVariantReply(reply.type === "content" ? reply.content : "");
        if (parsed.ok) {
          variants.push({ variant: variants.length, parentVariant: parent.variant, text: parsed.text, pulls: 0, gain: 0, improvements: 0 });
          outcomes.set(variants.length - 1, []);
        }
      }
    }
    const chosen = evolve ? chooseVariants(variants, BATCH, rng, CONFIG.exploration) : Array(BATCH).fill(0);
    const elites = [...archive.values()];
    const best = elites.reduce((b, e) => (e.fitness > b.fitness ? e : b), elites[0]!);
    for (const v of chosen) {
      if (evaluations >= EVALUATIONS) break;
      const parent = elites[rng.int(elites.length)]!;
      const prompt = buildMutationPrompt({ task: { ...task, systemMessage: variants[v]!.text }, parent: { genome: parent.genome, fitness: parent.fitness }, inspirations: parent === best ? [] : [{ genome: best.genome, fitness: best.fitness }], mode: "full" });
      const reply = script({ body: { model: "m", messages: prompt.messages } } as unknown as RecordedRequest, calls++);
      const program = /```[^\n]*\n([\s\S]*?)```/.exec(reply.type === "content" ? reply.content : "")?.[1] ?? "";
      const r = insert(program);
      evaluations++;
      const s = variants[v]!;
      s.pulls++;
      s.gain += r.gain;
      if (r.accepted) s.improvements++;
      outcomes.get(v)!.push({ status: r.fitness === null ? "failed" : "evaluated", fitness: r.fitness, elite: r.accepted });
    }
  }
  const qdScore = [...archive.values()].reduce((t, e) => t + e.fitness, 0);
  const rewrittenShare = variants.slice(1).reduce((t, v) => t + v.pulls, 0) / Math.max(1, variants.reduce((t, v) => t + v.pulls, 0));
  return { qdScore, best: Math.max(...[...archive.values()].map((e) => e.fitness)), cells: archive.size, variants: variants.length, metaCalls, rewrittenShare };
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const std = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const r2 = (x: number) => Math.round(x * 100) / 100;
const out: Record<string, unknown> = { seeds: SEEDS, evaluations: EVALUATIONS, batch: BATCH, config: CONFIG, scenarios: {} };
for (const bonus of [0.3, 0, -0.1]) {
  const side = (evolve: boolean) => {
    const rs = Array.from({ length: SEEDS }, (_, s) => run(s + 1, bonus, evolve));
    return { qdScore: r2(mean(rs.map((r) => r.qdScore))), qdScoreStd: r2(std(rs.map((r) => r.qdScore))), best: r2(mean(rs.map((r) => r.best))), cells: r2(mean(rs.map((r) => r.cells))), variants: r2(mean(rs.map((r) => r.variants))), metaCalls: r2(mean(rs.map((r) => r.metaCalls))), rewrittenShare: r2(mean(rs.map((r) => r.rewrittenShare))) };
  };
  const fixed = side(false);
  const evolving = side(true);
  (out.scenarios as Record<string, unknown>)[`carefulBonus ${bonus}`] = { fixedPrompt: fixed, evolvingPrompts: evolving, qdScoreRatio: r2(evolving.qdScore / fixed.qdScore) };
  process.stderr.write(`[bench:prompt-evolution] bonus ${bonus}: fixed ${fixed.qdScore}, evolving ${evolving.qdScore}\n`);
}
console.log(JSON.stringify(out));
