import { describe, expect, it } from "vitest";
import { ExperimentSpec } from "@/lib/experiments/config";
import { getDomain } from "@/lib/qd/domains/registry";
import { AnyDomainConfig, BUILT_IN_DOMAINS, BuiltInDomainConfig, DOMAINS, FORM_DOMAINS, createEngineDomain, domainKindOf, type DomainKind } from "../domains";
import { defaultsOf } from "../kind";
/** What ExperimentSpec answered for each config below before the domains moved into the registry (recorded on main). */
import before from "./domain-messages.json";

const llmEm = { type: "llm", baseURL: "http://127.0.0.1:9/v1", model: "m" };
const base = { name: "x", budget: { evaluations: 100 } };
const D = [{ name: "a", min: 0, max: 1, bins: 4 }];
const CORPUS: [string, unknown][] = [
  ["unknown type", { ...base, domain: { type: "banana" } }],
  ["missing type", { ...base, domain: {} }],
  ["not an object", { ...base, domain: "sphere" }],
  ["sphere dim 0", { ...base, domain: { type: "sphere", dim: 0 } }],
  ["sphere dim 1.5", { ...base, domain: { type: "sphere", dim: 1.5 } }],
  ["sphere dim string", { ...base, domain: { type: "sphere", dim: "ten" } }],
  ["rastrigin dim huge", { ...base, domain: { type: "rastrigin", dim: 1e9 } }],
  ["arm extra field", { ...base, domain: { type: "arm", joints: 4, links: 3 } }],
  ["arm joints 0", { ...base, domain: { type: "arm", joints: 0 } }],
  ["external no dim", { ...base, domain: { type: "external", bounds: [0, 1] }, descriptors: D }],
  ["external reversed", { ...base, domain: { type: "external", dim: 3, bounds: [1, -1] }, descriptors: D }],
  ["external short bounds", { ...base, domain: { type: "external", dim: 3, bounds: [0] }, descriptors: D }],
  ["external NaN offset", { ...base, domain: { type: "external", dim: 3, bounds: [0, 1], qdScoreOffset: "x" }, descriptors: D }],
  ["command empty", { ...base, domain: { type: "command", command: " ", dim: 2, bounds: [0, 1] }, descriptors: D }],
  ["command seeds empty", { ...base, domain: { type: "command", command: "x", seeds: [] }, emitter: { type: "javascript-mutation", code: "function mutate(p){return p}" }, descriptors: D }],
  ["webhook bad url", { ...base, domain: { type: "webhook", url: "ftp://x", dim: 2, bounds: [0, 1] }, descriptors: D }],
  ["javascript no code", { ...base, domain: { type: "javascript", dim: 2, bounds: [0, 1] }, descriptors: D }],
  ["javascript long description", { ...base, domain: { type: "javascript", code: "function evaluate(){return {fitness:1}}", seeds: ["a"], description: "x".repeat(20_001) }, emitter: llmEm, descriptors: D }],
  ["llm-code bad task", { ...base, domain: { type: "llm-code", task: "tsp" }, emitter: llmEm }],
  ["llm-code seeds not strings", { ...base, domain: { type: "llm-code", task: "circle-packing", seeds: [1] }, emitter: llmEm }],
  ["llm-code timeout", { ...base, domain: { type: "llm-code", task: "circle-packing", timeoutMs: 5 }, emitter: llmEm }],
  ["llm-code memory", { ...base, domain: { type: "llm-code", task: "circle-packing", memoryMb: 5000 }, emitter: llmEm }],
  ["llm-text no description", { ...base, domain: { type: "llm-text", seeds: ["a"] }, emitter: llmEm, descriptors: [{ name: "t", rubric: "r", min: 0, max: 1, bins: 4 }] }],
  ["llm-text no seeds", { ...base, domain: { type: "llm-text", description: "d" }, emitter: llmEm, descriptors: [{ name: "t", rubric: "r", min: 0, max: 1, bins: 4 }] }],
  ["llm-text empty seeds", { ...base, domain: { type: "llm-text", description: "d", seeds: [] }, emitter: llmEm, descriptors: [{ name: "t", rubric: "r", min: 0, max: 1, bins: 4 }] }],
  ["program no language", { ...base, domain: { type: "program", initialProgram: "x", evaluator: { type: "command", command: "x" } }, emitter: llmEm }],
  ["program bad language", { ...base, domain: { type: "program", language: "C plus", initialProgram: "x", evaluator: { type: "command", command: "x" } }, emitter: llmEm }],
  ["ok sphere", { ...base, domain: { type: "sphere" } }],
  ["ok external", { ...base, domain: { type: "external", dim: 2, bounds: [-1, 1] }, descriptors: D }],
  ["ok command json", { ...base, domain: { type: "command", command: "x", seeds: [{}] }, emitter: { type: "javascript-mutation", code: "function mutate(p){return p}" }, descriptors: D }],
  ["ok llm-text", { ...base, domain: { type: "llm-text", description: "d", seeds: ["a"] }, emitter: llmEm, descriptors: [{ name: "t", rubric: "r", min: 0, max: 1, bins: 4 }] }],
];

const kinds: readonly DomainKind[] = DOMAINS;

describe("domain registry", () => {
  it.each(CORPUS)("accepts and rejects as before, with the same messages (%s)", (name, body) => {
    const r = ExperimentSpec.safeParse(body);
    const got = r.success ? { ok: JSON.parse(JSON.stringify(r.data.domain)) } : { issues: r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) };
    expect(got).toEqual((before as Record<string, unknown>)[name]);
  });

  it("lists every registered kind in the unknown-type message, built-in ones alone in theirs", () => {
    const message = AnyDomainConfig.safeParse({ type: "banana" }).error!.issues[0]!.message;
    for (const k of kinds) expect(message).toContain(`"${k.type}"`);
    expect(BuiltInDomainConfig.safeParse({ type: "external" }).error!.issues[0]!.message).toBe('domain.type must be one of "sphere", "rastrigin", "arm"');
  });

  it("the form offers every kind once, with a label, and its size field is a real config key", () => {
    expect(FORM_DOMAINS.map((k) => k.type).sort()).toEqual(kinds.map((k) => k.type).sort());
    for (const k of kinds) {
      expect(k.label.length, k.type).toBeGreaterThan(0);
      expect(k.help.length, k.type).toBeGreaterThan(0);
      for (const f of k.fields) expect(Object.keys(k.schema.shape), `${k.type}.${f.key}`).toContain(f.key);
      if (k.sizeKey) expect(k.fields.map((f) => f.key), k.type).toContain(k.sizeKey);
    }
  });

  it("built-in kinds build the same engine domain as lib/qd, from their defaults and from a size", () => {
    for (const k of BUILT_IN_DOMAINS as readonly DomainKind[]) {
      expect(k.evaluation).toBe("built-in");
      const d = defaultsOf(k)!;
      const engine = createEngineDomain(d as { type: string });
      const reference = getDomain(d as never);
      expect([engine.type, engine.dim, engine.descriptors]).toEqual([reference.type, reference.dim, reference.descriptors]);
      const sized = createEngineDomain({ type: k.type, [k.sizeKey!]: 6 } as unknown as { type: string });
      expect(sized.dim).toBe(6);
    }
    expect(() => createEngineDomain({ type: "command" })).toThrow(/not evaluated by the engine/);
    expect(() => domainKindOf({ type: "banana" })).toThrow(/unknown domain type/);
  });
});
