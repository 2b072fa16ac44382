import { describe, expect, it } from "vitest";
import { ExperimentSpec } from "@/lib/experiments/config";
import { buildConfig, parseJsonSeeds } from "./form-config";
import { changeArchive, changeArchiveParam, changeDomain, changeEmitter, changeGenome, derive, DOMAINS, initialState, type DomainType, type FormState } from "./form-state";
import { presetFromConfig } from "./preset";

const apply = (s: FormState, patch: Partial<FormState>): FormState => ({ ...s, ...patch });
const configOf = (s: FormState) => buildConfig(s, parseJsonSeeds(s.jsonSeeds).value);
const withDomain = (t: DomainType) => apply(initialState(), changeDomain(initialState(), t));

describe("new-experiment form state", () => {
  it("starts with a valid sphere run", () => {
    const r = ExperimentSpec.safeParse(configOf(initialState()));
    expect(r.success, r.success ? "" : JSON.stringify(r.error.issues)).toBe(true);
    expect(r.data?.domain).toEqual({ type: "sphere", dim: 100 });
  });

  it.each(DOMAINS.map((d) => d.value))("every domain's defaults make a valid run (%s)", (t) => {
    const s = withDomain(t);
    const r = ExperimentSpec.safeParse(configOf(s));
    expect(r.success, r.success ? "" : JSON.stringify(r.error.issues)).toBe(true);
    expect(r.data?.domain.type).toBe(t);
  });

  it("a new domain brings its batch, budget and name unless the user changed them", () => {
    const s = withDomain("llm-text");
    expect([s.batchSize, s.budget, s.mode, s.name]).toEqual(["2", "200", "full", "Poems about the sea, LLM"]);
    const typed = apply(initialState(), { batchSize: "7", name: "mine" });
    const t = apply(typed, changeDomain(typed, "command"));
    expect([t.batchSize, t.budget, t.name]).toEqual(["7", "2000", "mine"]);
  });

  it("a text genome runs the LLM emitter with small batches; a JSON genome the user's mutation", () => {
    const cmd = withDomain("command");
    const text = apply(cmd, changeGenome(cmd, "text"));
    expect(text.batchSize).toBe("4");
    expect(configOf(text).emitter.type).toBe("llm");
    const json = apply(cmd, changeGenome(cmd, "json"));
    expect(configOf(json).emitter.type).toBe("javascript-mutation");
  });

  it("CMA chains take pyribs' batch of 36 and drop the islands", () => {
    const s = apply(initialState(), { islands: "4" });
    const cma = apply(s, changeEmitter(s, "cma-me"));
    expect(cma.batchSize).toBe("36");
    expect(configOf(cma)).not.toHaveProperty("islands");
    expect(configOf(s)).toHaveProperty("islands.count", 4);
  });

  it("choosing a search archive makes its pyribs algorithm: CMA-ME chains with the kind's ranker, valid as it stands", () => {
    const s = apply(initialState(), { islands: "4" });
    const ns = apply(s, changeArchive(s, "proximity"));
    expect([ns.emitter, ns.emitterParams["cma-me"]!.ranker, ns.batchSize]).toEqual(["cma-me", "nov", "36"]);
    expect(derive(ns)).toMatchObject({ islandsAllowed: false, schedulerShown: false });
    // Local competition on: NSLC ranks by it; off again: plain novelty.
    const nslc = apply(ns, changeArchiveParam(ns, "localCompetition", "true"));
    expect(nslc.emitterParams["cma-me"]!.ranker).toBe("nslc");
    expect(apply(nslc, changeArchiveParam(nslc, "localCompetition", "false")).emitterParams["cma-me"]!.ranker).toBe("nov");
    const dds = apply(nslc, changeArchive(nslc, "density"));
    expect(dds.emitterParams["cma-me"]!.ranker).toBe("density");
    for (const run of [ns, nslc, dds]) {
      const r = ExperimentSpec.safeParse(configOf(run));
      expect(r.success, r.success ? "" : JSON.stringify(r.error.issues)).toBe(true);
    }
    expect(configOf(nslc)).toMatchObject({ archive: { type: "proximity", localCompetition: true }, emitter: { type: "cma-me", ranker: "nslc" } });
    // Back on a grid, a search-only ranker returns to CMA-ME's default; a ranker the user chose stays.
    const grid = apply(dds, changeArchive(dds, "grid"));
    expect([grid.emitter, grid.emitterParams["cma-me"]!.ranker]).toEqual(["cma-me", "2imp"]);
    expect(ExperimentSpec.safeParse(configOf(grid)).success).toBe(true);
    const imp = apply(nslc, { emitterParams: { ...nslc.emitterParams, "cma-me": { ...nslc.emitterParams["cma-me"], ranker: "2imp" } } });
    expect(apply(imp, changeArchiveParam(imp, "localCompetition", "false")).emitterParams["cma-me"]!.ranker).toBe("2imp");
  });

  it.each(["sphere", "arm", "command", "webhook", "javascript", "llm-code", "llm-text", "program", "external"] as const)("a stored config read back into the form builds the same config (%s)", (t) => {
    const first = ExperimentSpec.parse(configOf(withDomain(t)));
    const again = ExperimentSpec.parse(configOf(initialState(presetFromConfig(first as never, first.name))));
    expect(again).toEqual(first);
  });
});
