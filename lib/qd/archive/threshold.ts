import { IMPROVE_EXISTING, NEW, NOT_ADDED } from "./base";

/**
 * CMA-MAE's per-cell acceptance thresholds outside an archive object: distributed runs keep
 * them in a table (CellThreshold) and move them in the worker (its local view, for ranking) and
 * again in the commit transaction (the truth), with the same arithmetic as ArchiveBase.add.
 */

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
