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
 * move by `thresholdStep`, in the worker (its local view, for ranking) and again
 * in the commit against the stored values (the truth).
 */

export const NOT_ADDED = 0;
export const IMPROVE_EXISTING = 1;
export const NEW = 2;

/** A cell's threshold, or undefined while no candidate ever beat it (the cell is then at thresholdMin and unoccupied). */
export interface ThresholdStore {
  get(cell: number): number | undefined;
  set(cell: number, threshold: number): void;
}

/**
 * pyribs' batch threshold update (CMA-MAE) for the candidates of one ask/tell
 * step: in each cell, the k candidates whose objective beats the cell's
 * threshold t (thresholdMin while unoccupied) move it to
 * (1-α)^k·t + (1-(1-α)^k)·mean(their objectives). The arithmetic is the engine's
 * (ArchiveBase.add), so the worker, the commit and the in-process archive agree
 * bit for bit on the same sequence. Fills `out` with what the engine's add
 * reports to emitters: status (0 not added, 1 beats an occupied cell, 2 new
 * cell) and value (objective − threshold). Candidates with cell < 0 or a NaN
 * objective are rejected (status 0, value -Infinity).
 */
export function thresholdStep(
  store: ThresholdStore,
  cells: ArrayLike<number>,
  objectives: ArrayLike<number>,
  n: number,
  learningRate: number,
  thresholdMin: number,
  out?: { status: Uint8Array; value: Float64Array },
): void {
  const beaten = new Map<number, { k: number; sum: number; cur: number }>();
  for (let i = 0; i < n; i++) {
    const c = cells[i]!;
    const obj = objectives[i]!;
    if (c < 0 || obj !== obj) {
      if (out) {
        out.status[i] = NOT_ADDED;
        out.value[i] = -Infinity;
      }
      continue;
    }
    const t = store.get(c);
    const cur = t ?? thresholdMin;
    if (obj > cur) {
      if (out) {
        out.status[i] = t === undefined ? NEW : IMPROVE_EXISTING;
        out.value[i] = obj - cur;
      }
      const b = beaten.get(c);
      if (b) {
        b.k++;
        b.sum += obj;
      } else beaten.set(c, { k: 1, sum: obj, cur });
    } else if (out) {
      out.status[i] = NOT_ADDED;
      out.value[i] = obj - cur;
    }
  }
  for (const [c, b] of beaten) {
    const ratio = Math.pow(1 - learningRate, b.k);
    store.set(c, ratio * b.cur + (b.sum / b.k) * (1 - ratio));
  }
}

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
