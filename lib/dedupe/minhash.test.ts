import { describe, expect, it } from "vitest";
import { BANDS, NUM_PERM, bandKeys, jaccard, minhash, shingleHashes, signatureBytes, signatureFrom } from "./minhash";
import { normalise, tokens } from "./normalise";

const sig = (text: string) => minhash(shingleHashes(tokens(normalise(text, "javascript"))));

/** Exact Jaccard of the token 3-shingle sets, for checking the estimate. */
function trueJaccard(a: string, b: string): number {
  const set = (t: string) => {
    const x = tokens(normalise(t, "javascript"));
    return new Set(x.slice(0, Math.max(1, x.length - 2)).map((_, i) => x.slice(i, i + 3).join("\u0000")));
  };
  const A = set(a);
  const B = set(b);
  const inter = [...A].filter((s) => B.has(s)).length;
  return inter / (A.size + B.size - inter);
}

/** A program of `n` statements whose names and constants depend on `seed`; `edit` changes statement `at`. */
const program = (n: number, seed: number, edit?: { at: number; to: string }) =>
  Array.from({ length: n }, (_, i) => (edit?.at === i ? edit.to : `let s${seed}v${i} = f${(seed * 13 + i) % 7}(s${seed}v${Math.max(0, i - 1)}, ${(seed * 31 + i * 7) % 97});`)).join("\n");

describe("MinHash", () => {
  it("gives identical signatures (and bands) to programs equal after normalisation", () => {
    const a = sig("function f(x) { return x * 2; } // double");
    const b = sig("function f(x){\n  return x*2;\n}");
    expect(jaccard(a, b)).toBe(1);
    expect(bandKeys(a)).toEqual(bandKeys(b));
  });

  it("estimates Jaccard similarity within a few hundredths", () => {
    const base = program(60, 1);
    for (const at of [3, 20, 41]) {
      const edited = program(60, 1, { at, to: `let v${at} = other(${at});` });
      const est = jaccard(sig(base), sig(edited));
      expect(Math.abs(est - trueJaccard(base, edited))).toBeLessThan(0.1);
      expect(est).toBeGreaterThan(0.8);
    }
    const [a, b] = [program(60, 1), program(60, 2)];
    expect(Math.abs(jaccard(sig(a), sig(b)) - trueJaccard(a, b))).toBeLessThan(0.1);
    expect(jaccard(sig(a), sig(b))).toBeLessThan(0.3);
  });

  it("puts near-duplicates in a common LSH band and unrelated programs almost never", () => {
    const base = bandKeys(sig(program(60, 5)));
    const near = bandKeys(sig(program(60, 5, { at: 10, to: "let v10 = 0;" })));
    expect(base.some((k, i) => k === near[i])).toBe(true);
    let shared = 0;
    for (let s = 10; s < 60; s++) {
      const other = bandKeys(sig(program(60, s)));
      if (base.some((k, i) => k === other[i])) shared++;
    }
    expect(shared).toBeLessThanOrEqual(2);
    // Band b's key lives in [b·2^32, (b+1)·2^32): keys of different bands never collide.
    base.forEach((k, b) => expect(Math.floor(k / 2 ** 32)).toBe(b));
    expect(base).toHaveLength(BANDS);
  });

  it("round-trips a signature through bytes", () => {
    const s = sig("const PARAMS = [0.1, 0.2];");
    expect(signatureBytes(s).byteLength).toBe(NUM_PERM * 4);
    expect(Array.from(signatureFrom(new Uint8Array(signatureBytes(s))))).toEqual(Array.from(s));
  });

  it("handles programs shorter than a shingle", () => {
    expect(jaccard(sig("x"), sig("x"))).toBe(1);
    expect(jaccard(sig("x"), sig("y"))).toBeLessThan(0.2);
  });
});
