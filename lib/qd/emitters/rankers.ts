/**
 * pyribs rankers: order a batch best-first. Two-stage rankers sort by add
 * status (new > improved > not added) then by a value. Ties go to the later
 * index, as np.flip of a stable ascending sort does.
 */
import type { EliteSource } from "../archive/base";
import { nslcOrder } from "./nslc";
import type { Rng } from "../rng";
import type { TellBatch } from "./types";

export type RankerName = "imp" | "2imp" | "obj" | "2obj" | "rd" | "2rd" | "nov" | "nslc" | "density";
/**
 * "nov" ranks by novelty (proximity archives), "nslc" by non-dominated fronts
 * of (novelty, local competition) with crowding distance inside a front
 * (proximity archives with local competition), "density" lowest density
 * first (density archives).
 */
export const RANKERS: RankerName[] = ["imp", "2imp", "obj", "2obj", "rd", "2rd", "nov", "nslc", "density"];

export class Ranker {
  readonly name: RankerName;
  private readonly twoStage: boolean;
  private direction: Float64Array | null = null;
  /** Ranking values of the last batch, per row (value / objective / projection). */
  private keys = new Float64Array(0);
  private stage = new Uint8Array(0);

  constructor(name: RankerName) {
    if (!RANKERS.includes(name)) throw new Error(`unknown ranker "${name}" (use ${RANKERS.join(", ")})`);
    this.name = name;
    this.twoStage = name.startsWith("2");
  }

  /** Random-direction rankers draw a new measure-space direction on reset. */
  reset(archive: EliteSource, rng: Rng): void {
    if (this.name !== "rd" && this.name !== "2rd") return;
    const md = archive.measureDim;
    const d = new Float64Array(md);
    for (let i = 0; i < md; i++) d[i] = rng.normal() * (archive.upperBounds[i] - archive.lowerBounds[i]);
    this.direction = d;
  }

  /** Random-direction rankers' direction (null for the others): part of an emitter's resumable state. */
  getState(): number[] | null {
    return this.direction ? Array.from(this.direction) : null;
  }

  setState(direction: number[] | null): void {
    this.direction = direction ? Float64Array.from(direction) : null;
  }

  /** Fills `order` with row indices best-first; returns |best − worst| ranking-value gap. */
  rank(b: TellBatch, measureDim: number, order: Int32Array): number {
    const n = b.n;
    if (this.keys.length < n) {
      this.keys = new Float64Array(n);
      this.stage = new Uint8Array(n);
    }
    if (this.name === "nslc") return this.rankNslc(b, order);
    const keys = this.keys;
    const stage = this.stage;
    const extra = this.name === "nov" ? b.novelty : this.name === "density" ? b.density : undefined;
    if ((this.name === "nov" || this.name === "density") && !extra) {
      throw new Error(`ranker "${this.name}" needs an archive that reports ${this.name === "nov" ? "novelty (proximity)" : "density (density archive)"}`);
    }
    for (let i = 0; i < n; i++) {
      let k: number;
      if (this.name === "imp" || this.name === "2imp") k = b.value[i];
      // Lower density is better: rank by its negation.
      else if (this.name === "nov") k = extra![i];
      else if (this.name === "density") k = -extra![i];
      else if (this.name === "obj" || this.name === "2obj") k = b.objectives[i];
      else {
        const d = this.direction!;
        k = 0;
        for (let j = 0; j < measureDim; j++) k += b.measures[i * measureDim + j] * d[j];
      }
      keys[i] = k;
      stage[i] = this.twoStage ? b.status[i] : 0;
    }
    for (let i = 0; i < n; i++) order[i] = i;
    const sub = order.subarray(0, n);
    sub.sort((x, y) => {
      if (stage[x] !== stage[y]) return stage[y] - stage[x];
      const kx = keys[x];
      const ky = keys[y];
      if (kx !== ky) return kx > ky ? -1 : kx < ky ? 1 : ky !== ky ? -1 : 1; // NaN last
      return y - x;
    });
    if (n < 2) return Infinity;
    const best = sub[0];
    const worst = sub[n - 1];
    // Two-stage values are (status, value) pairs: pyribs takes the vector norm.
    const ds = stage[best] - stage[worst];
    const dk = keys[best] - keys[worst];
    return Math.sqrt(ds * ds + dk * dk);
  }

  private rankNslc(b: TellBatch, order: Int32Array): number {
    const nov = b.novelty;
    const lc = b.localCompetition;
    if (!nov || !lc) throw new Error('ranker "nslc" needs a proximity archive with local competition');
    const n = b.n;
    nslcOrder(nov, lc, n, order);
    if (n < 2) return Infinity;
    const best = order[0];
    const worst = order[n - 1];
    const a = nov[best] - nov[worst];
    const c = lc[best] - lc[worst];
    return Math.sqrt(a * a + c * c);
  }
}
