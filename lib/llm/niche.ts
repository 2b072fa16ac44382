/**
 * Choosing the target niche for an LLM mutation: a cell the child should move toward, preferably
 * an empty one near the parent (small, plausible steps fill the map), else the weakest nearby one.
 *
 * Grid cells are indexed row-major with the first descriptor most significant, exactly like
 * `gridCellOf` in lib/qd (index = ((g0 · bins1) + g1) · bins2 + g2 ...). The caller says what a
 * cell holds through `eliteFitness(cell)` (undefined = empty), so this works with an in-memory
 * archive or a database snapshot. Deterministic given `seed`.
 */
import { Rng } from "../qd/rng";
import type { TargetNiche } from "./prompts";

export interface GridDescriptor {
  name: string;
  min: number;
  max: number;
  bins: number;
}

export interface ChooseNicheOptions {
  descriptors: GridDescriptor[];
  /** Fitness of the elite in a cell, undefined when the cell is empty. */
  eliteFitness: (cell: number) => number | undefined;
  /** The parent's descriptor values (niche search starts around its cell); omit for anywhere. */
  parent?: ArrayLike<number> | null;
  seed: number;
  /** Cells sampled. Default 64. */
  samples?: number;
  /** Typical step from the parent's cell, in cells per dimension. Default 2. */
  radius?: number;
}

export interface ChosenNiche extends TargetNiche {
  descriptors: number[];
  cell: number;
  /** Grid coordinates of the cell. */
  coords: number[];
  empty: boolean;
}

/** Grid coordinates of descriptor values (clipped to the edge cells, pyribs semantics). */
export function cellCoords(descriptors: GridDescriptor[], values: ArrayLike<number>): number[] {
  return descriptors.map((d, i) => {
    const v = values[i] ?? d.min;
    const g = Math.trunc((d.bins * (v - d.min)) / (d.max - d.min));
    return Number.isFinite(g) ? Math.min(d.bins - 1, Math.max(0, g)) : 0;
  });
}

export function cellIndex(descriptors: GridDescriptor[], coords: number[]): number {
  let idx = 0;
  descriptors.forEach((d, i) => (idx = idx * d.bins + coords[i]!));
  return idx;
}

/** Centre of a cell in descriptor space. */
export function cellCentre(descriptors: GridDescriptor[], coords: number[]): number[] {
  return descriptors.map((d, i) => d.min + ((coords[i]! + 0.5) * (d.max - d.min)) / d.bins);
}

export function chooseTargetNiche(opts: ChooseNicheOptions): ChosenNiche {
  const ds = opts.descriptors;
  const rng = new Rng(opts.seed);
  const samples = Math.max(1, opts.samples ?? 64);
  const radius = opts.radius ?? 2;
  const origin = opts.parent ? cellCoords(ds, opts.parent) : null;
  let best: { coords: number[]; cell: number; empty: boolean; fitness?: number; dist: number } | null = null;
  for (let s = 0; s < samples; s++) {
    const coords = ds.map((d, i) =>
      origin && s < samples * 0.75
        ? Math.min(d.bins - 1, Math.max(0, Math.round(origin[i]! + rng.normal() * radius)))
        : rng.int(d.bins),
    );
    if (origin && coords.every((c, i) => c === origin[i])) continue;
    const cell = cellIndex(ds, coords);
    const fitness = opts.eliteFitness(cell);
    const empty = fitness === undefined;
    const dist = origin ? coords.reduce((a, c, i) => a + (c - origin[i]!) ** 2, 0) : 0;
    const better =
      !best ||
      (empty && !best.empty) ||
      (empty && best.empty && dist < best.dist) ||
      (!empty && !best.empty && (fitness! < best.fitness! || (fitness === best.fitness && dist < best.dist)));
    if (better) best = { coords, cell, empty, ...(empty ? {} : { fitness }), dist };
  }
  if (!best) {
    // only the parent's own cell was sampled (e.g. a 1-cell grid)
    const coords = origin ?? ds.map(() => 0);
    const cell = cellIndex(ds, coords);
    const f = opts.eliteFitness(cell);
    best = { coords, cell, empty: f === undefined, ...(f === undefined ? {} : { fitness: f }), dist: 0 };
  }
  return {
    descriptors: cellCentre(ds, best.coords),
    fitness: best.empty ? null : best.fitness!,
    cell: best.cell,
    coords: best.coords,
    empty: best.empty,
  };
}
