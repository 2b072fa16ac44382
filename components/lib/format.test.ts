import { describe, expect, it } from "vitest";
import { fmtUsd } from "./format";
import { normalizeExperiment, normalizeSolution } from "./api";

describe("fmtUsd", () => {
  it("shows fractions of a cent with two significant digits, cents from a dollar", () => {
    expect(fmtUsd(0)).toBe("$0");
    expect(fmtUsd(0.0062)).toBe("$0.0062");
    expect(fmtUsd(0.000123)).toBe("$0.00012");
    expect(fmtUsd(0.149)).toBe("$0.1490");
    expect(fmtUsd(1)).toBe("$1.00");
    expect(fmtUsd(1234.5)).toBe("$1,234.50");
    expect(fmtUsd(null)).toBe("—");
  });
});

describe("LLM fields from the API", () => {
  it("experiments carry usage and the cost cap (REST shape and Prisma row)", () => {
    const rest = normalizeExperiment({ id: "x", budget: { evaluations: 10, costUsd: 1 }, usage: { promptTokens: 3000, completionTokens: 800, costUsd: 0.0124 } });
    expect(rest.usage).toEqual({ promptTokens: 3000, completionTokens: 800, costUsd: 0.0124 });
    expect(rest.budgetCostUsd).toBe(1);
    const row = normalizeExperiment({ id: "x", budgetEvaluations: 10, budgetCostUsd: null, promptTokens: 5, completionTokens: 6, costUsd: 0 });
    expect(row.usage).toEqual({ promptTokens: 5, completionTokens: 6, costUsd: 0 });
    expect(row.budgetCostUsd).toBeNull();
  });

  it("solutions carry status, model, tokens, cost, prompt and reply", () => {
    const s = normalizeSolution({
      id: "s",
      status: "invalid",
      genomeKind: "code",
      genome: "function pack() {}",
      parentIds: ["p"],
      operator: "llm-diff",
      model: "mock-model",
      promptTokens: 1500,
      completionTokens: 400,
      costUsd: 0.0062,
      prompt: "### system\nYou improve programs.\n### user\n...",
      reply: "<<<<<<< SEARCH",
    });
    expect(s).toMatchObject({ status: "invalid", genomeKind: "code", genome: "function pack() {}", model: "mock-model", promptTokens: 1500, completionTokens: 400, costUsd: 0.0062, reply: "<<<<<<< SEARCH" });
    expect(normalizeSolution({ id: "v", genome: [1, 2] })).toMatchObject({ status: "evaluated", model: null, costUsd: null, prompt: null });
  });
});
