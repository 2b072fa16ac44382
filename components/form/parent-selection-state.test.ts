import { describe, expect, it } from "vitest";
import { LlmEmitterConfig } from "@/lib/experiments/config";
import { DEFAULT_PARENT_SELECTION, parentSelectionConfig, parentSelectionState, type ParentSelectionState } from "./parent-selection-state";

const emitter = (fields: Record<string, unknown>) => LlmEmitterConfig.safeParse({ type: "llm", baseURL: "http://127.0.0.1:1/v1", model: "m", ...fields });

describe("the form's parent-selection fields", () => {
  it("uniform without crossover adds nothing: the emitter's defaults", () => {
    expect(parentSelectionConfig(DEFAULT_PARENT_SELECTION)).toEqual({});
    const r = emitter({});
    expect(r.success && [r.data.parentSelection, r.data.crossoverRate]).toEqual([{ policy: "uniform" }, 0]);
  });

  it("each policy's fields make a valid emitter and come back the same from the stored config", () => {
    const states: Partial<ParentSelectionState>[] = [
      { policy: "fitness", floor: "0.2" },
      { policy: "power-law", exponent: "2.5", crossoverRate: "0.25" },
      { policy: "dgm", sharpness: "5" },
      { policy: "novelty", k: "4", crossoverRate: "1" },
      { policy: "mix", exploitShare: "0.3", mixExponent: "3" },
    ];
    for (const patch of states) {
      const state = { ...DEFAULT_PARENT_SELECTION, ...patch };
      const fields = parentSelectionConfig(state);
      const parsed = emitter(fields);
      expect(parsed.success, JSON.stringify(fields)).toBe(true);
      expect(parentSelectionConfig(parentSelectionState(parsed.data! as unknown as Record<string, unknown>))).toEqual(fields);
    }
  });

  it("a bad value reaches the schema, which names the field", () => {
    const r = emitter(parentSelectionConfig({ ...DEFAULT_PARENT_SELECTION, policy: "mix", exploitShare: "2", crossoverRate: "-1" }));
    expect(r.success).toBe(false);
    const issues = r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(issues).toContain("parentSelection.exploitShare: emitter.parentSelection.exploitShare must be between 0 and 1");
    expect(issues).toContain("crossoverRate: emitter.crossoverRate must be between 0 and 1");
  });
});
