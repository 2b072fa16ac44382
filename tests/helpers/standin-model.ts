/**
 * A deterministic stand-in for an LLM that evolves programs, for tests and benches of the
 * LLM search (duplicate rejection, model bandits, parent selection, best-of-N baselines).
 *
 * The task: a program holds `const PARAMS = [p0, p1, p2, p3]`. Fitness rises as PARAMS approach a
 * hidden target; the descriptors are p0 and p1, so every cell's best program has p2, p3 on target.
 * The model reads the parent program from the prompt and answers a child:
 * - with probability `improveRate` an *improving* edit: p2 or p3 moves halfway to its target
 *   (a known fitness gain), and p0, p1 take a small step (neighbouring cells);
 * - otherwise an *exploring* edit: every parameter takes a larger random step (may lose fitness);
 * - with probability `repeatShare` (checked first) it repeats a program it answered before, with
 *   cosmetic changes (blank lines, trailing spaces, a different comment) when `cosmeticRepeats`.
 *
 *   const script = standinScript({ "model-a": { improveRate: 0.6, repeatShare: 0.2 } }, { seed: 1 });
 *   const mock = await startOpenAIMock(script);
 *   // experiment: domain { type: "javascript", code: standinTask.evaluatorCode, seeds: standinTask.seeds,
 *   //   description: standinTask.description }, emitter { type: "llm", baseURL: mock.baseURL, model: "model-a" },
 *   //   descriptors: standinTask.descriptors
 *   script.stats["model-a"]  // { calls, repeats, improving, exploring }
 *
 * Evolving prompts: asked to rewrite a system message (the meta-prompt), it answers the old message
 * plus one "Take careful, small steps." line; a call whose system message holds that line makes an
 * improving edit with probability improveRate + carefulBonus (so rewritten prompts measurably pay).
 */
import type { MockReply, RecordedRequest } from "./openai-mock";

export interface StandinModelSpec {
  /** Probability that a fresh (non-repeated) answer is an improving edit. */
  improveRate: number;
  /** Probability that an answer repeats an earlier one. */
  repeatShare?: number;
  /** Repeats differ cosmetically (whitespace, comments) instead of byte for byte. */
  cosmeticRepeats?: boolean;
  /** Added to improveRate when the system message asks for careful steps (a rewritten prompt). */
  carefulBonus?: number;
}

export interface StandinStats {
  calls: number;
  repeats: number;
  improving: number;
  exploring: number;
  /** Meta-prompt calls answered with a rewritten system message. */
  rewrites: number;
}

export type StandinScript = ((req: RecordedRequest, index: number) => MockReply) & {
  stats: Record<string, StandinStats>;
  /** Every program answered, in order (repeats included). */
  answers: { model: string; program: string; repeat: boolean }[];
};

const TARGET = [0.35, -0.2, 0.6, -0.45];
const CAREFUL = "Take careful, small steps.";

/**
 * The evaluator, written once as source: it is sent as the `javascript` domain's code and also
 * compiled here (standinFitness), so the two can never disagree.
 */
const EVALUATOR_SOURCE = `export function evaluate(genome) {
  const target = ${JSON.stringify(TARGET)};
  const m = /PARAMS\\s*=\\s*\\[([^\\]]*)\\]/.exec(String(genome));
  if (!m) throw new Error("the program has no \\\`const PARAMS = [...]\\\`");
  const p = m[1].split(",").map((s) => Number(s.trim()));
  if (p.length !== 4 || p.some((x) => !Number.isFinite(x))) throw new Error("PARAMS must hold 4 finite numbers");
  const c = p.map((x) => Math.max(-1, Math.min(1, x)));
  let sq = 0;
  for (let i = 0; i < 4; i++) sq += (c[i] - target[i]) ** 2;
  return { fitness: 100 - 25 * sq, descriptors: [c[0], c[1]] };
}`;

const evaluate = new Function(`${EVALUATOR_SOURCE.replace(/^export /, "")}\nreturn evaluate;`)() as (genome: unknown) => { fitness: number; descriptors: number[] };

export const standinTask = {
  description:
    "A JavaScript program that defines `const PARAMS = [p0, p1, p2, p3]` (numbers in [-1, 1]). The evaluator scores how close PARAMS is to a hidden target; p0 and p1 are the descriptors.",
  objective: "closeness of PARAMS to the hidden target, at most 100 (higher is better)",
  seeds: [program([0, 0, 0, 0], "first seed"), program([-0.5, 0.5, -0.5, 0.5], "second seed")],
  evaluatorCode: EVALUATOR_SOURCE,
  descriptors: [
    { name: "p0", min: -1, max: 1, bins: 10 },
    { name: "p1", min: -1, max: 1, bins: 10 },
  ],
};

/** Fitness and descriptors of a program, as the task's evaluator computes them (null when it fails). */
export function standinFitness(text: string): { fitness: number; descriptors: number[] } | null {
  try {
    return evaluate(text);
  } catch {
    return null;
  }
}

function program(params: number[], comment: string): string {
  return `// ${comment}\nconst PARAMS = [${params.map((x) => x.toFixed(3)).join(", ")}];\n`;
}

/** mulberry32 over a seed mixed from the script seed and the request index: the same answers for the same requests. */
function rngFor(seed: number, index: number) {
  let t = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** The parent program(s): fenced blocks holding PARAMS, first the one under "# Parent". */
function parentsOf(prompt: string): number[][] {
  const blocks = [...prompt.matchAll(/```[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const parsed = blocks.map((b) => /PARAMS\s*=\s*\[([^\]]*)\]/.exec(b)?.[1]?.split(",").map((s) => Number(s.trim())));
  return parsed.filter((p): p is number[] => !!p && p.length === 4 && p.every(Number.isFinite));
}

function cosmetic(text: string, r: () => number): string {
  const lines = text.split("\n");
  const variant = Math.floor(r() * 3);
  if (variant === 0) return lines.map((l) => (l.trim() ? `${l}  ` : l)).join("\n") + "\n\n";
  if (variant === 1) return `// revised\n${text}`;
  return lines.join("\n\n");
}

export function standinScript(models: Record<string, StandinModelSpec>, opts: { seed?: number } = {}): StandinScript {
  const seed = opts.seed ?? 1;
  const names = Object.keys(models);
  if (names.length === 0) throw new Error("standinScript needs at least one model");
  const stats: Record<string, StandinStats> = Object.fromEntries(names.map((n) => [n, { calls: 0, repeats: 0, improving: 0, exploring: 0, rewrites: 0 }]));
  const answers: StandinScript["answers"] = [];

  const script = ((req: RecordedRequest, index: number): MockReply => {
    const model = typeof req.body?.model === "string" && models[req.body.model] ? req.body.model : names[0]!;
    const spec = models[model]!;
    const s = stats[model]!;
    s.calls++;
    const r = rngFor(seed, index);
    const prompt = (req.body?.messages ?? []).map((m: { content?: unknown }) => String(m.content ?? "")).join("\n");
    const system = String((req.body?.messages ?? []).find((m: { role?: string }) => m.role === "system")?.content ?? "");
    const meta = /# Current system message \(variant \d+\)\n```text\n([\s\S]*?)\n```/.exec(prompt);
    if (meta) {
      s.rewrites++;
      return { type: "content", model, content: `Here is the new system message.\n\n\`\`\`text\n${meta[1]!.trim()}\n${CAREFUL} (rewrite ${s.rewrites})\n\`\`\`\n` };
    }

    if (answers.length > 0 && r() < (spec.repeatShare ?? 0)) {
      const earlier = answers[Math.floor(r() * answers.length)]!.program;
      const text = spec.cosmeticRepeats ? cosmetic(earlier, r) : earlier;
      s.repeats++;
      answers.push({ model, program: text, repeat: true });
      return { type: "content", model, content: `Here is the program.\n\n\`\`\`javascript\n${text.replace(/\n+$/, "")}\n\`\`\`\n` };
    }

    const parents = parentsOf(prompt);
    const parent = [...(parents[0] ?? [0, 0, 0, 0])];
    // Crossover prompts show two parents: take the descriptor half of the second one.
    if (parents.length > 1 && /combine|crossover/i.test(prompt)) [parent[0], parent[1]] = [parents[1]![0]!, parents[1]![1]!];
    const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    const clip = (x: number) => Math.max(-1, Math.min(1, x));
    let child: number[];
    if (r() < spec.improveRate + (system.includes(CAREFUL) ? (spec.carefulBonus ?? 0) : 0)) {
      s.improving++;
      const i = r() < 0.5 ? 2 : 3;
      child = parent.map((x, j) => (j === i ? x + (TARGET[i]! - x) / 2 : j < 2 ? clip(x + 0.1 * gauss()) : x));
    } else {
      s.exploring++;
      child = parent.map((x) => clip(x + 0.3 * gauss()));
    }
    const text = program(child, `${model}, answer ${index}`);
    answers.push({ model, program: text, repeat: false });
    return { type: "content", model, content: `Here is an improved program.\n\n\`\`\`javascript\n${text.replace(/\n+$/, "")}\n\`\`\`\n` };
  }) as StandinScript;
  script.stats = stats;
  script.answers = answers;
  return script;
}
