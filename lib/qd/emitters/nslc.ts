/**
 * NSLC ordering (Lehman & Stanley 2011, as pyribs' NSLCRanker): NSGA-II fast
 * non-dominated sort on (novelty, local competition), both maximised; inside
 * a front, larger crowding distance first (stable). Batches are an emitter's
 * (tens of rows), so the O(n²) sort is cheap.
 */

/** True when a dominates b (maximising both keys). */
function dominates(na: number, la: number, nb: number, lb: number): boolean {
  return na >= nb && la >= lb && (na > nb || la > lb);
}

/** NSGA-II crowding distance of the rows in `front` (boundary rows: Infinity). */
export function crowdingDistance(keys: Float64Array[], front: number[]): Float64Array {
  const m = front.length;
  const dist = new Float64Array(m);
  const idx = Array.from({ length: m }, (_, i) => i);
  for (const key of keys) {
    // Costs are the negated keys; stable ascending sort of costs.
    const order = idx.slice().sort((a, b) => -key[front[a]] - -key[front[b]] || a - b);
    dist[order[0]] = Infinity;
    dist[order[m - 1]] = Infinity;
    const range = -key[front[order[m - 1]]] - -key[front[order[0]]];
    if (range === 0) continue;
    for (let k = 1; k < m - 1; k++) {
      dist[order[k]] += (-key[front[order[k + 1]]] - -key[front[order[k - 1]]]) / range;
    }
  }
  return dist;
}

/** Non-dominated fronts, best first; rows inside a front in discovery order. */
export function nonDominatedFronts(novelty: ArrayLike<number>, lc: ArrayLike<number>, n: number): number[][] {
  const count = new Int32Array(n);
  const dominated: number[][] = Array.from({ length: n }, () => []);
  const first: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dominates(novelty[i], lc[i], novelty[j], lc[j])) {
        dominated[i].push(j);
        count[j]++;
      } else if (dominates(novelty[j], lc[j], novelty[i], lc[i])) {
        dominated[j].push(i);
        count[i]++;
      }
    }
    if (count[i] === 0) first.push(i);
  }
  const fronts: number[][] = [];
  let cur = first;
  while (cur.length > 0) {
    fronts.push(cur);
    const next: number[] = [];
    for (const i of cur) {
      for (const j of dominated[i]) if (--count[j] === 0) next.push(j);
    }
    cur = next;
  }
  return fronts;
}

/** Fills order[0..n) with row indices best-first. */
export function nslcOrder(novelty: Float64Array, lc: Float64Array, n: number, order: Int32Array): void {
  const nov = novelty.subarray(0, n);
  const loc = lc.subarray(0, n);
  let c = 0;
  for (const front of nonDominatedFronts(nov, loc, n)) {
    if (front.length === 1) {
      order[c++] = front[0];
      continue;
    }
    const crowd = crowdingDistance([nov, loc], front);
    const pos = Array.from({ length: front.length }, (_, i) => i).sort((a, b) => (crowd[b] === crowd[a] ? a - b : crowd[b] > crowd[a] ? 1 : -1));
    for (const p of pos) order[c++] = front[p];
  }
}
