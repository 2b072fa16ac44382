/**
 * Evaluation integrity: a program cannot replace or call around its task's harness. The bin-packing
 * heuristic must stay online (one item at a time); seeing all items would let it pack offline.
 */
import { afterAll, describe, expect, it } from "vitest";
import { SandboxHost } from "../sandbox/index";
import { BEST_FIT, CIRCLE_PACKING_SEED, binLowerBound, evaluateBinPacking, evaluateCirclePacking, generateBinPackingInstances, replayChoices } from "./index";

const host = new SandboxHost();
afterAll(() => host.close());
const opts = { host, timeoutMs: 5000, memoryMb: 64 };
const instances = generateBinPackingInstances({ count: 3, items: 60, seed: 7 });

/** Offline first-fit-decreasing over all items, reported as valid arrival-order choices. */
const OFFLINE = `
function offline(instances) {
  return { choices: instances.map(({ capacity, items }) => {
    const order = items.map((s, i) => i).sort((a, b) => items[b] - items[a]);
    const room = [], binOf = [];
    for (const i of order) {
      let b = room.findIndex((r) => r >= items[i]);
      if (b < 0) { b = room.length; room.push(capacity); }
      room[b] -= items[i]; binOf[i] = b;
    }
    const renumber = new Map();
    return items.map((_, i) => { if (!renumber.has(binOf[i])) renumber.set(binOf[i], renumber.size); return renumber.get(binOf[i]); });
  }) };
}`;

describe("bin packing: the heuristic cannot take over the harness", () => {
  it("the offline packing really is better (so the tests below would notice it)", async () => {
    const honest = await evaluateBinPacking(BEST_FIT, instances, opts);
    expect(honest.ok).toBe(true);
    // The offline packer's choices pass the host's replay and use fewer bins.
    const fn = new Function(`${OFFLINE}; return offline;`)() as (x: typeof instances) => { choices: number[][] };
    const offRatio = instances.reduce((a, inst, t) => a + (replayChoices(inst, fn(instances).choices[t]) as { bins: number }).bins / binLowerBound(inst), 0) / instances.length;
    expect(-offRatio).toBeGreaterThan((honest as { fitness: number }).fitness);
  });

  it("reassigning __qdBinPacking changes nothing: the frozen harness still drives priority()", async () => {
    const honest = await evaluateBinPacking(BEST_FIT, instances, opts);
    const r = await evaluateBinPacking(`${BEST_FIT}\n${OFFLINE}\n__qdBinPacking = offline;\nglobalThis.__qdBinPacking = offline;`, instances, opts);
    expect(r).toMatchObject({ ok: true, fitness: (honest as { fitness: number }).fitness });
  });

  it("redeclaring __qdBinPacking fails the program", async () => {
    const r = await evaluateBinPacking(`${BEST_FIT}\n${OFFLINE}\nfunction __qdBinPacking(instances) { return offline(instances); }`, instances, opts);
    expect(r.ok).toBe(false);
    const r2 = await evaluateBinPacking(`${BEST_FIT}\n${OFFLINE}\nObject.defineProperty(globalThis, "__qdBinPacking", { value: offline });`, instances, opts);
    expect(r2.ok).toBe(false);
  });

  it("priority() cannot reach the instances through the call stack", async () => {
    const peek = `function priority(item, bins) {
      let seen = null;
      try { seen = priority.caller && priority.caller.arguments && priority.caller.arguments[0]; } catch (e) { seen = null; }
      if (seen) throw new Error("saw " + JSON.stringify(seen).length + " characters of instances");
      return bins.map((b) => -(b - item));
    }`;
    const honest = await evaluateBinPacking(BEST_FIT, instances, opts);
    expect(await evaluateBinPacking(peek, instances, opts)).toMatchObject({ ok: true, fitness: (honest as { fitness: number }).fitness });
  });
});

describe("circle packing: a replaced harness can only fail itself", () => {
  it("a fake wrapper reporting an impossible packing is rejected by the host's validation", async () => {
    const fake = `${CIRCLE_PACKING_SEED}\n__qdCirclePacking = async function () { return JSON.stringify(Array.from({ length: 26 }, (_, i) => [0.5, 0.5, 0.4])); };`;
    const r = await evaluateCirclePacking(fake, opts);
    if (r.ok) {
      const honest = await evaluateCirclePacking(CIRCLE_PACKING_SEED, opts);
      expect(r.fitness).toBe((honest as { fitness: number }).fitness);
    } else expect(r.error).toMatch(/invalid packing|overlap/);
  });
});
