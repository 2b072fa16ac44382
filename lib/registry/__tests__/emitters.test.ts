import { describe, expect, it } from "vitest";
import { ExperimentSpec } from "@/lib/experiments/config";
import { GridArchive } from "@/lib/qd/archive/grid";
import { Rng } from "@/lib/qd/rng";
import { kindConfig, kindValues } from "@/components/form/KindFields";
import { AnyEmitterConfig, EMITTERS as ALL, FORM_EMITTERS, VECTOR_EMITTERS as VECTOR, createEmitter, type EmitterKind } from "../emitters";
import { defaultsOf, kindUnion } from "../kind";

const EMITTERS: readonly EmitterKind[] = ALL;
const VECTOR_EMITTERS: readonly EmitterKind[] = VECTOR;
const sphere = (emitter: unknown) => ({ name: "r", domain: { type: "sphere", dim: 10 }, emitter, batchSize: 36, budget: { evaluations: 10_000 } });

describe("emitter registry", () => {
  it("rejects an unknown or missing type with a message listing every registered kind", () => {
    for (const bad of [{ type: "cma-es" }, {}, { type: 3 }]) {
      const r = AnyEmitterConfig.safeParse(bad);
      expect(r.success).toBe(false);
      const message = r.error!.issues[0]!.message;
      for (const k of EMITTERS) expect(message).toContain(`"${k.type}"`);
      expect(message).toMatch(/^emitter\.type must be one of/);
    }
    // Through the experiment config, at the emitter's path.
    const r = ExperimentSpec.safeParse(sphere({ type: "me-map-elites" }));
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ["emitter", "type"], message: expect.stringContaining('"gaussian"') });
  });

  it("phrases the message for one or two kinds", () => {
    expect(kindUnion("x", [VECTOR_EMITTERS[0]]).safeParse({ type: "no" }).error!.issues[0]!.message).toBe('x.type must be "gaussian"');
    expect(kindUnion("x", [VECTOR_EMITTERS[0], VECTOR_EMITTERS[1]]).safeParse({}).error!.issues[0]!.message).toBe('x.type must be "gaussian" or "iso-line"');
  });

  it("every vector kind round-trips its defaults through its schema, JSON and a whole experiment config", () => {
    for (const k of VECTOR_EMITTERS) {
      const d = defaultsOf(k);
      expect(d, k.type).toBeDefined();
      expect(k.schema.parse(JSON.parse(JSON.stringify(d)))).toEqual(d);
      if (k.distributed === "in-process") continue; // rejected in experiments (tested below)
      const spec = ExperimentSpec.safeParse(sphere({ type: k.type }));
      expect(spec.success, `${k.type}: ${JSON.stringify(spec.error?.issues)}`).toBe(true);
      expect(spec.data!.emitter).toEqual(d);
    }
  });

  it("staged kinds name what they still need", () => {
    for (const k of EMITTERS.filter((k) => k.distributed === "staged")) {
      expect(defaultsOf(k), k.type).toBeUndefined();
      const r = k.schema.safeParse({ type: k.type });
      expect(r.error!.issues.length).toBeGreaterThan(0);
    }
  });

  it("form metadata covers real config keys, and the form's values give back the defaults", () => {
    for (const k of FORM_EMITTERS) {
      const keys = Object.keys(k.schema.shape);
      for (const f of k.fields) expect(keys, `${k.type}.${f.key}`).toContain(f.key);
      expect(k.label.length).toBeGreaterThan(0);
      expect(k.help.length).toBeGreaterThan(0);
      expect(k.schema.parse(kindConfig(k, kindValues(k)))).toEqual(defaultsOf(k));
    }
  });

  it("a wrong parameter is reported at its path with the kind's message", () => {
    const r = ExperimentSpec.safeParse(sphere({ type: "iso-line", lineSigma: -1 }));
    expect(r.error!.issues[0]).toMatchObject({ path: ["emitter", "lineSigma"], message: "emitter.lineSigma must be >= 0" });
  });

  it("builds each vector kind's engine emitter, which asks a full batch inside the bounds", () => {
    const archive = new GridArchive({ solutionDim: 4, dims: [5, 5], ranges: [[-1, 1], [-1, 1]] });
    const bounds = { lower: new Float64Array(4).fill(-1), upper: new Float64Array(4).fill(1) };
    for (const k of VECTOR_EMITTERS) {
      const e = createEmitter(defaultsOf(k) as { type: string }, { archive, x0: new Float64Array(4), bounds, batchSize: 6, rng: new Rng(1) });
      expect(e.batchSize).toBe(6);
      const out = new Float64Array(24).fill(NaN);
      // DQD kinds ask their gradient phase first.
      if (e.askDqd) e.askDqd(out.subarray(0, e.batchSizeDqd! * 4));
      else e.ask(out);
      for (const v of out.subarray(0, (e.batchSizeDqd ?? e.batchSize) * 4)) expect(v >= -1 && v <= 1, `${k.type}: ${v}`).toBe(true);
    }
    expect(() => createEmitter({ type: "llm" }, { archive, x0: new Float64Array(4), bounds, batchSize: 6, rng: new Rng(1) })).toThrow(/no engine emitter/);
  });

  it("rejects kinds the distributed path cannot run yet, and gradient kinds on domains without gradients, with a 4xx-ready message", () => {
    // CMA-MEGA runs as emitter chains on sphere; CMA-MAEGA adds the archive learning rate.
    expect(ExperimentSpec.parse(sphere({ type: "gradient-arborescence" })).emitter).toMatchObject({ type: "gradient-arborescence", count: 15, sigma0: 10, lr: 1, gradOpt: "gradient_ascent" });
    expect(ExperimentSpec.parse(sphere({ type: "gradient-arborescence", learningRate: 0.01, ranker: "imp", restartRule: "basic" })).emitter).toMatchObject({ learningRate: 0.01, ranker: "imp" });
    const orphan = ExperimentSpec.safeParse(sphere({ type: "gradient-arborescence", thresholdMin: 0 }));
    expect(orphan.error!.issues[0]).toMatchObject({ path: ["emitter", "thresholdMin"], message: "emitter.thresholdMin is for CMA-MAEGA: set emitter.learningRate too" });
    const arbRast = ExperimentSpec.safeParse({ ...sphere({ type: "gradient-arborescence" }), domain: { type: "rastrigin", dim: 10 } });
    expect(arbRast.error!.issues[0]!.message).toMatch(/^emitter "gradient-arborescence" needs analytic gradients/);
    const rast = ExperimentSpec.safeParse({ ...sphere({ type: "gradient-operator" }), domain: { type: "rastrigin", dim: 10 } });
    expect(rast.error!.issues[0]).toMatchObject({ path: ["emitter", "type"], message: 'emitter "gradient-operator" needs analytic gradients of the objective and measures; domain "rastrigin" has none (use "sphere")' });
    const ext = ExperimentSpec.safeParse({ ...sphere({ type: "cma-me" }), domain: { type: "external", dim: 4, bounds: [-1, 1] }, descriptors: [{ name: "a", min: 0, max: 1, bins: 4 }] });
    expect(ext.error!.issues[0]!.message).toMatch(/runs on the built-in domains/);
    const omg = ExperimentSpec.parse(sphere({ type: "gradient-operator", sigma: 0, sigmaG: 10, measureGradients: true, normalizeGrad: true }));
    expect(omg.emitter).toMatchObject({ type: "gradient-operator", measureGradients: true, operator: "isotropic" });
  });

  it("the scheduler union: default accepted, bandit over CMA chains accepted, elsewhere rejected with its reason, unknown types listed", () => {
    expect(ExperimentSpec.parse({ ...sphere({ type: "iso-line" }), scheduler: { type: "default" } }).scheduler).toEqual({ type: "default" });
    const ok = ExperimentSpec.parse({ ...sphere({ type: "cma-me", count: 8 }), scheduler: { type: "bandit", numActive: 2 } });
    expect(ok.scheduler).toEqual({ type: "bandit", numActive: 2, reselect: "terminated", zeta: 0.05 });
    const bandit = ExperimentSpec.safeParse({ ...sphere({ type: "iso-line" }), scheduler: { type: "bandit", numActive: 2 } });
    expect(bandit.error!.issues[0]).toMatchObject({ path: ["scheduler", "type"], message: expect.stringMatching(/^scheduler "bandit" chooses among CMA emitter chains: use emitter "cma-me" or "cma-mae"/) });
    const dqd = ExperimentSpec.safeParse({ ...sphere({ type: "gradient-arborescence" }), scheduler: { type: "bandit", numActive: 2 } });
    expect(dqd.error!.issues[0]!.message).toMatch(/does not run DQD emitters/);
    const tooMany = ExperimentSpec.safeParse({ ...sphere({ type: "cma-mae", count: 4 }), scheduler: { type: "bandit", numActive: 5 } });
    expect(tooMany.error!.issues[0]).toMatchObject({ path: ["scheduler", "numActive"], message: "scheduler.numActive (5) must be at most emitter.count (4), the pool it chooses from" });
    const unknown = ExperimentSpec.safeParse({ ...sphere({ type: "iso-line" }), scheduler: { type: "round-robin" } });
    expect(unknown.error!.issues[0]!.message).toBe('scheduler.type must be "default" or "bandit"');
  });
});
