import { describe, expect, it } from "vitest";
import { operatorLabel, parentlessOrigin } from "./origin";

describe("parentless origins", () => {
  it("names the gradient and CMA operators, and keeps 'initial solution' for the rest", () => {
    expect(operatorLabel("gradient-arborescence")).toBe("gradient-arborescence (CMA-MEGA / CMA-MAEGA)");
    expect(parentlessOrigin("gradient-arborescence")).toMatch(/solution point θ, or a branch/);
    expect(parentlessOrigin("gradient-operator")).toMatch(/gradient step/);
    expect(operatorLabel("llm-diff")).toBe("llm-diff");
    expect(parentlessOrigin("iso-line")).toBe("initial solution");
  });
});
