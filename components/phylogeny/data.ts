/**
 * The phylogeny as typed columns (from GET /api/experiments/:id/phylogeny pages): node i's parents are
 * `parents[parentStart[i] .. parentStart[i+1])`, node indexes (-1: not stored). Browser-safe, no React.
 */
import type { PhylogenyPage } from "@/lib/api/phylogeny";

export interface PhyloData {
  n: number;
  ids: string[];
  parentStart: Int32Array;
  parents: Int32Array;
  /** NaN where unknown. */
  fitness: Float64Array;
  /** -1 where none. */
  cell: Int32Array;
  operators: string[];
  operator: Uint16Array;
  models: string[];
  /** -1: no model. */
  model: Int16Array;
  /** ms since the epoch; non-decreasing (the API returns nodes in creation order). */
  createdAt: Float64Array;
  /** 1: a current elite. */
  elite: Uint8Array;
  /** Hook for island models: the island of each node when the run has islands (absent otherwise). */
  island?: Int32Array;
}

/** One page of `GET …/phylogeny`, as the API defines it. */
export type PhyloPage = PhylogenyPage;

/** Pages (in order) → one PhyloData; operator/model dictionaries of the pages are merged. */
export function fromPages(pages: PhyloPage[]): PhyloData {
  const n = pages.reduce((s, p) => s + p.ids.length, 0);
  const e = pages.reduce((s, p) => s + p.parents.length, 0);
  const d: PhyloData = {
    n,
    ids: [],
    parentStart: new Int32Array(n + 1),
    parents: new Int32Array(e),
    fitness: new Float64Array(n),
    cell: new Int32Array(n),
    operators: [],
    operator: new Uint16Array(n),
    models: [],
    model: new Int16Array(n),
    createdAt: new Float64Array(n),
    elite: new Uint8Array(n),
  };
  const hasIsland = pages.some((p) => p.island);
  if (hasIsland) d.island = new Int32Array(n).fill(-1);
  const opIdx = new Map<string, number>();
  const modelIdx = new Map<string, number>();
  const code = (m: Map<string, number>, list: string[], v: string) => {
    let i = m.get(v);
    if (i === undefined) m.set(v, (i = list.push(v) - 1));
    return i;
  };
  let i = 0;
  let k = 0;
  for (const p of pages) {
    const ops = p.operators.map((o) => code(opIdx, d.operators, o));
    const models = p.models.map((m) => code(modelIdx, d.models, m));
    for (let j = 0; j < p.ids.length; j++, i++) {
      d.ids.push(p.ids[j]!);
      for (let q = p.parentStart[j]!; q < p.parentStart[j + 1]!; q++) d.parents[k++] = p.parents[q]!;
      d.parentStart[i + 1] = k;
      const f = p.fitness[j];
      d.fitness[i] = f == null ? NaN : f;
      d.cell[i] = p.cell[j] ?? -1;
      d.operator[i] = ops[p.operator[j]!] ?? 0;
      const m = p.model[j]!;
      d.model[i] = m < 0 ? -1 : (models[m] ?? -1);
      d.createdAt[i] = p.createdAt[j]!;
      d.elite[i] = p.elite[j] ? 1 : 0;
      if (d.island) d.island[i] = p.island?.[j] ?? -1;
    }
  }
  return d;
}

/** Children lists (CSR) from the parent lists: O(n + edges). */
export function childrenOf(d: PhyloData): { start: Int32Array; list: Int32Array } {
  const count = new Int32Array(d.n + 1);
  for (let q = 0; q < d.parents.length; q++) {
    const p = d.parents[q]!;
    if (p >= 0 && p < d.n) count[p + 1]!++;
  }
  for (let i = 0; i < d.n; i++) count[i + 1]! += count[i]!;
  const start = count.slice();
  const fill = count.slice(0, d.n);
  const list = new Int32Array(start[d.n]!);
  for (let c = 0; c < d.n; c++) {
    for (let q = d.parentStart[c]!; q < d.parentStart[c + 1]!; q++) {
      const p = d.parents[q]!;
      if (p >= 0 && p < d.n) list[fill[p]!++] = c;
    }
  }
  return { start, list };
}

/** Mask of `node` and all its ancestors (the filter "this elite's ancestry"). */
export function ancestryMask(d: PhyloData, node: number): Uint8Array {
  const keep = new Uint8Array(d.n);
  if (node < 0 || node >= d.n) return keep;
  const stack = [node];
  keep[node] = 1;
  while (stack.length) {
    const c = stack.pop()!;
    for (let q = d.parentStart[c]!; q < d.parentStart[c + 1]!; q++) {
      const p = d.parents[q]!;
      if (p >= 0 && !keep[p]) {
        keep[p] = 1;
        stack.push(p);
      }
    }
  }
  return keep;
}

/** Mask of the nodes of one island (island models); every node when the data has no islands. */
export function islandMask(d: PhyloData, island: number): Uint8Array {
  const keep = new Uint8Array(d.n).fill(1);
  if (!d.island) return keep;
  // Untagged nodes (-1: the seeds, which start every island) belong to every island's tree.
  for (let i = 0; i < d.n; i++) keep[i] = d.island[i] === island || d.island[i]! < 0 ? 1 : 0;
  return keep;
}

/** How many nodes were created at or before `t` (nodes are in creation order): a binary search. */
export function countAt(d: PhyloData, t: number): number {
  let lo = 0;
  let hi = d.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (d.createdAt[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A synthetic phylogeny (benchmarks, the test page): `n` nodes, ~`crossover` of them with two parents. */
export function syntheticPhylogeny(n: number, { seed = 1, crossover = 0.1, cells = 10_000 } = {}): PhyloData {
  let s = seed >>> 0 || 1;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const page: PhyloPage = { total: n, offset: 0, nextOffset: null, elites: 0, ids: [], parentStart: [0], parents: [], fitness: [], cell: [], operators: ["seed", "iso-line", "crossover"], operator: [], models: [], model: [], createdAt: [], elite: [] };
  const seeds = Math.max(1, Math.round(Math.sqrt(n) / 4));
  const fit = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    page.ids.push(`node-${i}`);
    if (i < seeds) {
      page.operator.push(0);
      fit[i] = rand();
    } else {
      // Recent nodes are likelier parents: a deep, bushy tree like a real run's.
      const pick = () => Math.max(0, Math.min(i - 1, Math.floor(i - 1 - Math.abs(rand() * rand()) * i)));
      const a = pick();
      page.parents.push(a);
      let f = fit[a]!;
      if (rand() < crossover) {
        const b = pick();
        page.parents.push(b);
        f = Math.max(f, fit[b]!);
        page.operator.push(2);
      } else page.operator.push(1);
      fit[i] = f + (rand() - 0.3) * 0.1;
    }
    page.parentStart.push(page.parents.length);
    page.fitness.push(fit[i]!);
    page.cell.push(Math.floor(rand() * cells));
    page.model.push(-1);
    page.createdAt.push(1_700_000_000_000 + i * 10);
    page.elite.push(i >= n - Math.min(cells, n / 10) ? 1 : 0);
  }
  return fromPages([page]);
}
