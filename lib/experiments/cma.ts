import { Rng, getDomain, type ArchiveBase, type Domain, type EvolutionStrategyEmitter } from "@/lib/qd";
import { createEmitter } from "@/lib/registry/emitters";
import type { CmaEmitterConfig, DomainConfig } from "./config";

/**
 * CMA-ME / CMA-MAE in distributed runs: pure pieces shared by the workers
 * (workers/cma-batch.ts) and the commit transaction (lib/db/emitter-store.ts).
 *
 * Emitter e of `count` owns jobs e, e + count, e + 2·count, … (a chain, one job in
 * flight); between jobs its state (CMA-ES, restarts, its RNG) lives in the
 * EmitterState table. CMA-MAE's per-cell thresholds live in CellThreshold and
 * move by `thresholdStep` (lib/qd/archive/threshold.ts), in the worker (its local view, for ranking) and again
 * in the commit against the stored values (the truth).
 */

/** CMA-MAE's initial threshold: the configured one, else the domain's lowest objective (pyribs threshold_min). */
export function cmaThresholdMin(config: { domain: { type: string }; emitter: CmaEmitterConfig }): number {
  const e = config.emitter;
  if (e.type === "cma-mae" && e.thresholdMin !== undefined) return e.thresholdMin;
  return getDomain(config.domain as DomainConfig).objectiveRange[0];
}

/**
 * Emitter `chain` of a run, over the worker's archive: fresh (generation 0, the
 * same RNG stream as emitter `chain` of the in-process engine with this seed), or
 * resumed from its saved state.
 */
export function cmaEmitter(archive: ArchiveBase, domain: Domain, e: CmaEmitterConfig, batchSize: number, seed: number, chain: number, saved?: unknown): EvolutionStrategyEmitter {
  const root = new Rng(seed);
  let rng = root.spawn();
  for (let i = 0; i < chain; i++) rng = root.spawn();
  const emitter = createEmitter(e, { archive, x0: domain.x0, bounds: domain.bounds, batchSize, rng }) as EvolutionStrategyEmitter;
  if (saved !== undefined && saved !== null) emitter.setState(decodeState(saved));
  return emitter;
}

/**
 * Emitter state as stored (JSON): number arrays of 8 or more values become
 * `{ "f64": base64 }` of their float64 bytes, exact and about half the size of
 * decimal text (a 100-D CMA-ES keeps two 100×100 matrices).
 */
export function encodeState(state: unknown): unknown {
  if (Array.isArray(state)) {
    if (state.length >= 8 && state.every((v) => typeof v === "number")) {
      return { f64: Buffer.from(Float64Array.from(state as number[]).buffer).toString("base64") };
    }
    return state.map(encodeState);
  }
  if (state && typeof state === "object") return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, encodeState(v)]));
  return state;
}

export function decodeState(stored: unknown): unknown {
  if (Array.isArray(stored)) return stored.map(decodeState);
  if (stored && typeof stored === "object") {
    const o = stored as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === "f64" && typeof o.f64 === "string") {
      const bytes = Buffer.from(o.f64, "base64");
      const copy = new Uint8Array(bytes.length);
      copy.set(bytes);
      return Array.from(new Float64Array(copy.buffer));
    }
    return Object.fromEntries(keys.map((k) => [k, decodeState(o[k])]));
  }
  return stored;
}
