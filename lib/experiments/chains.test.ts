import { describe, expect, it } from "vitest";
import { getDomain, GridArchive, Rng } from "@/lib/qd";
import { GradientArborescenceEmitter } from "@/lib/qd/emitters/gradient-arborescence";
import { chainLearning, cmaEmitter, decodeState, encodeState } from "./cma";
import { ExperimentSpec, emitterChains, jobPlan, stepEvaluations, type ArborescenceEmitterConfig } from "./config";

const sphere = getDomain({ type: "sphere", dim: 12 });
const archiveOf = () => new GridArchive({ solutionDim: 12, dims: [20, 20], ranges: sphere.descriptors.map((d) => [d.min, d.max] as [number, number]) });

/** `steps` CMA-MEGA iterations of one emitter over `archive`, as a worker's job runs them. */
function run(emitter: ReturnType<typeof cmaEmitter>, archive: GridArchive, steps: number, batchSize: number) {
  const md = 2;
  const x = new Float64Array(batchSize * 12);
  const f = new Float64Array(batchSize);
  const m = new Float64Array(batchSize * md);
  const j = new Float64Array((1 + md) * 12);
  const status = new Uint8Array(batchSize);
  const value = new Float64Array(batchSize);
  for (let s = 0; s < steps; s++) {
    emitter.askDqd!(x);
    sphere.evaluateWithGradients!(x, 1, f, m, j);
    archive.add(x, f, m, 1, { status, value });
    emitter.tellDqd!({ solutions: x, objectives: f, measures: m, status, value, n: 1 }, j);
    emitter.ask(x);
    sphere.evaluateBatch(x, batchSize, f, m);
    archive.add(x, f, m, batchSize, { status, value });
    emitter.tell({ solutions: x, objectives: f, measures: m, status, value, n: batchSize });
  }
}

describe("CMA-MEGA chains", () => {
  const e = ExperimentSpec.parse({ name: "m", domain: { type: "sphere", dim: 12 }, emitter: { type: "gradient-arborescence", count: 3, restartRule: 4, gradOpt: "adam", lr: 0.5 }, batchSize: 8, budget: { evaluations: 10_000 } }).emitter as ArborescenceEmitterConfig;

  it("a chain stopped after any job and resumed from its stored state (JSON) continues exactly as one uninterrupted emitter", () => {
    const straight = archiveOf();
    const a = cmaEmitter(straight, sphere, e, 8, 11, 2);
    run(a, straight, 12, 8);

    const split = archiveOf();
    let state: unknown = undefined;
    for (const steps of [3, 5, 4]) {
      const b = cmaEmitter(split, sphere, e, 8, 11, 2, state === undefined ? undefined : JSON.parse(JSON.stringify(state)));
      run(b, split, steps, 8);
      state = encodeState(b.getState());
    }
    expect(a).toBeInstanceOf(GradientArborescenceEmitter);
    expect(a.restarts).toBeGreaterThan(0); // restarts (θ jumps to an elite) are part of the state
    expect(decodeState(JSON.parse(JSON.stringify(state)))).toEqual(a.getState());
    expect(Array.from(split.objective)).toEqual(Array.from(straight.objective));
  });

  it("chain c draws the RNG stream of emitter c of the in-process engine", () => {
    const s = cmaEmitter(archiveOf(), sphere, e, 8, 11, 1).getState() as { rng: unknown };
    const root = new Rng(11);
    root.spawn();
    expect(s.rng).toEqual(root.spawn().getState());
  });

  it("jobs end on whole steps of 1 + batchSize evaluations, and the last job takes the remainder", () => {
    const spec = ExperimentSpec.parse({ name: "m", domain: { type: "sphere", dim: 12 }, emitter: { type: "gradient-arborescence", count: 3 }, batchSize: 8, budget: { evaluations: 10_001 }, iterationsPerJob: 7 });
    expect(stepEvaluations(spec)).toBe(9);
    const plan = jobPlan(spec);
    expect(plan.perJob).toBe(63);
    expect(plan.sizeOf(plan.totalJobs - 1)).toBe(10_001 - 63 * (plan.totalJobs - 1));
    expect(emitterChains(spec)).toBe(3);
  });

  it("archive learning: CMA-MAE always, CMA-MAEGA only with a learning rate", () => {
    const base = { domain: { type: "sphere" } };
    expect(chainLearning({ ...base, emitter: { type: "gradient-arborescence" } })).toBeNull();
    expect(chainLearning({ ...base, emitter: { type: "gradient-arborescence", learningRate: 0.02 } })).toEqual({ learningRate: 0.02, thresholdMin: 0 });
    expect(chainLearning({ ...base, emitter: { type: "cma-mae", learningRate: 0.01, thresholdMin: -3 } })).toEqual({ learningRate: 0.01, thresholdMin: -3 });
    expect(chainLearning({ ...base, emitter: { type: "cma-me" } })).toBeNull();
  });

  it("bandit runs: numActive job slots over the emitter's chains", () => {
    const spec = ExperimentSpec.parse({ name: "b", domain: { type: "sphere", dim: 12 }, emitter: { type: "cma-me", count: 8 }, scheduler: { type: "bandit", numActive: 3 }, batchSize: 8, budget: { evaluations: 10_000 } });
    expect(emitterChains(spec)).toBe(3);
  });
});
