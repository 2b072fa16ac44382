import { describe, expect, it } from "vitest";
import { highlight, highlightLanguage } from "./highlight";

describe("genome highlighting by language", () => {
  it("highlights Python as Python (keywords, strings, comments), aliases too; unknown languages stay plain", () => {
    const html = highlight('def f(x):\n    return "a"  # done\n', "python");
    expect(html).toContain('<span class="hljs-keyword">def</span>');
    expect(html).toContain('<span class="hljs-string">&quot;a&quot;</span>');
    expect(html).toContain('<span class="hljs-comment"># done</span>');
    expect(highlight("def f(): pass", "py")).toContain('<span class="hljs-keyword">def</span>');
    expect(highlightLanguage("c++")).not.toBeNull();
    expect(highlightLanguage("brainfuck")).toBeNull();
    expect(highlight("<b>", "brainfuck")).toBe("&lt;b&gt;");
    expect(highlight("int main() { return 0; }", "c")).toContain('<span class="hljs-keyword">return</span>');
  });
});
