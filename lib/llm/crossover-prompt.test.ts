import { describe, expect, it } from "vitest";
import { buildMutationPrompt, type PromptTask } from "./prompts";

const task: PromptTask = { kind: "code", description: "Pack circles.", entry: "pack", descriptors: [{ name: "x", min: 0, max: 1 }, { name: "y", min: 0, max: 1 }] };
const A = { genome: "function pack() { return 'A'; }", fitness: 1.5, descriptors: [0.1, 0.2] };
const B = { genome: "function pack() { return 'B'; }", fitness: 2.5, descriptors: [0.8, 0.9] };

describe("crossover prompts", () => {
  it("show both parents, ask to combine their strengths and to land in the target cell; diffs apply to A", () => {
    const p = buildMutationPrompt({ task, parent: A, mate: B, mode: "diff", targetNiche: { descriptors: [0.45, 0.55], fitness: null } });
    expect(p.user).toContain("# Parent program A\nFitness: 1.5\nDescriptors: x = 0.1, y = 0.2");
    expect(p.user).toContain("# Parent program B\nFitness: 2.5\nDescriptors: x = 0.8, y = 0.9");
    expect(p.user).toContain(A.genome);
    expect(p.user).toContain(B.genome);
    expect(p.user).toMatch(/combines their strengths/);
    expect(p.user).toMatch(/should land in this cell, which is empty:\n- x ≈ 0.45\n- y ≈ 0.55/);
    expect(p.user).toMatch(/Each SEARCH part must match the parent A exactly/);
    expect(p.user.indexOf("# Parent program A")).toBeLessThan(p.user.indexOf("# Parent program B"));
  });

  it("a plain mutation prompt is unchanged by the crossover wording", () => {
    const p = buildMutationPrompt({ task, parent: A, mode: "full" });
    expect(p.user).toContain("# Parent program\nFitness: 1.5");
    expect(p.user).not.toMatch(/Parent program B|Crossover/);
  });

  it("a user template's {{parent}} carries both parents", () => {
    const p = buildMutationPrompt({ task: { ...task, template: "{{parent}}\n{{format}}" }, parent: A, mate: B, mode: "full" });
    expect(p.user).toContain(A.genome);
    expect(p.user).toContain(B.genome);
  });
});
