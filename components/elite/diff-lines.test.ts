import { describe, expect, it } from "vitest";
import { fold, toLines } from "./diff-lines";

const program = (r: string, extra = "") => ["function pack() {", "  const n = 26;", "  const cols = 6;", "  const rows = 5;", `  const r = ${r} / (2 * cols);`, "  const circles = [];", "  for (let i = 0; i < n; i++) circles.push([0, 0, r]);", extra, "  return circles;", "}"].filter((l) => l !== "").join("\n");

describe("genome line diffs", () => {
  it("numbers old and new lines and marks the changed one", () => {
    const lines = toLines(program("1"), program("0.95"));
    expect(lines.filter((l) => l.kind === "del")).toEqual([{ kind: "del", text: "  const r = 1 / (2 * cols);", oldNo: 5, newNo: null }]);
    expect(lines.filter((l) => l.kind === "add")).toEqual([{ kind: "add", text: "  const r = 0.95 / (2 * cols);", oldNo: null, newNo: 5 }]);
    expect(lines.at(-1)).toEqual({ kind: "same", text: "}", oldNo: 9, newNo: 9 });
    expect(lines.filter((l) => l.kind !== "add")).toHaveLength(9);
  });

  it("keeps new line numbers right after an insertion", () => {
    const lines = toLines(program("1"), program("1", "  // tighter"));
    expect(lines.find((l) => l.kind === "add")).toMatchObject({ text: "  // tighter", newNo: 8 });
    expect(lines.at(-1)).toMatchObject({ oldNo: 9, newNo: 10 });
  });

  it("folds unchanged stretches longer than two lines, keeping three lines of context", () => {
    const long = (x: string) => Array.from({ length: 30 }, (_, i) => (i === 15 ? x : `line ${i}`)).join("\n");
    const rows = fold(toLines(long("a"), long("b")));
    expect(rows[0]).toEqual({ kind: "fold", count: 12, from: 0 });
    expect(rows.filter((r) => r.kind === "same")).toHaveLength(6);
    expect(rows.at(-1)).toEqual({ kind: "fold", count: 11, from: 20 });
  });

  it("identical genomes: one fold, nothing changed", () => {
    const rows = fold(toLines(program("1"), program("1")));
    expect(rows).toEqual([{ kind: "fold", count: 9, from: 0 }]);
  });
});
