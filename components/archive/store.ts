/**
 * Dense, mutable copy of an archive for drawing: one slot per cell, NaN when
 * empty. Live updates write into it in place; views read it after each
 * `version` bump (one per animation frame at most).
 */
import type { ArchivePayload, Geometry } from "@/components/lib/types";
import { colorRangeOf, type ColorRange } from "./colors";
import { uuidStrings } from "@/lib/api/archive-columns";

export class ArchiveStore {
  readonly cells: number;
  readonly dim: number;
  readonly geometry: Geometry;
  readonly names: string[];
  readonly fitness: Float64Array;
  /** cells × dim, NaN where the elite's exact descriptors are not known (live updates carry fitness only). */
  readonly descriptors: Float64Array;
  /** Each cell's elite's solution id as 16 bytes, valid where hasId is 1 (text made on demand: solutionId). */
  private readonly ids: Uint8Array;
  private readonly hasId: Uint8Array;
  filled = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  version = 0;
  private colors: { version: number; range: ColorRange } | null = null;

  constructor(payload: ArchivePayload) {
    this.geometry = payload.geometry;
    this.dim = payload.geometry.ranges.length;
    this.cells = payload.cells;
    this.names = payload.descriptorNames.length === this.dim ? payload.descriptorNames : payload.geometry.ranges.map((_, i) => payload.descriptorNames[i] ?? `descriptor ${i + 1}`);
    this.fitness = new Float64Array(this.cells).fill(NaN);
    this.descriptors = new Float64Array(this.cells * this.dim).fill(NaN);
    this.ids = new Uint8Array(this.cells * 16);
    this.hasId = new Uint8Array(this.cells);
    this.load(payload);
  }

  /** Replaces the contents with a full archive read. */
  load(p: ArchivePayload) {
    this.fitness.fill(NaN);
    this.descriptors.fill(NaN);
    this.hasId.fill(0);
    const d = this.dim;
    for (let i = 0; i < p.cell.length; i++) {
      const c = p.cell[i]!;
      if (c < 0 || c >= this.cells) continue;
      this.fitness[c] = p.fitness[i]!;
      for (let k = 0; k < d; k++) this.descriptors[c * d + k] = p.descriptors[i * d + k]!;
      this.takeId(p, i, c);
    }
    this.recount();
  }

  /** Applies live improvements [cell, fitness]; returns how many changed a cell. */
  apply(updates: ArrayLike<readonly [number, number]>): number {
    let changed = 0;
    for (let i = 0; i < updates.length; i++) {
      const [c, f] = updates[i]!;
      if (c < 0 || c >= this.cells || !Number.isFinite(f)) continue;
      const old = this.fitness[c]!;
      if (old === old && old >= f) continue;
      if (old !== old) this.filled++;
      this.sum += f - (old === old ? old : 0);
      this.fitness[c] = f;
      // The old descriptors belonged to the previous elite.
      for (let k = 0; k < this.dim; k++) this.descriptors[c * this.dim + k] = NaN;
      this.hasId[c] = 0;
      if (f > this.max) this.max = f;
      changed++;
    }
    if (changed) {
      this.recountMin();
      this.version++;
    }
    return changed;
  }

  /**
   * Merges rows read from the API (e.g. `/archive?after=revision`): exact
   * descriptors and solution ids for cells whose fitness they match or beat.
   */
  merge(p: ArchivePayload): number {
    const d = this.dim;
    let changed = 0;
    for (let i = 0; i < p.cell.length; i++) {
      const c = p.cell[i]!;
      const f = p.fitness[i]!;
      if (c < 0 || c >= this.cells) continue;
      const old = this.fitness[c]!;
      if (old === old && old > f) continue;
      this.fitness[c] = f;
      for (let k = 0; k < d; k++) this.descriptors[c * d + k] = p.descriptors[i * d + k]!;
      this.takeId(p, i, c);
      if (old !== f) changed++;
    }
    this.recount();
    return changed;
  }

  /** The solution id of the cell's elite, when a read has told it (live updates do not). */
  solutionId(cell: number): string | undefined {
    return this.hasId[cell] ? uuidStrings(this.ids.subarray(cell * 16, cell * 16 + 16))[0] : undefined;
  }

  /** Row i's id (if the payload has a non-zero one) becomes cell c's. */
  private takeId(p: ArchivePayload, i: number, c: number) {
    const src = p.solutionIds;
    let any = 0;
    if (src) for (let b = 0; b < 16; b++) any |= this.ids[c * 16 + b] = src[i * 16 + b]!;
    this.hasId[c] = any ? 1 : 0;
  }

  private recount() {
    let filled = 0;
    let max = -Infinity;
    let sum = 0;
    for (let c = 0; c < this.cells; c++) {
      const f = this.fitness[c]!;
      if (f === f) {
        filled++;
        sum += f;
        if (f > max) max = f;
      }
    }
    this.filled = filled;
    this.sum = sum;
    this.max = max;
    this.recountMin();
    this.version++;
  }

  private recountMin() {
    let min = Infinity;
    const fit = this.fitness;
    for (let c = 0; c < this.cells; c++) {
      const f = fit[c]!;
      if (f < min) min = f;
    }
    this.min = min;
  }

  /** The fitness span the colours cover (clipped when a few outliers would flatten it); one object per version. */
  get colorRange(): ColorRange {
    if (this.colors?.version !== this.version) this.colors = { version: this.version, range: colorRangeOf(this.fitness) };
    return this.colors.range;
  }

  /** Per-dimension bin indices of a grid cell (C order, like the engine). */
  gridIndex(cell: number): number[] {
    if (this.geometry.type !== "grid") return [];
    const dims = this.geometry.dims;
    const out = new Array<number>(dims.length);
    for (let d = dims.length - 1; d >= 0; d--) {
      out[d] = cell % dims[d]!;
      cell = Math.floor(cell / dims[d]!);
    }
    return out;
  }

  /** The descriptor box a cell covers (grid) or its centroid (CVT). */
  cellBounds(cell: number): { lo: number; hi: number }[] {
    const g = this.geometry;
    if (g.type === "grid") {
      const idx = this.gridIndex(cell);
      return idx.map((i, d) => {
        const [lo, hi] = g.ranges[d]!;
        const w = (hi - lo) / g.dims[d]!;
        return { lo: lo + i * w, hi: lo + (i + 1) * w };
      });
    }
    const c = g.centroids[cell] ?? [];
    return c.map((v) => ({ lo: v, hi: v }));
  }
}

/** How the archive is laid onto the screen: which descriptors are x and y, and what happens to the others. */
export interface ViewSpec {
  x: number;
  /** -1 for a one-dimensional strip. */
  y: number;
  mode: "fold" | "slice";
  /** Bin index per dimension for slice mode (ignored for x and y). */
  slice: number[];
}

export function defaultView(dim: number): ViewSpec {
  return { x: 0, y: dim >= 2 ? 1 : -1, mode: "fold", slice: new Array(dim).fill(0) };
}

/**
 * A grid archive projected onto two of its dimensions: for every screen cell,
 * the best fitness over the folded dimensions (or the sliced cell), and which
 * archive cell holds it.
 */
export interface Projection {
  bx: number;
  by: number;
  fitness: Float64Array;
  cell: Int32Array;
}

export function projectGrid(store: ArchiveStore, view: ViewSpec): Projection {
  const g = store.geometry;
  if (g.type !== "grid") throw new Error("projectGrid needs a grid archive");
  const dims = g.dims;
  const nd = dims.length;
  const bx = dims[view.x]!;
  const by = view.y >= 0 ? dims[view.y]! : 1;
  const fitness = new Float64Array(bx * by).fill(NaN);
  const cell = new Int32Array(bx * by).fill(-1);
  const fit = store.fitness;
  if (nd <= 2 && (nd === 1 || view.y >= 0)) {
    // Fast paths: the archive is the image (possibly transposed).
    for (let c = 0; c < store.cells; c++) {
      const f = fit[c]!;
      if (f !== f) continue;
      let px: number, py: number;
      if (nd === 1) {
        px = c;
        py = 0;
      } else {
        const i0 = Math.floor(c / dims[1]!);
        const i1 = c - i0 * dims[1]!;
        px = view.x === 0 ? i0 : i1;
        py = view.x === 0 ? i1 : i0;
      }
      const p = py * bx + px;
      fitness[p] = f;
      cell[p] = c;
    }
    return { bx, by, fitness, cell };
  }
  const strides = new Array<number>(nd);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    strides[d] = s;
    s *= dims[d]!;
  }
  for (let c = 0; c < store.cells; c++) {
    const f = fit[c]!;
    if (f !== f) continue;
    let px = 0;
    let py = 0;
    let keep = true;
    for (let d = 0; d < nd; d++) {
      const i = Math.floor(c / strides[d]!) % dims[d]!;
      if (d === view.x) px = i;
      else if (d === view.y) py = i;
      else if (view.mode === "slice" && i !== (view.slice[d] ?? 0)) {
        keep = false;
        break;
      }
    }
    if (!keep) continue;
    const p = py * bx + px;
    const old = fitness[p]!;
    if (old !== old || f > old) {
      fitness[p] = f;
      cell[p] = c;
    }
  }
  return { bx, by, fitness, cell };
}
