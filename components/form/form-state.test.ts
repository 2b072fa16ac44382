import { describe, expect, it } from "vitest";
import { ExperimentSpec } from "@/lib/experiments/config";
import { buildConfig, parseJsonSeeds } from "./form-config";
import { changeDomain, changeEmitter, changeGenome, DOMAINS, initialState, type DomainType, type FormState } from "./form-state";
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

  it.each(["sphere", "arm", "command", "webhook", "javascript", "llm-code", "llm-text", "program", "external"] as const)("a stored config read back into the form builds the same config (%s)", (t) => {
    const first = ExperimentSpec.parse(configOf(withDomain(t)));
    const again = ExperimentSpec.parse(configOf(initialState(presetFromConfig(first as never, first.name))));
    expect(again).toEqual(first);
  });
});
