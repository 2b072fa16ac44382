/**
 * User mutation operator for arbitrary-JSON genomes: user code declaring a top-level
 * `function mutate(parent, rng)` (sync or async; `export` allowed) that returns the child genome
 * (any JSON value). Runs in the sandbox (lib/sandbox).
 *
 * Reproducibility: each call gets its own deterministic generator seeded from the caller's `seed`
 * (sfc32, seeded through splitmix32), and `Math.random` is replaced by the same generator for the
 * duration of the call. The same (code, parent, seed) always gives the same child, whatever the
 * pool size or call order (as long as the code keeps no global state; use `freshContext: true` to
 * enforce that).
 *
 * `rng` API: random() ∈ [0,1); int(n) ∈ {0..n-1}; uniform(a, b); normal(mean = 0, sd = 1);
 * pick(array); shuffle(array) (in place, returns it); seed (the numeric seed).
 */
import type { z } from "zod";
import { JavaScriptMutationConfig } from "./schemas";

export { JavaScriptMutationConfig };
import { createSandbox, type SandboxHost } from "../sandbox/index";

export type JavaScriptMutationConfig = z.input<typeof JavaScriptMutationConfig>;

export type MutationResult = { ok: true; genome: unknown; logs?: string; ms: number } | { ok: false; error: string; logs?: string; ms: number };

export interface MutationOperator {
  /** One child per item; `seed` is a uint32 (or any finite number, which is hashed). */
  mutate(items: { parent: unknown; seed: number }[]): Promise<MutationResult[]>;
  close(): Promise<void>;
}

/** Appended to the user's code; `__qdMutate` is the sandbox entry. */
const HARNESS = String.raw`
;var __qdMutate = (function () {
  "use strict";
  const realRandom = Math.random;
  const imul = Math.imul, sqrt = Math.sqrt, log = Math.log, cos = Math.cos, sin = Math.sin, floor = Math.floor, PI = Math.PI;
  function splitmix32(a) {
    return function () {
      a = (a + 0x9e3779b9) | 0;
      let t = a ^ (a >>> 16); t = imul(t, 0x21f0aaad); t = t ^ (t >>> 15); t = imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
  }
  function makeRng(seed) {
    const sm = splitmix32(seed >>> 0);
    let a = sm(), b = sm(), c = sm(), d = sm();
    const random = function () {
      a |= 0; b |= 0; c |= 0; d |= 0;
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0; a = b ^ (b >>> 9); b = (c + (c << 3)) | 0; c = (c << 21) | (c >>> 11); c = (c + t) | 0;
      return (t >>> 0) / 4294967296;
    };
    let spare = null;
    return Object.freeze({
      seed: seed >>> 0,
      random,
      int: (n) => floor(random() * n),
      uniform: (lo, hi) => lo + (hi - lo) * random(),
      normal: (mean = 0, sd = 1) => {
        if (spare !== null) { const s = spare; spare = null; return mean + sd * s; }
        let u = 0; while (u === 0) u = random();
        const v = random(), r = sqrt(-2 * log(u));
        spare = r * sin(2 * PI * v);
        return mean + sd * r * cos(2 * PI * v);
      },
      pick: (arr) => arr[floor(random() * arr.length)],
      shuffle: (arr) => { for (let i = arr.length - 1; i > 0; i--) { const j = floor(random() * (i + 1)); const t = arr[i]; arr[i] = arr[j]; arr[j] = t; } return arr; },
    });
  }
  return function (entry, parent, seed) {
    const fn = globalThis[entry];
    if (typeof fn !== "function") throw new Error("entry function '" + entry + "' is not defined (declare it as a top-level function)");
    const rng = makeRng(seed);
    Math.random = rng.random;
    let restoreNow = true;
    try {
      const out = fn(parent, rng);
      if (out && typeof out.then === "function") {
        restoreNow = false;
        return Promise.resolve(out).finally(() => { Math.random = realRandom; });
      }
      return out;
    } finally {
      if (restoreNow) Math.random = realRandom;
    }
  };
})();
`;

/** Any finite number -> uint32 (integers in range pass through unchanged). */
export function normalizeSeed(seed: number): number {
  if (Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff) return seed;
  if (!Number.isFinite(seed)) throw new Error("seed must be a finite number");
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, seed);
  return (buf.getUint32(0) ^ Math.imul(buf.getUint32(4), 0x9e3779b1)) >>> 0;
}

export function createJavaScriptMutation(input: JavaScriptMutationConfig, deps: { host?: SandboxHost } = {}): MutationOperator {
  const cfg = JavaScriptMutationConfig.parse(input);
  const sandbox = createSandbox({
    code: `${cfg.code}\n${HARNESS}`,
    timeoutMs: cfg.timeoutMs,
    memoryMb: cfg.memoryMb,
    poolSize: cfg.poolSize,
    freshContext: cfg.freshContext,
    maxOutputBytes: cfg.maxOutputBytes,
    ...(deps.host ? { host: deps.host } : {}),
  });
  return {
    async mutate(items) {
      if (items.length === 0) return [];
      const args: unknown[][] = [];
      const bad = new Map<number, string>();
      items.forEach((it, i) => {
        try {
          args.push([cfg.entry, it.parent, normalizeSeed(it.seed)]);
        } catch (e) {
          bad.set(i, (e as Error).message);
          args.push([cfg.entry, null, 0]);
        }
      });
      const rs = await sandbox.callMany("__qdMutate", args);
      return rs.map((r, i): MutationResult => {
        if (bad.has(i)) return { ok: false, error: bad.get(i)!, ms: 0 };
        const logs = r.logs || undefined;
        if (!r.ok) return { ok: false, error: `${r.error.kind}: ${r.error.message}`, ms: r.ms, ...(logs ? { logs } : {}) };
        if (r.value === undefined) return { ok: false, error: "invalid-output: mutate() returned undefined (return the child genome)", ms: r.ms, ...(logs ? { logs } : {}) };
        return { ok: true, genome: r.value, ms: r.ms, ...(logs ? { logs } : {}) };
      });
    },
    close: () => sandbox.close(),
  };
}
