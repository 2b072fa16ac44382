import { describe, expect, it } from "vitest";
import { fmtDate, fmtInt, fmtNum, fmtUsd } from "./format";
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

describe("cached Intl formatters", () => {
  // The reference: what the functions returned before they reused one formatter per option set.
  const refNum = (n: number, digits = 3) => {
    const a = Math.abs(n);
    if (a !== 0 && (a >= 1e6 || a < 1e-3)) return n.toExponential(2);
    if (a >= 1000) return n.toLocaleString("en-US", { maximumFractionDigits: 1 });
    return Number(n.toPrecision(digits + 1)).toLocaleString("en-US", { maximumFractionDigits: 4 });
  };
  it("format numbers, integers and dates exactly as toLocaleString does", () => {
    const values = [0, -0, 1, -1, 0.5, 0.0012345, 0.999951, 12.3456789, -98.76543, 999.99, 1000, 1234.56, -54321.987, 999_999.95, 1e6, 3.14159e-7, 42];
    for (const v of values) {
      expect(fmtNum(v)).toBe(refNum(v));
      expect(fmtNum(v, 4)).toBe(refNum(v, 4));
      expect(fmtInt(v)).toBe(Math.round(v).toLocaleString("en-US"));
    }
    expect(fmtNum(Number.NaN)).toBe("—");
    for (const iso of ["2026-01-01T00:00:00Z", "2026-07-15T13:05:59.999Z", "2026-12-31T23:59:00+05:00"]) {
      expect(fmtDate(iso)).toBe(new Date(iso).toLocaleString("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false }));
    }
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
