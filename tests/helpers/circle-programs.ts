/**
 * Circle-packing programs for LLM tests (what the mock model "writes"): the seed's 6 × 5 grid of
 * circles with radii scaled by `s` (s < 1 keeps them apart, s = 1 is the seed's packing, s > 1
 * leaves the square), padded with a comment of `pad` characters to vary the code length.
 */
export function packing(s: number, pad = 0): string {
  return `${pad ? `// ${"x".repeat(pad)}\n` : ""}function pack() {
  const n = 26;
  const cols = 6;
  const rows = 5;
  const r = ${s} / (2 * cols);
  const circles = [];
  for (let i = 0; i < n; i++) circles.push([((i % cols) + 0.5) / cols, (Math.floor(i / cols) + 0.5) / rows, r]);
  return circles;
}`;
}

/** The radius line a SEARCH/REPLACE diff edits. */
export const RADIUS_LINE = /const r = [\d.]+ \/ \(2 \* cols\);/;
