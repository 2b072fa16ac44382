import { describe, expect, it } from "vitest";
import { Rng } from "../qd/rng";
import { buildMetaPrompt, chooseVariants, parseVariantReply, PromptEvolutionConfig, variantToMutate, type VariantStats } from "./prompt-evolution";
import { promptEvolutionConfig, promptEvolutionState } from "@/components/form/prompt-evolution-state";

const v = (variant: number, pulls: number, gain: number, improvements = 0): VariantStats => ({ variant, parentVariant: variant ? 0 : null, text: `system ${variant}`, pulls, gain, improvements });

describe("evolving prompts", () => {
  it("fills defaults and names bad fields", () => {
    expect(PromptEvolutionConfig.parse({ evolve: true })).toEqual({ evolve: true, mutationRate: 0.25, maxVariants: 8, minChildren: 4, exploration: 0.5 });
    const r = PromptEvolutionConfig.safeParse({ evolve: true, maxVariants: 100 });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe("prompts.maxVariants must be at most 64");
  });

  it("tries an untried variant first, then favours the one whose children gained more", () => {
    const rng = new Rng(1);
    expect(chooseVariants([v(0, 10, 5), v(1, 0, 0)], 1, rng)).toEqual([1]);
    const picks = chooseVariants([v(0, 40, 4), v(1, 40, 40)], 20, new Rng(2));
    expect(picks.filter((x) => x === 1).length).toBeGreaterThan(15);
  });

  it("rewrites the best variant among those with enough children", () => {
    expect(variantToMutate([v(0, 3, 30), v(1, 1, 100)], 4)).toBeNull();
    expect(variantToMutate([v(0, 8, 8), v(1, 5, 50), v(2, 2, 100)], 4)!.variant).toBe(1);
  });

  it("shows the variant, its record and its children's outcomes; reads the rewrite from the reply's fence", () => {
    const p = buildMetaPrompt({ variant: v(2, 4, 6, 2), task: "Pack circles.", outcomes: [{ status: "evaluated", fitness: 1.5, elite: true }, { status: "failed", fitness: null, elite: false, error: "SyntaxError:\n bad" }] });
    expect(p.user).toContain("# Current system message (variant 2)\n```text\nsystem 2\n```");
    expect(p.user).toContain("4 children, 2 of them improved the archive (mean archive gain per child 1.5)");
    expect(p.user).toContain("1. fitness 1.5, entered the archive");
    expect(p.user).toContain("2. failed: SyntaxError: bad");
    expect(parseVariantReply("Sure.\n```text\nYou are careful.\n```\nbye")).toEqual({ ok: true, text: "You are careful." });
    expect(parseVariantReply("  You are bold.  ")).toEqual({ ok: true, text: "You are bold." });
    expect(parseVariantReply("```\n\n```").ok).toBe(false);
  });

  it("form state round-trips through the emitter config", () => {
    expect(promptEvolutionConfig({ evolve: false, mutationRate: "0.5", maxVariants: "4" })).toEqual({});
    const em = promptEvolutionConfig({ evolve: true, mutationRate: "0.5", maxVariants: "" });
    expect(em).toEqual({ prompts: { evolve: true, mutationRate: 0.5 } });
    expect(promptEvolutionState(em)).toEqual({ evolve: true, mutationRate: "0.5", maxVariants: "8" });
  });
});
