import { describe, expect, it } from "vitest";
import { quickTellBody, TellBody } from "./schemas";

const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
const ok = (i: number) => ({ candidateId: id(i), fitness: i * 0.5, descriptors: [i, -i] });

/** Well-formed tells and near misses, one change each. */
const cases: [string, unknown][] = [
  ["plain", { results: [ok(1), ok(2)] }],
  ["with metrics and evalMs", { results: [{ ...ok(1), metrics: { steps: 3 }, evalMs: 1.5 }] }],
  ["a failure", { results: [{ candidateId: id(1), error: "boom" }, ok(2)] }],
  ["upper-case uuid", { results: [{ ...ok(1), candidateId: id(1).toUpperCase() }] }],
  ["empty results", { results: [] }],
  ["not an array", { results: {} }],
  ["extra top-level key", { results: [ok(1)], x: 1 }],
  ["unknown field", { results: [{ ...ok(1), fitnes: 1 }] }],
  ["bad uuid", { results: [{ ...ok(1), candidateId: "abc" }] }],
  ["duplicate id", { results: [ok(1), ok(1)] }],
  ["duplicate id, other case", { results: [ok(1), { ...ok(1), candidateId: id(1).toUpperCase() }] }],
  ["fitness missing", { results: [{ candidateId: id(1), descriptors: [1, 2] }] }],
  ["descriptors missing", { results: [{ candidateId: id(1), fitness: 1 }] }],
  ["fitness a string", { results: [{ ...ok(1), fitness: "1" }] }],
  ["fitness null", { results: [{ ...ok(1), fitness: null }] }],
  ["descriptor a string", { results: [{ ...ok(1), descriptors: [1, "2"] }] }],
  ["nine descriptors", { results: [{ ...ok(1), descriptors: [1, 2, 3, 4, 5, 6, 7, 8, 9] }] }],
  ["metrics an array", { results: [{ ...ok(1), metrics: [1] }] }],
  ["metrics null", { results: [{ ...ok(1), metrics: null }] }],
  ["negative evalMs", { results: [{ ...ok(1), evalMs: -1 }] }],
  ["error not a string", { results: [{ candidateId: id(1), error: 5 }] }],
  ["error too long", { results: [{ candidateId: id(1), error: "x".repeat(10_001) }] }],
  ["result not an object", { results: [1] }],
  ["result an array", { results: [[ok(1)]] }],
  ["body an array", [ok(1)]],
  ["10,001 results", { results: Array.from({ length: 10_001 }, (_, i) => ok(i)) }],
  ["10,000 results", { results: Array.from({ length: 10_000 }, (_, i) => ok(i)) }],
  ["answer as blocks", { results: [ok(1)], answer: "blocks" }],
  ["answer as json", { results: [ok(1)], answer: "json" }],
  ["answer of another kind", { results: [ok(1)], answer: "xml" }],
  ["answer without results", { answer: "blocks" }],
];

describe("quickTellBody", () => {
  it.each(cases)("agrees with TellBody: %s", (_name, body) => {
    const zod = TellBody.safeParse(body);
    const quick = quickTellBody(body);
    if (quick !== null) {
      expect(zod.success).toBe(true);
      expect(zod.data).toEqual(quick);
    } else {
      expect(zod.success).toBe(false);
    }
  });

  it("takes the fast path for well-formed tells", () => {
    for (const name of ["plain", "with metrics and evalMs", "a failure", "upper-case uuid", "10,000 results", "answer as blocks"]) {
      expect(quickTellBody(cases.find(([n]) => n === name)![1]), name).not.toBeNull();
    }
  });
});
