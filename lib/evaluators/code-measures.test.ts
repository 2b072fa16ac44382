import { describe, expect, it } from "vitest";
import { codeComplexity, codeMeasures, editDistance } from "./code-measures";

describe("built-in code measures", () => {
  it("counts length and lines in any language", () => {
    expect(codeMeasures("a = 1\nb = 2\n", "python", "a = 1\nb = 2\n")).toMatchObject({ codeLength: 12, codeLines: 2, editDistance: 0 });
    expect(codeMeasures("", "cobol", "x")).toMatchObject({ codeLength: 0, codeLines: 0, editDistance: 1 });
  });

  it("complexity counts the language's decision points, not words in comments or strings", () => {
    const py = `def f(x):\n    # if this were a loop\n    if x > 0 and x < 9:\n        return "for while if"\n    elif x == 0:\n        return 0\n    for i in range(3):\n        pass\n`;
    expect(codeComplexity(py, "python")).toBe(1 + 4); // if, and, elif, for
    const c = `int f(int x) { /* if while */ if (x > 0 && x < 9) return 1; // for\n  while (x--) { switch (x) { case 1: break; } }\n  return x ? 1 : 0; }`;
    expect(codeComplexity(c, "c")).toBe(1 + 4); // if, &&, while, case
    expect(codeComplexity("fn main() { match x { _ => {} } loop { if a || b { break } } }", "rust")).toBe(1 + 4);
  });

  it("a branch more raises complexity; renaming does not", () => {
    const base = "function f(a) {\n  if (a) return 1;\n  return 0;\n}\n";
    expect(codeComplexity(base.replace("return 0;", "if (a > 2) return 2;\n  return 0;"), "javascript")).toBe(codeComplexity(base, "javascript") + 1);
    expect(codeComplexity(base.replaceAll("a", "value"), "javascript")).toBe(codeComplexity(base, "javascript"));
  });

  it("edit distance counts characters inserted and deleted from the seed", () => {
    expect(editDistance("return 20 + x", "return 10 + x")).toBe(2);
    expect(editDistance("abc", "abcdef")).toBe(3);
    expect(editDistance("abc", "")).toBe(3);
  });

  it("stays bounded for a program rewritten from scratch (line diff beyond the exact limit)", () => {
    const a = Array.from({ length: 400 }, (_, i) => `line ${i} ${"x".repeat(i % 17)}`).join("\n");
    const b = Array.from({ length: 400 }, (_, i) => `other ${i * 7} ${"y".repeat(i % 13)}`).join("\n");
    const d = editDistance(a, b, 50);
    // Every line differs: the line diff removes all of a and adds all of b.
    expect(d).toBe(a.length + b.length);
    expect(editDistance(a, b)).toBeLessThanOrEqual(a.length + b.length);
  });
});
