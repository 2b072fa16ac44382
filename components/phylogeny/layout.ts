/**
 * Phylogeny layout in O(n log n): y = generation depth (longest path from a seed, Kahn's order over the
 * parent lists, so creation order needs not be topological), x = within each generation, nodes sorted by
 * the mean x of their parents (barycentre) and then pushed apart to one slot each. Seeds are ordered by
 * cell. ~100 ms for 100,000 nodes on a loaded machine (see bench/phylogeny.ts): the experiment page lays out
 * whole trees in the loader worker (load.worker.ts); filtered views are laid out in the page.
 */
import { childrenOf, type PhyloData } from "./data";

export interface PhyloLayout {
  /** Slot units (one node per slot within a generation); NaN for nodes left out by the mask. */
  x: Float32Array;
  depth: Int32Array;
  maxDepth: number;
  minX: number;
  maxX: number;
  /** Nodes in the layout (the mask's count). */
  count: number;
}

/** Layouts of whole trees made elsewhere (the loader worker), by their data: the panel uses them as they are. */
const made = new WeakMap<PhyloData, PhyloLayout>();
export const rememberLayout = (d: PhyloData, l: PhyloLayout) => void made.set(d, l);

/** The layout of the whole tree: the one made with the data (by the loader worker) if any, else made now. */
export function wholeLayout(d: PhyloData): PhyloLayout {
  return made.get(d) ?? layoutPhylogeny(d);
}

export function layoutPhylogeny(d: PhyloData, keep?: Uint8Array): PhyloLayout {
  const n = d.n;
  const inKept = (i: number) => !keep || keep[i] === 1;
  const depth = new Int32Array(n).fill(-1);
  const pending = new Int32Array(n);
  const { start, list } = childrenOf(d);
  const queue = new Int32Array(n);
  let qh = 0;
  let qt = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!inKept(i)) continue;
    count++;
    let k = 0;
    for (let q = d.parentStart[i]!; q < d.parentStart[i + 1]!; q++) {
      const p = d.parents[q]!;
      if (p >= 0 && p < n && inKept(p)) k++;
    }
    pending[i] = k;
    if (k === 0) {
      depth[i] = 0;
      queue[qt++] = i;
    }
  }
  while (qh < qt) {
    const p = queue[qh++]!;
    for (let q = start[p]!; q < start[p + 1]!; q++) {
      const c = list[q]!;
      if (!inKept(c)) continue;
      if (depth[p]! + 1 > depth[c]!) depth[c] = depth[p]! + 1;
      if (--pending[c]! === 0) queue[qt++] = c;
    }
  }
  // A cycle cannot come from real lineage; if the data had one, its nodes sit with the seeds.
  for (let i = 0; i < n; i++) if (inKept(i) && pending[i]! > 0 && depth[i]! < 0) depth[i] = 0;

  let maxDepth = 0;
  for (let i = 0; i < n; i++) if (depth[i]! > maxDepth) maxDepth = depth[i]!;
  // Bucket nodes by generation (counting sort).
  const levelStart = new Int32Array(maxDepth + 2);
  for (let i = 0; i < n; i++) if (depth[i]! >= 0) levelStart[depth[i]! + 1]!++;
  for (let l = 0; l <= maxDepth; l++) levelStart[l + 1]! += levelStart[l]!;
  const byLevel = new Int32Array(levelStart[maxDepth + 1]!);
  const fill = levelStart.slice();
  for (let i = 0; i < n; i++) if (depth[i]! >= 0) byLevel[fill[depth[i]!]!++] = i;

  let widest = 0;
  for (let l = 0; l <= maxDepth; l++) widest = Math.max(widest, levelStart[l + 1]! - levelStart[l]!);
  const scratch = { packed: new Float64Array(widest), out: new Int32Array(widest) };
  const x = new Float32Array(n).fill(NaN);
  const key = new Float64Array(n);
  let minX = Infinity;
  let maxX = -Infinity;
  for (let l = 0; l <= maxDepth; l++) {
    const a = levelStart[l]!;
    const b = levelStart[l + 1]!;
    const nodes = byLevel.subarray(a, b);
    for (let j = 0; j < nodes.length; j++) {
      const i = nodes[j]!;
      let sum = 0;
      let k = 0;
      for (let q = d.parentStart[i]!; q < d.parentStart[i + 1]!; q++) {
        const p = d.parents[q]!;
        if (p >= 0 && p < n && x[p] === x[p]) (sum += x[p]!), k++;
      }
      key[i] = k ? sum / k : l === 0 ? d.cell[i]! : 0;
    }
    const sorted = sortByKey(nodes, key, scratch);
    if (l === 0) {
      // Seeds: one slot each, centred on 0.
      for (let r = 0; r < sorted.length; r++) x[sorted[r]!] = r - (sorted.length - 1) / 2;
    } else {
      // Place at the barycentre, then push right so no two share a slot; re-centre on the barycentres.
      let prev = -Infinity;
      let shift = 0;
      for (let j = 0; j < sorted.length; j++) {
        const i = sorted[j]!;
        const v = Math.max(key[i]!, prev + 1);
        x[i] = v;
        shift += v - key[i]!;
        prev = v;
      }
      const off = sorted.length ? shift / sorted.length : 0;
      for (let j = 0; j < sorted.length; j++) x[sorted[j]!] = x[sorted[j]!]! - off;
    }
    for (let j = 0; j < sorted.length; j++) {
      const i = sorted[j]!;
      if (x[i]! < minX) minX = x[i]!;
      if (x[i]! > maxX) maxX = x[i]!;
    }
  }
  if (!(maxX >= minX)) (minX = 0), (maxX = 0);
  return { x, depth, maxDepth, minX, maxX, count };
}

const SLOTS = 1048576; // 2^20: room for a generation's local index under the quantised key

/**
 * `nodes` ordered by `key` (ties by position), with the engine's native numeric sort: each entry packs the
 * key (quantised to 1/1024 slot, shifted to be non-negative) and its local index into one float64, exact
 * below 2^53. A comparator sort was a third of the layout's time at 100,000 nodes.
 */
function sortByKey(nodes: Int32Array, key: Float64Array, scratch: { packed: Float64Array; out: Int32Array }): Int32Array {
  const m = nodes.length;
  let lo = Infinity;
  for (let j = 0; j < m; j++) lo = Math.min(lo, key[nodes[j]!]!);
  const packed = scratch.packed.subarray(0, m);
  for (let j = 0; j < m; j++) packed[j] = Math.round((key[nodes[j]!]! - lo) * 1024) * SLOTS + j;
  packed.sort();
  const out = scratch.out.subarray(0, m);
  for (let j = 0; j < m; j++) out[j] = nodes[packed[j]! % SLOTS]!;
  return out;
}
