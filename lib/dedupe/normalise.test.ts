import { describe, expect, it } from "vitest";
import { normalise, stripComments } from "./normalise";

describe("normalise", () => {
  it("makes programs that differ only in layout and comments equal (JavaScript)", () => {
    const a = `// first version\nfunction f(x) {\n  return x + 1; // add one\n}\n`;
    const b = `/* rewritten */ function f( x ){ return x+1;\n\n\n}`;
    expect(normalise(a, "javascript")).toBe(normalise(b, "javascript"));
    expect(normalise(a, "javascript")).toBe("function f ( x ) { return x + 1 ; }");
  });

  it("keeps comment markers inside string literals", () => {
    const src = `const url = "http://example.com"; // the site\nconst s = 'a /* b */ c';`;
    expect(stripComments(src, "javascript")).toBe(`const url = "http://example.com"; \nconst s = 'a /* b */ c';`);
    expect(normalise(`x = "# not a comment"  # a comment`, "python")).toBe(`x = " # not a comment "`);
  });

  it("uses each language's comment syntax", () => {
    expect(normalise("x = 1  # one\n# whole line\ny = 2", "python")).toBe("x = 1 y = 2");
    expect(normalise("local x = 1 -- one\n--[[ block\ncomment ]] return x", "lua")).toBe("local x = 1 return x");
    expect(normalise("f x = x {- block -} + 1 -- inc", "haskell")).toBe("f x = x + 1");
    // A different language's marker is code, not a comment.
    expect(normalise("a = b // c", "python")).toBe("a = b / / c");
  });

  it("'text' only normalises whitespace; 'auto' drops whole-line comments of any style", () => {
    expect(normalise("Roses are red,\n\n  violets  are blue # really", "text")).toBe("Roses are red , violets are blue # really");
    expect(normalise("// model-a, answer 3\nconst PARAMS = [0.100, -0.200];\n", "auto")).toBe(normalise("// revised\n# note\nconst PARAMS = [0.100, -0.200];  \n\n", "auto"));
  });

  it("tells different programs apart", () => {
    expect(normalise("const PARAMS = [0.100, 0.200];", "javascript")).not.toBe(normalise("const PARAMS = [0.100, 0.201];", "javascript"));
    expect(normalise("x = -1", "python")).not.toBe(normalise("x = 1", "python"));
  });
});
