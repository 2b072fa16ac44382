import { Rng, getDomain, type ArchiveBase, type Domain, type Emitter } from "@/lib/qd";
import { createEmitter, emitterKindOf } from "@/lib/registry/emitters";
import { groupOfChain, poolGroups } from "@/lib/registry/schedulers/bandit-pool";
import { banditOf, isChainEmitter, type ChainEmitterConfig, type DomainConfig } from "./config";

/**
 * CMA-ME / CMA-MAE / CMA-MEGA / CMA-MAEGA in distributed runs: pure pieces shared by the workers
 * (workers/cma-batch.ts) and the commit transaction (lib/db/emitter-store.ts).
 *
 * Emitter e of `count` owns jobs e, e + count, e + 2·count, … (a chain, one job in
 * flight); between jobs its state (CMA-ES, restarts, its RNG; CMA-MEGA also its
 * solution point and optimizer) lives in the EmitterState table. CMA-MAE's (and
 * CMA-MAEGA's) per-cell thresholds live in CellThreshold and move by `thresholdStep`
 * (lib/qd/archive/threshold.ts), in the worker (its local view, for ranking) and again
 * in the commit against the stored values (the truth).
 */

/** Archive learning (CMA-MAE, or CMA-MAEGA when a learning rate is set); null: elitist ranking. */
export function chainLearning(config: { domain: { type: string }; emitter: { type: string; learningRate?: number; thresholdMin?: number } }): { learningRate: number; thresholdMin: number } | null {
  const e = config.emitter;
  if (e.type !== "cma-mae" && !(e.type === "gradient-arborescence" && e.learningRate !== undefined)) return null;
  return { learningRate: e.learningRate ?? 0.01, thresholdMin: e.thresholdMin ?? getDomain(config.domain as DomainConfig).objectiveRange[0] };
}

/** CMA-MAE's initial threshold: the configured one, else the domain's lowest objective (pyribs threshold_min). */
export function cmaThresholdMin(config: { domain: { type: string }; emitter: ChainEmitterConfig }): number {
  const e = config.emitter as { thresholdMin?: number };
  if (e.thresholdMin !== undefined) return e.thresholdMin;
  return getDomain(config.domain as DomainConfig).objectiveRange[0];
}

/**
 * What a chain's emitter exposes besides ask/tell: its state and its restart count (the bandit's
 * "terminated"); mutation emitters of a bandit pool keep only their RNG and have no restarts.
 */
export type ChainEmitter = Emitter & { getState(): unknown; setState(s: unknown): void; restarts?: number };

/** The emitter config chain `chain` of a run runs: the run's emitter, or for a bandit pool the chain's group. */
export function chainEmitterConfig(config: { emitter: { type: string }; scheduler?: { type: string }; extraEmitters?: readonly { type: string; count?: number }[] }, chain: number): { type: string } & Record<string, unknown> {
  if (banditOf(config)) {
    // A pool group's count says how many members it has; the kinds without a count field (mutation) take none.
    const { count, ...member } = groupOfChain(poolGroups(config), chain).emitter;
    return "count" in emitterKindOf(member).schema.shape ? { ...member, count } : member;
  }
  if (!isChainEmitter(config.emitter)) throw new Error(`emitter "${config.emitter.type}" runs no chains`);
  return config.emitter as { type: string } & Record<string, unknown>;
}

/**
 * Emitter `chain` of a run, over the worker's archive: fresh (generation 0, the
 * same RNG stream as emitter `chain` of the in-process engine with this seed), or
 * resumed from its saved state.
 */
export function cmaEmitter(archive: ArchiveBase, domain: Domain, e: ChainEmitterConfig | { type: string }, batchSize: number, seed: number, chain: number, saved?: unknown): ChainEmitter {
  const root = new Rng(seed);
  let rng = root.spawn();
  for (let i = 0; i < chain; i++) rng = root.spawn();
  const emitter = createEmitter(e, { archive, x0: domain.x0, bounds: domain.bounds, batchSize, rng }) as ChainEmitter;
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
